"""Office settings: the REST API keys (administrators). A new key's secret is shown once, then forgotten."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import parse_day
from app.domain.permissions import Actor, Perm, Scope
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import api_keys
from app.state.dialogs import Dialogs
from app.state.session import SessionState, field_messages, guarded

NEW_KEY, SHOWN_KEY = "api_key", "api_key_shown"


def scope_field(scope: Scope) -> str:
    """The checkbox of a scope in the new key's form: "scope_customers_read"."""
    return "scope_" + scope.value.replace(":", "_")


@dataclasses.dataclass
class ApiKeyView:
    id: int
    name: str
    prefix: str
    scopes: str
    created: str
    expires: str
    last_used: str
    revoked: str
    active: bool
    webhook_url: str


class ApiKeysState(Dialogs, SessionState):
    api_key_rows: list[ApiKeyView] = []
    api_key_errors: dict[str, str] = {}
    api_key_form_key: int = 0
    # The key just created, shown once in its dialog; emptied when the dialog closes.
    shown_key: str = ""
    shown_webhook_secret: str = ""

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_api_keys(self, actor: Actor):
        self._reload(actor)

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            rows = api_keys.list_keys(session=session, actor=actor)
        never = t("api_keys.never", self.lang)
        self.api_key_rows = [ApiKeyView(
            id=r.id, name=r.name, prefix=f"rk_{r.prefix}_…", scopes=", ".join(r.scopes),
            created=f"{format_datetime(r.created_at, self.lang)} · {r.created_by}",
            expires=format_datetime(r.expires_at, self.lang) if r.expires_at else never,
            last_used=format_datetime(r.last_used_at, self.lang) if r.last_used_at else never,
            revoked=format_datetime(r.revoked_at, self.lang) if r.revoked_at else "",
            active=r.active, webhook_url=r.webhook_url or "",
        ) for r in rows]

    @guarded(Perm.SETTINGS_MANAGE)
    def new_api_key(self, actor: Actor):  # noqa: ARG002
        self.api_key_errors = {}
        self.api_key_form_key += 1
        self._open_dialog(NEW_KEY)

    @guarded(Perm.SETTINGS_MANAGE)
    def create_api_key(self, actor: Actor, form_data: dict):
        if not self._is_open(NEW_KEY):
            return None
        form = form_data if isinstance(form_data, dict) else {}
        scopes = [scope.value for scope in Scope if form.get(scope_field(scope)) in ("on", True)]
        expires_text = form.get("expires_on")
        expires_on = parse_day(expires_text)
        if expires_text and expires_on is None:
            self.api_key_errors = {"expires_on": t("form.err.date", self.lang)}
            return None
        try:
            with session_scope(write=True) as session:
                created = api_keys.create_key(session=session, actor=actor, name=form.get("name"), scopes=scopes,
                                              expires_on=expires_on, webhook_url=form.get("webhook_url"))
        except DomainError as error:
            self.api_key_errors = field_messages(error, self.lang)
            return None
        self.api_key_errors = {}
        self.shown_key, self.shown_webhook_secret = created.key, created.webhook_secret or ""
        self._close_dialog(NEW_KEY)
        self._open_dialog(SHOWN_KEY)
        self._reload(actor)
        return None

    def _forget_shown_key(self) -> None:
        self.shown_key, self.shown_webhook_secret = "", ""
        self._close_dialog(SHOWN_KEY)

    @guarded(Perm.SETTINGS_MANAGE)
    def forget_shown_key(self, actor: Actor):  # noqa: ARG002
        self._forget_shown_key()

    @guarded(Perm.SETTINGS_MANAGE)
    def shown_key_changed(self, actor: Actor, is_open: bool):  # noqa: ARG002
        if is_open is not True:
            self._forget_shown_key()

    @guarded(Perm.SETTINGS_MANAGE)
    def ask_revoke(self, actor: Actor, key_id: int):  # noqa: ARG002
        row = next((r for r in self.api_key_rows if r.id == parse_id(key_id) and r.active), None)
        if row is not None:
            self._ask(t("api_keys.revoke_confirm", self.lang, name=row.name), row.id)

    @guarded(Perm.SETTINGS_MANAGE)
    def confirm_revoke(self, actor: Actor):
        confirmed = self._confirmed()
        if not confirmed:
            return None
        with session_scope(write=True) as session:
            api_keys.revoke_key(session=session, actor=actor, key_id=confirmed[0])
        self._reload(actor)
        return rx.toast.success(t("api_keys.revoked", self.lang))
