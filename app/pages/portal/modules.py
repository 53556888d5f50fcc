"""Reserved area: personal reminders and support requests."""

from __future__ import annotations

import reflex as rx

from app.components.documents import document_card
from app.components.i18n import T
from app.components.shell import confirm_dialog, empty_state, field_error, portal_shell
from app.components.ticket_thread import ticket_thread
from app.state.documents import PortalDocumentsState
from app.state.portal import RemindersState, ReminderView, SupportState, TicketView


def _heading(title_key: str, help_key: str) -> rx.Component:
    return rx.vstack(rx.heading(T(title_key), size="7"),
                     rx.text(T(help_key), color_scheme="gray", size="3", max_width="680px"), spacing="2")


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
        rx.vstack(rx.text(T("reminders.due_on"), size="2", weight="medium"),
                  rx.input(type="date", name="due_on", default_value=values["due_on"] if values is not None else "",
                           id="reminder-date" if values is None else "edit-reminder-date"),
                  field_error(errors.get("due_on", "")), spacing="1"),
        rx.vstack(rx.text(T("reminders.text"), size="2", weight="medium"),
                  rx.input(name="text", default_value=values["text"] if values is not None else "", width="100%",
                           id="reminder-text" if values is None else "edit-reminder-text"),
                  field_error(errors.get("text", "")), spacing="1", flex="1"),
        spacing="3", width="100%", wrap="wrap", align="start",
    )


def reminders_page() -> rx.Component:
    s = RemindersState
    return portal_shell(
        _heading("reminders.title", "reminders.help"),
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
            max_width="560px"), open=s.edit_open, on_open_change=s.edit_dialog_changed),
        confirm_dialog(s.delete_text, s.delete_open, s.delete_dialog_changed, s.confirm_delete,
                       confirm_key="common.remove", color="red"),
    )


def _ticket(ticket: TicketView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("#", ticket.id, font_family="monospace")),
        rx.table.cell(rx.button(ticket.subject, on_click=SupportState.show_ticket(ticket.id), variant="ghost",
                                size="2", class_name="ticket-open")),
        rx.table.cell(rx.badge(ticket.status, color_scheme=ticket.status_color)),
        rx.table.cell(ticket.opened_by),
        rx.table.cell(ticket.updated, white_space="nowrap"),
        class_name="ticket-row",
    )


def support_page() -> rx.Component:
    s = SupportState
    new_form = rx.form(
        rx.vstack(
            rx.text(T("tickets.subject"), size="2", weight="medium"),
            rx.input(name="subject", width="100%", id="ticket-subject"),
            field_error(s.new_errors.get("subject", "")),
            rx.text(T("tickets.body"), size="2", weight="medium"),
            rx.text_area(name="body", rows="5", width="100%", id="ticket-body"),
            field_error(s.new_errors.get("body", "")),
            rx.hstack(rx.spacer(), rx.button(rx.icon("send", size=14), T("tickets.send"), type="submit",
                                             id="send-ticket"), width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=s.open_new_ticket, key=s.new_key, width="100%",
    )
    return portal_shell(
        rx.hstack(_heading("tickets.title", "tickets.help"), rx.spacer(),
                  rx.button(rx.icon("plus", size=14), T("tickets.new"), on_click=s.toggle_new, id="new-ticket"),
                  width="100%", align="start"),
        rx.cond(s.new_open, rx.card(new_form, width="100%")),
        rx.cond(s.ticket_rows.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(f"tickets.col.{k}")) for k in (
                        "number", "subject", "status", "opened_by", "updated")])),
                    rx.table.body(rx.foreach(s.ticket_rows, _ticket)),
                    variant="surface", width="100%", id="tickets-table"),
                empty_state("life-buoy", T("tickets.empty"), T("tickets.empty_hint"))),
        ticket_thread(s),
    )


def _documents_page(title_key: str, help_key: str) -> rx.Component:
    return portal_shell(
        _heading(title_key, help_key),
        rx.cond(PortalDocumentsState.portal_docs.length() > 0,
                rx.vstack(rx.foreach(PortalDocumentsState.portal_docs, lambda d: document_card(None, d)),
                          spacing="3", width="100%", id="portal-documents"),
                empty_state("file-text", T("documents.portal_empty"), T("documents.portal_empty_hint"))),
    )


def contracts_page() -> rx.Component:
    return _documents_page("module.contracts", "module.contracts.help")


def reports_page() -> rx.Component:
    return _documents_page("module.reports", "module.reports.help")
