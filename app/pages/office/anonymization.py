"""The anonymization plan on the customer card: one line per place with what happens and why, and the field
where the administrator types the customer code to confirm."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error
from app.state.anonymization import AnonymizationState, PlanLineView
from app.state.customers import CustomerCardState


def _line(line: PlanLineView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(line.place, size="2", weight="medium")),
        rx.table.cell(rx.text(line.count, size="2"), align="right"),
        rx.table.cell(rx.badge(line.outcome, color_scheme=line.color, variant="soft")),
        rx.table.cell(rx.text(line.why, size="2", color_scheme="gray")),
        class_name="anon-plan-line",
    )


def anonymize_dialog() -> rx.Component:
    s = AnonymizationState
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(rx.cond(s.plan_for_contact, T("anon.title_contact"), T("anon.title"))),
        rx.dialog.description(rx.vstack(
            rx.text(T("anon.subject"), " ", rx.text.strong(s.plan_subject, id="anon-subject")),
            rx.text(T("anon.intro"), size="2", color_scheme="gray"),
            rx.cond(~s.plan_for_contact, rx.text(T("anon.pseudonym"), " ", rx.code(s.plan_pseudonym), size="2")),
            spacing="1")),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell(T("anon.col.place")), rx.table.column_header_cell(T("anon.col.count")),
                rx.table.column_header_cell(T("anon.col.outcome")), rx.table.column_header_cell(T("anon.col.why")))),
            rx.table.body(rx.foreach(s.plan_lines, _line)), size="1", width="100%", id="anon-plan"),
            overflow_x="auto", width="100%", padding_y="12px"),
        rx.form(
            rx.vstack(
                rx.text(T("anon.confirm_hint"), " ", rx.code(CustomerCardState.code), size="2"),
                rx.input(name="confirmation", id="anon-confirmation", auto_complete="off",
                         aria_label=T("anon.confirm_label"), width="240px"),
                field_error(s.anonymize_errors.get("confirmation", "")),
                field_error(s.anonymize_errors.get("", "")),
                rx.flex(
                    rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(rx.icon("eraser", size=14), T("anon.execute"), color_scheme="red", type="submit",
                              id="anon-execute"),
                    spacing="3", justify="end", width="100%"),
                spacing="2", width="100%"),
            on_submit=s.confirm_anonymize, reset_on_submit=False, width="100%"),
        max_width="860px"), **dialog_control(s, "anonymize"))


def anonymized_banner() -> rx.Component:
    return rx.cond(CustomerCardState.anonymized, rx.callout(
        T("anon.banner"), icon="shield-off", color_scheme="orange", width="100%", id="anonymized-banner"))


def anonymize_button() -> rx.Component:
    return rx.cond(CustomerCardState.can_anonymize & ~CustomerCardState.is_new, rx.button(
        rx.icon("eraser", size=14), T("anon.action"), variant="soft", color_scheme="red",
        on_click=AnonymizationState.open_plan(""), id="open-anonymize"))


def anonymize_contact_button(contact_id: rx.Var) -> rx.Component:
    return rx.cond(CustomerCardState.can_anonymize, rx.icon_button(
        rx.icon("eraser", size=14), size="1", variant="ghost", color_scheme="orange",
        on_click=AnonymizationState.open_plan(contact_id), aria_label=T("anon.action_contact"),
        title=T("anon.action_contact"), class_name="anonymize-contact"))
