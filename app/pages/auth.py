"""Sign-in, forgotten password and set-password pages."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import auth_layout, field_error, for_id
from app.state.auth import ForgotPasswordState, LoginState, SetPasswordState


def _labelled(label_key: str, control: rx.Component, error: rx.Var | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), as_="label", size="2", weight="medium", **for_id(control.id)),
        control,
        field_error(error) if error is not None else rx.fragment(),
        spacing="1", width="100%",
    )


def login_page() -> rx.Component:
    return auth_layout(
        rx.vstack(rx.heading(T("login.title"), size="6"), rx.text(T("login.subtitle"), color_scheme="gray", size="2"),
                  spacing="1"),
        rx.form(
            rx.vstack(
                _labelled("login.email", rx.input(id="email", name="email", type="email", auto_complete="username",
                                                   auto_focus=True, size="3", required=True, width="100%")),
                _labelled("login.password", rx.input(id="password", name="password", type="password",
                                                      auto_complete="current-password", size="3", required=True,
                                                      width="100%")),
                rx.cond(
                    LoginState.login_error != "",
                    rx.callout(LoginState.login_error, icon="triangle-alert", color_scheme="red", size="1",
                               role="alert", id="login-error"),
                ),
                rx.button(T("login.submit"), type="submit", size="3", width="100%", loading=LoginState.login_busy,
                          id="login-submit"),
                rx.link(T("login.forgot"), href="/forgot-password", size="2", align_self="center"),
                # A language picked on this page is kept for the account (the sign-in route reads it).
                rx.el.input(type="hidden", name="keep_language", value=rx.cond(LoginState.language_chosen, "1", "0")),
                spacing="4", width="100%",
            ),
            # Only the button's click reaches this tab's state: the form's fields go to the sign-in route.
            on_submit=LoginState.start_sign_in, reset_on_submit=False, width="100%", id="login-form",
        ),
    )


def forgot_page() -> rx.Component:
    return auth_layout(
        rx.vstack(rx.heading(T("forgot.title"), size="6"),
                  rx.text(ForgotPasswordState.forgot_help, color_scheme="gray", size="2"), spacing="1"),
        rx.cond(
            ForgotPasswordState.forgot_sent,
            rx.callout(T("forgot.sent"), icon="mail-check", color_scheme="green", id="forgot-sent"),
            rx.form(
                rx.vstack(
                    _labelled("login.email", rx.input(id="email", name="email", type="email", size="3",
                                                       auto_focus=True, required=True, width="100%"),
                              ForgotPasswordState.forgot_errors.get("email", "")),
                    rx.button(T("forgot.submit"), type="submit", size="3", width="100%"),
                    spacing="4", width="100%",
                ),
                on_submit=ForgotPasswordState.request_link, width="100%",
            ),
        ),
        rx.link(T("forgot.back"), href="/login", size="2", align_self="center"),
    )


def set_password_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.text(SetPasswordState.link_email, weight="medium"),
            _labelled("setpw.password", rx.input(id="password", name="password", type="password", size="3",
                                                  auto_complete="new-password", auto_focus=True, width="100%"),
                      SetPasswordState.setpw_errors.get("password", "")),
            _labelled("setpw.confirm", rx.input(id="confirm", name="confirm", type="password", size="3",
                                                 auto_complete="new-password", width="100%"),
                      SetPasswordState.setpw_errors.get("confirm", "")),
            rx.button(T("setpw.submit"), type="submit", size="3", width="100%", id="setpw-submit"),
            spacing="4", width="100%",
        ),
        on_submit=SetPasswordState.save_password, width="100%",
    )
    return auth_layout(
        rx.vstack(rx.heading(T("setpw.title"), size="6"),
                  rx.text(SetPasswordState.setpw_help, color_scheme="gray", size="2"), spacing="1"),
        rx.cond(
            SetPasswordState.setpw_done,
            rx.vstack(
                rx.callout(T("setpw.done"), icon="circle-check", color_scheme="green", id="setpw-done"),
                rx.link(rx.button(T("login.submit"), size="3", width="100%"), href="/login", width="100%"),
                width="100%",
            ),
            rx.cond(
                SetPasswordState.link_valid,
                form,
                rx.cond(
                    SetPasswordState.link_checked,
                    rx.vstack(
                        rx.callout(T("setpw.link_invalid"), icon="link-2-off", color_scheme="red", id="link-invalid"),
                        rx.link(rx.button(T("setpw.new_link"), size="3", variant="soft", width="100%"),
                                href="/forgot-password", width="100%"),
                        width="100%",
                    ),
                    rx.spinner(),
                ),
            ),
        ),
        rx.link(T("forgot.back"), href="/login", size="2", align_self="center"),
    )
