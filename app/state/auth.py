"""Sign-in, forgotten password and the single-use set-password link."""

from __future__ import annotations

import reflex as rx

from app.api.session import SESSION_PATH
from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.passwords import MIN_LENGTH
from app.domain.permissions import home_path
from app.i18n import t
from app.services import auth
from app.settings import get_settings
from app.state.session import SessionState, field_messages, public


def _form_text(form_data: object, name: str) -> str:
    value = form_data.get(name, "") if isinstance(form_data, dict) else ""
    return value if isinstance(value, str) else ""


# The sign-in form posts to the backend's sign-in route (app/api/session.py), which sets the HttpOnly session
# cookie; the page then loads the user's area afresh, with a new tab state and a socket that carries the
# cookie. The password never passes through this tab's state. A refusal comes back to `sign_in_refused`.
SIGN_IN_SCRIPT = """(async () => {
  const form = document.getElementById('login-form');
  let answer = {};
  try {
    const sent = await fetch('SESSION_PATH', {method: 'POST', credentials: 'same-origin',
                                    body: new URLSearchParams(new FormData(form))});
    answer = await sent.json();
    if (sent.ok && answer.home) {
      window.sessionStorage.removeItem('token');
      window.location.replace(answer.home);
      // Never settles: the page is leaving, and an answer to this tab's state would race its socket's close.
      return new Promise(() => {});
    }
  } catch (e) {}
  return {error: answer.error || ''};
})()""".replace("SESSION_PATH", SESSION_PATH)


class LoginState(SessionState):
    login_error: str = ""
    login_busy: bool = False

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
    def start_sign_in(self):
        self.login_busy = True
        self.login_error = ""
        return rx.call_script(SIGN_IN_SCRIPT, callback=LoginState.sign_in_refused)

    @public
    def sign_in_refused(self, answer: dict):
        """What the sign-in route answered when it refused (when it did not, the page is leaving instead)."""
        answer = answer if isinstance(answer, dict) else {}
        error = answer.get("error")
        self.login_error = error[:300] if isinstance(error, str) and error else t("common.error", self.lang)
        self.login_busy = False


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
