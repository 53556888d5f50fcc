"""Office: the users, switched on and off, and the rights given on top of a role."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import search_text
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import users
from app.state.dialogs import Dialogs
from app.state.paging import KeysetPaging
from app.state.session import SessionState, guarded


@dataclasses.dataclass
class UserView:
    id: int
    full_name: str
    email: str
    role: str
    customer_name: str
    is_active: bool
    last_login: str
    is_self: bool
    records_consents: bool
    consents_by_role: bool
    consents_grantable: bool


class UsersState(Dialogs, KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.USERS_MANAGE
    user_rows: list[UserView] = []
    users_search: str = ""

    @guarded(Perm.USERS_MANAGE, page=True)
    def load_users(self, actor: Actor):
        self._restart(actor)

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            page = users.list_users(session=session, actor=actor, search=self.users_search, after=self._cursor)
        self.user_rows = [
            UserView(
                id=row.id, full_name=row.full_name, email=row.email, role=t(f"role.{row.role}", self.lang),
                customer_name=row.customer_name, is_active=row.is_active,
                last_login=format_datetime(row.last_login_at, self.lang) or t("users.never", self.lang),
                is_self=row.id == actor.user_id,
                records_consents=row.records_consents, consents_by_role=row.consents_by_role,
                consents_grantable=row.consents_grantable,
            )
            for row in page.rows
        ]
        self._page_loaded(page.next_after)

    @guarded(Perm.USERS_MANAGE)
    def search_users(self, actor: Actor, text: str):
        self.users_search = search_text(text)
        self._restart(actor)

    @guarded(Perm.USERS_MANAGE)
    def ask_toggle(self, actor: Actor, user_id: int):
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None:
            return
        key = "users.confirm_disable" if row.is_active else "users.confirm_enable"
        self._ask(t(key, self.lang, name=row.full_name), row.id)

    @guarded(Perm.USERS_MANAGE)
    def confirm_toggle(self, actor: Actor):
        confirmed = self._confirmed()
        row = next((r for r in self.user_rows if confirmed and r.id == confirmed[0]), None)
        if row is None:
            return
        try:
            with session_scope(write=True) as session:
                user = users.set_active(session=session, actor=actor, user_id=row.id, active=not row.is_active)
                name, active = user.full_name, user.is_active
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return rx.toast.success(t("users.enabled" if active else "users.disabled", self.lang, name=name))

    @guarded(Perm.USERS_MANAGE)
    def set_consent_right(self, actor: Actor, user_id: int, granted: bool):
        """The right to record consents for a staff user whose role does not include it."""
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None or not row.consents_grantable or not isinstance(granted, bool):
            return None
        try:
            with session_scope(write=True) as session:
                users.set_grant(session=session, actor=actor, user_id=row.id, perm=Perm.CONSENTS_RECORD.value,
                                granted=granted)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return None
