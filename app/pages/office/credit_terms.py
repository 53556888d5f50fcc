"""The credit terms card on the customer card's Dati contabili tab, with its edit dialog."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error, for_id
from app.state.credit_terms import CreditTermsPanel


def _figure(label_key: str, value: rx.Var, **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(rx.text(T(label_key), size="1", color_scheme="gray"),
                     rx.text(value, size="3", weight="medium", **props), spacing="0", min_width="120px")


def _terms_dialog() -> rx.Component:
    s, values, errors = CreditTermsPanel, CreditTermsPanel.terms_values, CreditTermsPanel.terms_errors

    def amount(name: str, label_key: str, hint_key: str) -> rx.Component:
        return rx.vstack(
            rx.text(T(label_key), size="2", weight="medium", as_="label", **for_id(f"terms-{name}")),
            rx.input(name=name, id=f"terms-{name}", default_value=values[name], input_mode="decimal", width="100%",
                     placeholder=T(hint_key)),
            field_error(errors.get(name, "")), spacing="1", width="100%")

    form = rx.form(
        rx.vstack(
            rx.text(T("credit.terms_help"), size="2", color_scheme="gray"),
            amount("credit_limit", "credit.limit", "credit.no_limit"),
            rx.vstack(
                rx.text(T("credit.usual_terms"), size="2", weight="medium"),
                rx.select.root(rx.select.trigger(width="100%", id="terms-payment_term"), rx.select.content(
                    rx.foreach(s.terms_options, lambda o: rx.select.item(o[1], value=o[0]))),
                    name="payment_term", default_value=values["payment_term"]),
                field_error(errors.get("payment_term", "")), spacing="1", width="100%"),
            amount("shipping_costs", "credit.usual_shipping", "credit.no_usual_shipping"),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="save-terms"),
                    spacing="3", justify="end", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=s.save_terms, key=s.terms_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(T("credit.terms_title")), form, max_width="480px"),
                          **dialog_control(s, "terms"))


def credit_terms_card() -> rx.Component:
    s = CreditTermsPanel
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T("credit.terms_title"), size="4"),
                rx.cond(s.over_limit, rx.badge(rx.icon("triangle-alert", size=12), T("credit.over_limit"),
                                               color_scheme="red", id="over-limit-badge")),
                rx.spacer(),
                rx.cond(s.can_edit_terms, rx.button(rx.icon("pencil", size=12), T("credit.edit_terms"), size="1",
                                                    variant="soft", on_click=s.ask_terms, id="edit-terms")),
                width="100%", align="center", wrap="wrap",
            ),
            rx.flex(
                _figure("credit.limit", s.limit_text, id="credit-limit"),
                _figure("credit.receivables", s.receivables_text),
                _figure("credit.orders", s.orders_text),
                _figure("credit.exposure", s.exposure_text, id="credit-exposure",
                        color=rx.cond(s.over_limit, "var(--red-11)", "inherit")),
                rx.cond(s.available_text != "", _figure("credit.available", s.available_text)),
                spacing="5", wrap="wrap", width="100%",
            ),
            rx.cond(s.unpaid_text != "", rx.callout(s.unpaid_text, icon="undo-2", color_scheme="red", size="1")),
            rx.flex(
                rx.text(T("credit.usual_terms"), ": ",
                        rx.text.strong(rx.cond(s.usual_terms_text != "", s.usual_terms_text, T("credit.none"))),
                        size="2"),
                rx.text(T("credit.usual_shipping"), ": ",
                        rx.text.strong(rx.cond(s.usual_shipping_text != "", s.usual_shipping_text, T("credit.none"))),
                        size="2"),
                spacing="5", wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        width="100%", id="credit-terms",
    )


def credit_terms_panel() -> rx.Component:
    return rx.box(credit_terms_card(), _terms_dialog(), width="100%", padding_bottom="16px")
