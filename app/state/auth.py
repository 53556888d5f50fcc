"""Sign-in, forgotten password and the single-use set-password link."""

from __future__ import annotations

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.passwords import MIN_LENGTH
from app.domain.permissions import home_path
from app.i18n import t
from app.services import auth
from app.services.users import set_language
from app.settings import get_settings
from app.state.session import SECURE_COOKIES, SessionState, field_messages, off_the_loop, public


def _form_text(form_data: object, name: str) -> str:
    value = form_data.get(name, "") if isinstance(form_data, dict) else ""
    return value if isinstance(value, str) else ""


class LoginState(SessionState):
    login_error: str = ""
    login_busy: bool = False
    # Lets a browser that signed in to an account before through while the account waits after failures.
    device_mark: str = rx.Cookie("", name=auth.DEVICE_COOKIE, same_site="strict", max_age=365 * 24 * 3600,
                                 secure=SECURE_COOKIES)

    @public
    def open_root(self):
        actor = self._current_actor()
        return rx.redirect(home_path(actor.role) if actor else "/login")

    @public
    def open_login(self):
        """A signed-in user who opens the sign-in page goes straight to their area."""
        expired = self.router.url.query_parameters.get("expired") if self.router else None
        self.login_error = t("auth.signed_out", self.lang) if expired else ""
        self.login_busy = False
        actor = self._current_actor()
        if actor is not None:
            return rx.redirect(home_path(actor.role))

    @public
    async def sign_in(self, form_data: dict):
        email = _form_text(form_data, "email")
        password = _form_text(form_data, "password")
        user_agent = self.router.headers.user_agent if self.router else ""
        self.login_busy = True
        self.login_error = ""
        yield
        try:
            # The hashing takes a noticeable fraction of a second: keep it off the event loop.
            signed = await off_the_loop(_authenticate, email, password, user_agent, self._client(), self.device_mark)
        except DomainError as error:
            self.login_error = t(error.message_key, self.lang, **error.params)
            self.login_busy = False
            return
        self.session_token = signed.token
        self.device_mark = signed.device
        self._show(signed.actor)
        if not self._language_chosen:
            self.lang = signed.actor.language
        elif signed.actor.language != self.lang:
            await off_the_loop(_save_language, signed.actor, self.lang)
        self.login_busy = False
        yield rx.redirect(home_path(signed.actor.role))


def _save_language(actor, lang: str) -> None:  # noqa: ANN001
    with session_scope(write=True) as session:
        set_language(session=session, actor=actor, language=lang)


def _authenticate(email: str, password: str, user_agent: str, client: str, device: str) -> auth.SignIn:
    return auth.authenticate(sessions=session_scope, email=email, password=password, user_agent=user_agent,
                             client=client, device=device)


class ForgotPasswordState(SessionState):
    forgot_errors: dict[str, str] = {}
    forgot_sent: bool = False

    @rx.var
    def forgot_help(self) -> str:
        return t("forgot.subtitle", self.lang, minutes=get_settings().reset_link_minutes)

    @public
    def open_forgot(self):
        self.forgot_errors = {}
        self.forgot_sent = False

    @public
    def request_link(self, form_data: dict):
        try:
            auth.ask_for_password_reset(sessions=session_scope, email=_form_text(form_data, "email"),
                                        client=self._client())
        except DomainError as error:
            self.forgot_errors = field_messages(error, self.lang)
            return
        self.forgot_errors = {}
        self.forgot_sent = True


class SetPasswordState(SessionState):
    link_valid: bool = False
    link_checked: bool = False
    link_email: str = ""
    setpw_errors: dict[str, str] = {}
    setpw_done: bool = False
    _link_token: str = ""

    @rx.var
    def setpw_help(self) -> str:
        return t("setpw.subtitle", self.lang, min=MIN_LENGTH)

    @public
    def open_link(self):
        self._link_token = self.router.url.query_parameters.get("token", "") if self.router else ""
        self.setpw_errors = {}
        self.setpw_done = False
        with session_scope() as session:
            email = auth.check_password_token(session=session, token=self._link_token)
        self.link_valid = email is not None
        self.link_email = email or ""
        self.link_checked = True

    @public
    def save_password(self, form_data: dict):
        password = _form_text(form_data, "password")
        confirm = _form_text(form_data, "confirm")
        try:
            _set_password(self._link_token, password, confirm)
        except DomainError as error:
            self.setpw_errors = field_messages(error, self.lang)
            if error.message_key == "setpw.link_invalid":
                self.link_valid = False
            return
        self.setpw_errors = {}
        self.setpw_done = True
        self.link_valid = False


def _set_password(token: str, password: str, confirm: str) -> None:
    with session_scope(write=True) as session:
        auth.set_password_with_token(session=session, token=token, password=password, confirm=confirm)
