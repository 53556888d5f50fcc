"""Office settings: the REST API keys card (administrators)."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, dialog_control, field_error, for_id
from app.domain.permissions import Scope
from app.state.api_keys import ApiKeysState, ApiKeyView, scope_field


def _key_row(row: ApiKeyView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row.name, weight="medium"),
                                rx.text(row.prefix, font_family="monospace", size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(rx.text(row.scopes, size="1")),
        rx.table.cell(rx.text(row.created, size="1")),
        rx.table.cell(rx.text(row.expires, size="1")),
        rx.table.cell(rx.text(row.last_used, size="1")),
        rx.table.cell(rx.cond(
            row.active,
            rx.button(T("api_keys.revoke"), size="1", variant="soft", color_scheme="red",
                      on_click=ApiKeysState.ask_revoke(row.id)),
            rx.badge(rx.cond(row.revoked != "", T("api_keys.revoked_badge"), T("api_keys.expired_badge")),
                     color_scheme="gray"),
        )),
        id=f"api-key-{row.id}",
    )


def _new_key_dialog() -> rx.Component:
    s = ApiKeysState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("api_keys.new")),
            rx.form(
                rx.vstack(
                    rx.text(T("api_keys.name"), as_="label", size="2", weight="medium", **for_id("api-key-name")),
                    rx.input(id="api-key-name", name="name", width="100%", max_length=100),
                    field_error(s.api_key_errors.get("name", "")),
                    rx.text(T("api_keys.scopes"), size="2", weight="medium"),
                    *[rx.hstack(rx.checkbox(id=f"api-{scope_field(scope)}", name=scope_field(scope)),
                                rx.text(T(f"api_keys.scope.{scope.value}"), as_="label", size="2",
                                        **for_id(f"api-{scope_field(scope)}")),
                                rx.code(scope.value, size="1"), align="center") for scope in Scope],
                    field_error(s.api_key_errors.get("scopes", "")),
                    rx.text(T("api_keys.expires_on"), as_="label", size="2", weight="medium",
                            **for_id("api-key-expires")),
                    rx.input(id="api-key-expires", name="expires_on", type="date"),
                    rx.text(T("api_keys.expires_help"), size="1", color_scheme="gray"),
                    field_error(s.api_key_errors.get("expires_on", "")),
                    rx.text(T("api_keys.webhook_url"), as_="label", size="2", weight="medium",
                            **for_id("api-key-webhook")),
                    rx.input(id="api-key-webhook", name="webhook_url", type="url", width="100%",
                             placeholder="https://"),
                    rx.text(T("api_keys.webhook_help"), size="1", color_scheme="gray"),
                    field_error(s.api_key_errors.get("webhook_url", "")),
                    rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray",
                                                      type="button")),
                            rx.button(T("api_keys.create"), type="submit", id="create-api-key"), spacing="3",
                            justify="end", width="100%"),
                    spacing="2", width="100%",
                ),
                on_submit=s.create_api_key, key=s.api_key_form_key, width="100%",
            ),
            max_width="560px",
        ),
        **dialog_control(s, "api_key"),
    )


def _shown_key_dialog() -> rx.Component:
    s = ApiKeysState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("api_keys.created")),
            rx.vstack(
                rx.callout(T("api_keys.shown_once"), icon="triangle-alert", color_scheme="orange", size="1"),
                rx.hstack(rx.code(s.shown_key, id="api-key-secret", size="2", style={"word_break": "break-all"}),
                          rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft",
                                         aria_label=T("api_keys.copy"), on_click=rx.set_clipboard(s.shown_key)),
                          align="center", width="100%"),
                rx.cond(s.shown_webhook_secret != "", rx.vstack(
                    rx.text(T("api_keys.webhook_secret"), size="2", weight="medium"),
                    rx.hstack(rx.code(s.shown_webhook_secret, size="2", style={"word_break": "break-all"}),
                              rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft",
                                             aria_label=T("api_keys.copy"),
                                             on_click=rx.set_clipboard(s.shown_webhook_secret)),
                              align="center", width="100%"),
                    spacing="1", width="100%")),
                rx.flex(rx.button(T("api_keys.done"), on_click=s.forget_shown_key, id="api-key-done"),
                        justify="end", width="100%"),
                spacing="3", width="100%",
            ),
            max_width="620px",
        ),
        open=s.open_dialogs.contains("api_key_shown"), on_open_change=s.shown_key_changed,
    )


def api_keys_card() -> rx.Component:
    s = ApiKeysState
    return rx.card(
        rx.vstack(
            rx.hstack(rx.vstack(rx.heading(T("api_keys.title"), size="4"),
                                rx.text(T("api_keys.help"), size="1", color_scheme="gray"), spacing="1"),
                      rx.spacer(),
                      rx.button(rx.icon("plus", size=14), T("api_keys.new"), size="2", variant="soft",
                                on_click=s.new_api_key, id="new-api-key"),
                      width="100%", align="start"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(f"api_keys.col.{k}")) for k in (
                    "name", "scopes", "created", "expires", "last_used")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(s.api_key_rows, _key_row)),
                variant="surface", size="1", width="100%",
            ),
            spacing="3", width="100%",
        ),
        _new_key_dialog(),
        _shown_key_dialog(),
        confirm_dialog(s, s.confirm_revoke, confirm_key="api_keys.revoke", color="red", confirm_id="confirm-revoke"),
        size="3", width="100%",
    )
