"""Reserved area: the user's personal reminders."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import (
    confirm_dialog,
    dialog_control,
    empty_state,
    field_error,
    for_id,
    portal_heading,
    portal_shell,
)
from app.state.reminders import RemindersState, ReminderView


def _reminder(r: ReminderView) -> rx.Component:
    return rx.hstack(
        rx.badge(r.due_on, color_scheme=rx.cond(r.past, "gray", "indigo"), size="2", variant="soft"),
        rx.text(r.text, flex="1", color=rx.cond(r.past, rx.color("gray", 10), rx.color("gray", 12))),
        rx.icon_button(rx.icon("pencil", size=14), variant="ghost", size="2", aria_label=T("reminders.edit"),
                       on_click=RemindersState.edit_reminder(r.id)),
        rx.icon_button(rx.icon("trash-2", size=14), variant="ghost", size="2", color_scheme="red",
                       aria_label=T("common.remove"), on_click=RemindersState.ask_delete(r.id)),
        align="center", spacing="3", width="100%", padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}", class_name="reminder",
    )


def _reminder_fields(errors, values=None) -> rx.Component:  # noqa: ANN001
    return rx.flex(
        rx.vstack(rx.text(T("reminders.due_on"), size="2", weight="medium", as_="label",
                          **for_id("reminder-date" if values is None else "edit-reminder-date")),
                  rx.input(type="date", name="due_on", default_value=values["due_on"] if values is not None else "",
                           id="reminder-date" if values is None else "edit-reminder-date"),
                  field_error(errors.get("due_on", "")), spacing="1"),
        rx.vstack(rx.text(T("reminders.text"), size="2", weight="medium", as_="label",
                          **for_id("reminder-text" if values is None else "edit-reminder-text")),
                  rx.input(name="text", default_value=values["text"] if values is not None else "", width="100%",
                           id="reminder-text" if values is None else "edit-reminder-text"),
                  field_error(errors.get("text", "")), spacing="1", flex="1"),
        spacing="3", width="100%", wrap="wrap", align="start",
    )


def reminders_page() -> rx.Component:
    s = RemindersState
    return portal_shell(
        portal_heading("reminders.title", "reminders.help"),
        rx.card(rx.form(
            rx.hstack(_reminder_fields(s.add_errors),
                      rx.button(rx.icon("plus", size=14), T("reminders.add"), type="submit", id="add-reminder",
                                margin_top="22px"), align="start", width="100%"),
            on_submit=s.add_reminder, key=s.add_key, width="100%"), width="100%"),
        rx.cond(s.reminder_rows.length() > 0,
                rx.card(rx.vstack(rx.foreach(s.reminder_rows, _reminder), spacing="0", width="100%"), width="100%",
                        id="reminders"),
                empty_state("bell", T("reminders.empty"), T("reminders.empty_hint"))),
        rx.dialog.root(rx.dialog.content(
            rx.dialog.title(T("reminders.edit")),
            rx.form(rx.vstack(
                _reminder_fields(s.edit_errors, s.edit_values),
                rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray",
                                                  type="button")),
                        rx.button(T("common.save"), type="submit"), spacing="3", justify="end", width="100%"),
                spacing="4", width="100%"), on_submit=s.save_edit, key=s.edit_key, width="100%"),
            max_width="560px"), **dialog_control(s, "edit")),
        confirm_dialog(s, s.confirm_delete, confirm_key="common.remove", color="red"),
    )
