"""Every user's own account: the password."""

from __future__ import annotations

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm
from app.services import auth
from app.state.session import SessionState, field_messages, guarded


class AccountState(SessionState):
    password_errors: dict[str, str] = {}
    password_saved: bool = False
    form_key: int = 0

    @guarded(Perm.OWN_ACCOUNT, page=True)
    def load_account(self, actor: Actor):
        self.password_errors = {}
        self.password_saved = False

    @guarded(Perm.OWN_ACCOUNT)
    def change_password(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        values = {name: form.get(name, "") for name in ("current", "password", "confirm")}
        try:
            _change_password(actor, values, self._session_token())
        except DomainError as error:
            self.password_errors = field_messages(error, self.lang)
            self.password_saved = False
            return
        self.password_errors = {}
        self.password_saved = True
        self.form_key += 1


def _change_password(actor: Actor, values: dict, keep_token: str) -> None:
    with session_scope(write=True) as session:
        auth.change_password(
            session=session, actor=actor, current=values["current"], new=values["password"],
            confirm=values["confirm"], keep_token=keep_token,
        )
