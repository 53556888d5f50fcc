"""The receivables on the card's Dati contabili tab, with the payment dialog."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error, for_id
from app.state.receivables import ReceivablesPanel, ReceivableView


def _row(row: ReceivableView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.text(row.invoice, size="2", font_family="monospace"),
                                rx.cond(row.unpaid, rx.badge(T("unpaid.badge"), color_scheme="red")),
                                spacing="2", align="center")),
        rx.table.cell(rx.text(row.due_on, color=rx.cond(row.overdue, "var(--red-11)", "inherit")),
                      white_space="nowrap"),
        rx.table.cell(row.amount, text_align="right", white_space="nowrap"),
        rx.table.cell(row.paid, text_align="right", white_space="nowrap"),
        rx.table.cell(rx.text(row.outstanding, weight="medium"), text_align="right", white_space="nowrap"),
        rx.table.cell(rx.hstack(
            rx.cond(row.settled, rx.badge(T("receivables.settled"), color_scheme="green", variant="soft"),
                    rx.cond(ReceivablesPanel.can_record_payments,
                            rx.button(rx.icon("banknote", size=12), T("receivables.record_payment"), size="1",
                                      variant="soft", on_click=ReceivablesPanel.ask_payment(row.id),
                                      class_name="record-payment"),
                            rx.cond(row.overdue,
                                    rx.badge(T("receivables.overdue"), color_scheme="red", variant="soft")))),
            rx.cond(ReceivablesPanel.can_record_payments & row.returnable,
                    rx.button(rx.icon("undo-2", size=12), T("unpaid.register"), size="1", variant="ghost",
                              color_scheme="red", on_click=ReceivablesPanel.ask_unpaid(row.id),
                              class_name="register-unpaid")),
            spacing="2", justify="end")),
        class_name="receivable-row",
    )


def _payment_dialog() -> rx.Component:
    s, errors = ReceivablesPanel, ReceivablesPanel.payment_errors
    form = rx.form(
        rx.vstack(
            rx.grid(
                rx.vstack(rx.text(T("receivables.amount"), size="2", weight="medium", as_="label",
                                  **for_id("payment-amount")),
                          rx.input(name="amount", id="payment-amount", default_value=s.payment_values["amount"],
                                   input_mode="decimal", width="100%"),
                          field_error(errors.get("amount", "")), spacing="1", width="100%"),
                rx.vstack(rx.text(T("receivables.paid_on"), size="2", weight="medium", as_="label",
                                  **for_id("payment-date")),
                          rx.input(name="paid_on", id="payment-date", type="date",
                                   default_value=s.payment_values["paid_on"], width="100%"),
                          field_error(errors.get("paid_on", "")), spacing="1", width="100%"),
                columns="2", spacing="3", width="100%",
            ),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="save-payment"),
                    spacing="3", justify="end", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=s.record_payment, key=s.payment_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(s.payment_title), form, max_width="480px"),
                          **dialog_control(s, "payment"))


def _unpaid_dialog() -> rx.Component:
    s, errors, values = ReceivablesPanel, ReceivablesPanel.unpaid_errors, ReceivablesPanel.unpaid_values

    def field(name: str, label_key: str, **props) -> rx.Component:  # noqa: ANN003
        return rx.vstack(rx.text(T(label_key), size="2", weight="medium", as_="label", **for_id(f"unpaid-{name}")),
                         rx.input(name=name, id=f"unpaid-{name}", default_value=values[name], width="100%", **props),
                         field_error(errors.get(name, "")), spacing="1", width="100%")

    form = rx.form(
        rx.vstack(
            rx.text(T("unpaid.help"), size="2", color_scheme="gray"),
            rx.grid(
                rx.vstack(rx.text(T("unpaid.kind"), size="2", weight="medium"),
                          rx.select.root(rx.select.trigger(width="100%", aria_label=T("unpaid.kind")),
                                         rx.select.content(
                              rx.foreach(s.unpaid_kind_options, lambda o: rx.select.item(o[1], value=o[0]))),
                              name="kind", default_value=values["kind"]),
                          field_error(errors.get("kind", "")), spacing="1", width="100%"),
                field("returned_on", "unpaid.returned_on", type="date"),
                field("amount", "unpaid.amount", input_mode="decimal"),
                field("charges", "unpaid.charges", input_mode="decimal", placeholder="0,00"),
                columns="2", spacing="3", width="100%",
            ),
            field("note", "unpaid.note"),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("unpaid.register"), type="submit", color_scheme="red", id="save-unpaid"),
                    spacing="3", justify="end", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=s.register_unpaid, key=s.unpaid_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(s.unpaid_title), form, max_width="560px"),
                          **dialog_control(s, "unpaid"))


def receivables_panel() -> rx.Component:
    s = ReceivablesPanel
    return rx.vstack(
        rx.hstack(rx.heading(T("receivables.title"), size="4"), rx.spacer(),
                  rx.text(T("receivables.outstanding_total"), " ", rx.text.strong(s.outstanding_total), size="2"),
                  width="100%", align="baseline"),
        rx.cond(
            s.receivable_rows.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "receivables.col.invoice", "receivables.col.due", "receivables.col.amount", "receivables.col.paid",
                    "receivables.col.outstanding")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(s.receivable_rows, _row)),
                variant="surface", width="100%", id="receivables-table",
            ), overflow_x="auto", width="100%"),
            rx.text(T("receivables.empty"), size="2", color_scheme="gray"),
        ),
        _payment_dialog(),
        _unpaid_dialog(),
        spacing="3", width="100%", padding_top="24px",
    )
