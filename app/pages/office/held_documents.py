"""The queue of documents waiting for the credit manager's release, on /office/credit."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, empty_state, field_error, for_id, pager
from app.state.held_documents import HeldDocumentsState, HeldView


def _row(row: HeldView) -> rx.Component:
    s = HeldDocumentsState
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row.number, font_family="monospace", size="2", weight="medium",
                                        white_space="nowrap"),
                                rx.text(row.kind, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.vstack(
            rx.link(row.customer, href=f"/office/customer?id={row.customer_id}&tab=credit"),
            rx.hstack(rx.cond(row.block != "", rx.badge(rx.icon("lock", size=11), row.block,
                                                        color_scheme=row.block_color, variant="soft")),
                      rx.cond(row.unpaid != "", rx.text(row.unpaid, size="1", color="var(--red-11)")),
                      spacing="2", wrap="wrap"),
            spacing="1")),
        rx.table.cell(rx.vstack(rx.text(row.date, white_space="nowrap"),
                                rx.text(row.entered_by, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.text(row.total, weight="medium"), text_align="right", white_space="nowrap"),
        rx.table.cell(rx.vstack(
            rx.text(row.exposure, size="2", white_space="nowrap", weight="medium",
                    color=rx.cond(row.over_limit, "var(--red-11)", "inherit")),
            rx.text(T("credit.limit"), ": ", row.limit, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.flex(rx.foreach(row.reason_options, lambda r: rx.badge(r[1], color_scheme="amber")),
                              spacing="1", wrap="wrap")),
        rx.table.cell(rx.hstack(
            rx.button(rx.icon("check", size=12), T("held.release"), size="1",
                      on_click=s.ask_decision(row.id, "release"), class_name="release-document"),
            rx.button(rx.icon("x", size=12), T("held.reject"), size="1", variant="soft", color_scheme="red",
                      on_click=s.ask_decision(row.id, "reject"), class_name="reject-document"),
            spacing="2", justify="end")),
        class_name="held-row",
    )


def _decision_dialog() -> rx.Component:
    s = HeldDocumentsState
    form = rx.form(
        rx.vstack(
            rx.cond(s.decision_reasons.length() > 0, rx.vstack(
                rx.text(T("held.release_which"), size="2", weight="medium"),
                rx.foreach(s.decision_reasons, lambda r: rx.hstack(
                    rx.checkbox(name="reason-" + r[0], default_checked=True, id="reason-" + r[0]),
                    rx.text(r[1], as_="label", **for_id("reason-" + r[0]), size="2"), align="center")),
                field_error(s.decision_errors.get("reasons", "")),
                spacing="2", width="100%")),
            rx.text(T("held.note"), size="2", weight="medium", as_="label", **for_id("held-note")),
            rx.text_area(name="note", id="held-note", rows="3", width="100%", max_length=500),
            field_error(s.decision_errors.get("note", "")),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.confirm"), type="submit", id="confirm-decision"),
                    spacing="3", justify="end", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=s.decide, key=s.decision_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(s.decision_title), form, max_width="520px"),
                          **dialog_control(s, "decision"))


def held_queue() -> rx.Component:
    s = HeldDocumentsState
    return rx.vstack(
        rx.heading(T("held.title"), size="5", id="held"),
        rx.hstack(rx.text(T("held.subtitle"), size="2", color_scheme="gray"),
                  rx.text(s.count_text, size="2", color_scheme="gray"), justify="between", width="100%"),
        rx.cond(
            s.held_rows.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "sales.col.number", "held.col.customer", "sales.date", "sales.col.total", "held.col.exposure",
                    "held.col.why")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(s.held_rows, _row)),
                variant="surface", width="100%", id="held-table",
            ), overflow_x="auto", width="100%"),
            empty_state("shield-check", T("held.empty"), T("held.empty_hint")),
        ),
        rx.cond(s.has_next | s.has_previous, pager(s)),
        _decision_dialog(),
        spacing="3", width="100%",
    )
