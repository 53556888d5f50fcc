"""Every user's own account: interface language and password. Shown inside each area's frame."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T, language_switch
from app.components.shell import field_error, field_shell, for_id, office_shell, page_header, portal_shell
from app.state.account import AccountState


def _password_input(name: str, label_key: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), as_="label", size="2", weight="medium", **for_id(f"account-{name}")),
        rx.input(id=f"account-{name}", name=name, type="password", auto_complete=autocomplete, size="3", width="100%"),
        field_error(AccountState.password_errors.get(name, "")),
        spacing="1", width="100%",
    )


def account_panel() -> rx.Component:
    return rx.vstack(
        page_header(T("account.title")),
        rx.card(
            rx.hstack(rx.text(T("account.language"), weight="medium"), rx.spacer(), language_switch(),
                      align="center", width="100%"),
            width="100%", max_width="560px",
        ),
        rx.card(
            rx.vstack(
                rx.heading(T("account.change_password"), size="4"),
                rx.form(
                    rx.vstack(
                        _password_input("current", "account.current_password", "current-password"),
                        _password_input("password", "setpw.password", "new-password"),
                        _password_input("confirm", "setpw.confirm", "new-password"),
                        rx.cond(AccountState.password_saved,
                                rx.callout(T("account.password_changed"), icon="circle-check", color_scheme="green")),
                        rx.button(T("setpw.submit"), type="submit", size="3"),
                        spacing="3", width="100%",
                    ),
                    on_submit=AccountState.change_password, reset_on_submit=True, key=AccountState.form_key,
                ),
                spacing="3", width="100%",
            ),
            width="100%", max_width="560px",
        ),
        spacing="4", width="100%",
    )


def office_account_page() -> rx.Component:
    return office_shell("account", account_panel())


def field_account_page() -> rx.Component:
    return field_shell(account_panel())


def portal_account_page() -> rx.Component:
    return portal_shell(account_panel())
