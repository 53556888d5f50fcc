"""Office settings (administrators): the rules for customer requests and the consent types."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import field_error, office_shell, page_header
from app.pages.office.requests import request_rules_card
from app.state.consents import ConsentTypesState, ReconsentView, TypeRowView


def _type_row(row: TypeRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.code, font_family="monospace", size="2")),
        rx.table.cell(rx.text(row.title, weight="medium")),
        rx.table.cell(row.channel),
        rx.table.cell(row.version),
        rx.table.cell(rx.hstack(
            rx.cond(row.requires_signature, rx.badge(T("consent_types.signature"), variant="soft")),
            rx.cond(~row.active, rx.badge(T("consent_types.inactive"), color_scheme="gray")),
            spacing="1")),
        rx.table.cell(rx.cond(
            row.to_ask_again > 0,
            rx.button(row.to_ask_again, " ", T("consent_types.reconsent"), size="1",
                      color_scheme="orange", variant="soft", on_click=ConsentTypesState.show_reconsent(row.id)),
            rx.text("0", size="2", color_scheme="gray"),
        )),
        rx.table.cell(rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1", variant="ghost",
                                on_click=ConsentTypesState.edit_type(row.id))),
        id=f"consent-type-{row.code}",
    )


def _field(name: str, label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), as_="label", size="2", weight="medium", html_for=f"ct-{name}"),
        control,
        field_error(ConsentTypesState.editor_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _editor() -> rx.Component:
    v = ConsentTypesState.editor_values
    form = rx.form(
        rx.vstack(
            rx.grid(
                _field("code", "consent_types.col.code",
                       rx.input(id="ct-code", name="code", default_value=v["code"], width="100%")),
                _field("title", "consent_types.col.title",
                       rx.input(id="ct-title", name="title", default_value=v["title"], width="100%")),
                _field("channel", "consent_types.col.channel", rx.select.root(
                    rx.select.trigger(width="100%"),
                    rx.select.content(*[rx.select.item(T(f"consents.channel_label.{c}"), value=c)
                                        for c in ("none", "email", "sms", "phone", "post")]),
                    name="channel", default_value=v["channel"])),
                _field("position", "consent_types.position",
                       rx.input(id="ct-position", name="position", type="number", default_value=v["position"],
                                width="100%")),
                columns="2", spacing="3", width="100%",
            ),
            _field("body", "consent_types.body",
                   rx.text_area(id="ct-body", name="body", default_value=v["body"], rows="7", width="100%")),
            rx.hstack(
                rx.hstack(rx.checkbox(name="requires_signature", id="ct-signature",
                                      default_checked=v["requires_signature"] == "on"),
                          rx.text(T("consent_types.signature"), as_="label", html_for="ct-signature", size="2")),
                rx.hstack(rx.checkbox(name="active", id="ct-active", default_checked=v["active"] == "on"),
                          rx.text(T("consent_types.active"), as_="label", html_for="ct-active", size="2")),
                spacing="5",
            ),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="ct-save"), spacing="3", justify="end",
                    width="100%"),
            spacing="4", width="100%",
        ),
        on_submit=ConsentTypesState.save_type, key=ConsentTypesState.editor_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("consent_types.title")), form, max_width="720px"),
        open=ConsentTypesState.editor_open, on_open_change=ConsentTypesState.editor_changed,
    )


def _reconsent_row(row: ReconsentView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.customer, href=f"/office/customer?id={row.customer_id}")),
        rx.table.cell(row.subject),
        rx.table.cell(rx.text(row.granted, size="2", color_scheme="gray")),
    )


def _reconsent_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(ConsentTypesState.reconsent_title),
            rx.box(rx.table.root(rx.table.body(rx.foreach(ConsentTypesState.reconsent_rows, _reconsent_row)),
                                 size="1", width="100%"), max_height="60vh", overflow_y="auto", margin_y="12px"),
            rx.flex(rx.dialog.close(rx.button(T("common.close"), variant="soft")), justify="end"),
            max_width="760px", id="reconsent-dialog",
        ),
        open=ConsentTypesState.reconsent_open, on_open_change=ConsentTypesState.reconsent_changed,
    )


def consent_types_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(T("consent_types.title"), size="4"), rx.spacer(),
                      rx.button(rx.icon("plus", size=14), T("consent_types.new"), size="2",
                                on_click=ConsentTypesState.new_type, id="new-consent-type"),
                      width="100%", align="center"),
            rx.text(T("consent_types.help"), size="2", color_scheme="gray"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(f"consent_types.col.{k}")) for k in (
                    "code", "title", "channel", "version", "flags", "ask_again")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(ConsentTypesState.type_rows, _type_row)),
                variant="surface", size="1", width="100%",
            ),
            spacing="3", width="100%",
        ),
        size="3", width="100%",
    )


def settings_page() -> rx.Component:
    return office_shell(
        "settings",
        page_header(T("settings.title")),
        request_rules_card(),
        consent_types_card(),
        _editor(),
        _reconsent_dialog(),
    )
