"""Office settings: the connection to the upstream registry (the headquarters' instance of this app)."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import upstream
from app.state.session import SessionState, field_messages, guarded

# What "Prova connessione" found: its text and colour.
CHECK_OUTCOMES = {
    upstream.REACHABLE: ("upstream.check.reachable", "green"),
    upstream.REFUSED: ("upstream.check.refused", "red"),
    upstream.UNREACHABLE: ("upstream.check.unreachable", "orange"),
    upstream.NOT_SET: ("upstream.check.not_set", "gray"),
}

SYNC_FAILED = {upstream.REFUSED: "upstream.sync_failed.refused",
               upstream.UNREACHABLE: "upstream.sync_failed.unreachable"}


class UpstreamSettingsState(SessionState):
    upstream_url: str = ""
    # The stored key, masked: the key itself never goes back to a page.
    upstream_key_hint: str = ""
    upstream_timeout: str = ""
    upstream_enabled: bool = False
    upstream_last_sync: str = ""
    upstream_errors: dict[str, str] = {}
    upstream_check: str = ""
    upstream_check_color: str = "gray"
    upstream_form_key: int = 0

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_upstream_settings(self, actor: Actor):
        with session_scope() as session:
            self._show_upstream(upstream.read_settings(session=session, actor=actor))
        self.upstream_errors, self.upstream_check = {}, ""

    def _show_upstream(self, view: upstream.SettingsView) -> None:
        self.upstream_url, self.upstream_key_hint = view.base_url, view.key_hint
        self.upstream_timeout = f"{view.timeout:g}"
        self.upstream_enabled = view.enabled
        if view.last_sync_at:
            try:
                at = format_datetime(datetime.fromisoformat(view.last_sync_at), self.lang)
            except ValueError:
                at = view.last_sync_at
            outcome = view.last_sync_result
            if "failed" in outcome:
                key = SYNC_FAILED.get(outcome["failed"], "upstream.sync_failed.unreachable")
                self.upstream_last_sync = t(key, self.lang, at=at)
            else:
                self.upstream_last_sync = t("upstream.last_sync", self.lang, at=at, **{
                    name: int(outcome.get(name) or 0) for name in ("seen", "updated", "held", "skipped")})
        else:
            self.upstream_last_sync = t("upstream.never_synced", self.lang)
        self.upstream_form_key += 1

    @guarded(Perm.SETTINGS_MANAGE)
    def save_upstream(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                view = upstream.save_settings(session=session, actor=actor, base_url=form.get("base_url"),
                                              api_key=form.get("api_key"), timeout=form.get("timeout"),
                                              enabled=form.get("enabled") == "on")
        except DomainError as error:
            self.upstream_errors = field_messages(error, self.lang)
            return None
        self.upstream_errors, self.upstream_check = {}, ""
        self._show_upstream(view)
        return rx.toast.success(t("upstream.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def check_upstream(self, actor: Actor):
        """"Prova connessione" with the saved settings: reachable, key refused, or unreachable."""
        with session_scope() as session:
            outcome = upstream.check_connection(session=session, actor=actor)
        key, self.upstream_check_color = CHECK_OUTCOMES[outcome]
        self.upstream_check = t(key, self.lang)
