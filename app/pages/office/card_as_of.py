"""The dialog that shows the customer card as it was at a moment, read-only, beside today's values."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error
from app.state.card_as_of import CardAsOfState, FieldRow, RecordRow


def _compare(row: FieldRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.label, size="2", color_scheme="gray")),
        rx.table.cell(rx.text(row.then, size="2", weight=rx.cond(row.changed, "bold", "regular"))),
        rx.table.cell(rx.cond(row.changed, rx.badge(row.now, color_scheme="amber", variant="soft"),
                              rx.text(row.now, size="2", color_scheme="gray"))),
        class_name=rx.cond(row.changed, "as-of-changed", "as-of-row"),
    )


def _comparison(title_key: str, rows: rx.Var) -> rx.Component:
    return rx.cond(rows.length() > 0, rx.vstack(
        rx.heading(T(title_key), size="3"),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell(""),
                                         rx.table.column_header_cell(T("as_of.then")),
                                         rx.table.column_header_cell(T("as_of.now")))),
            rx.table.body(rx.foreach(rows, _compare)), size="1", width="100%"),
        spacing="2", width="100%"))


def _record(row: RecordRow) -> rx.Component:
    return rx.hstack(rx.text(row.text, size="2"), rx.spacer(), rx.badge(row.state, color_scheme=row.color),
                     width="100%", align="center")


def _records(title_key: str, rows: rx.Var) -> rx.Component:
    return rx.cond(rows.length() > 0, rx.vstack(rx.heading(T(title_key), size="3"),
                                                rx.foreach(rows, _record), spacing="2", width="100%"))


def card_as_of_dialog() -> rx.Component:
    s = CardAsOfState
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(T("as_of.dialog_title")),
        rx.form(
            rx.hstack(
                rx.input(type="datetime-local", name="at", id="as-of-at", default_value=s.as_of_value, step="1",
                         aria_label=T("as_of.moment"), size="2"),
                rx.button(rx.icon("history", size=14), T("as_of.show"), type="submit", id="as-of-show"),
                spacing="2", align="center", wrap="wrap"),
            field_error(s.as_of_error),
            on_submit=s.show_as_of, key=s.card_key, width="100%",
        ),
        rx.cond(s.as_of_title != "", rx.vstack(
            rx.callout(s.as_of_title, icon="eye", color_scheme="indigo", size="1", id="as-of-title"),
            rx.cond(~s.as_of_existed, rx.text(T("as_of.not_yet"), size="2", color_scheme="gray")),
            _comparison("as_of.registry", s.field_rows),
            _records("card.tab.contacts", s.contact_rows),
            _records("card.tab.sites", s.site_rows),
            _comparison("as_of.consents", s.consent_rows),
            _comparison("as_of.blocks", s.block_rows),
            spacing="4", width="100%", padding_top="12px", id="as-of-card")),
        rx.flex(rx.dialog.close(rx.button(T("common.close"), variant="soft", color_scheme="gray")), justify="end",
                padding_top="16px"),
        max_width="760px"), **dialog_control(s, "as_of"))
