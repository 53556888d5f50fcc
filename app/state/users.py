"""Office: the users, created with an invitation, their role, switched on and off, a password reset sent,
the rights given on top of a role, and the log of those changes."""

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
from app.state.lists import count_label, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages, guarded


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
    is_staff: bool
    records_consents: bool
    consents_by_role: bool
    consents_grantable: bool
    role_value: str


@dataclasses.dataclass
class UserEventView:
    id: int
    when: str
    user_name: str
    what: str
    actor_name: str


EMPTY_STAFF = {"full_name": "", "email": "", "role": "office", "language": "it"}


class UsersState(Dialogs, KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.USERS_MANAGE
    user_rows: list[UserView] = []
    users_search: str = ""
    count_text: str = ""
    search_key: int = 0
    event_rows: list[UserEventView] = []
    role_options: list[tuple[str, str]] = []
    staff_values: dict[str, str] = dict(EMPTY_STAFF)
    staff_errors: dict[str, str] = {}
    staff_key: int = 0

    @guarded(Perm.USERS_MANAGE, page=True)
    def load_users(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self.users_search = search_text(query_param(params, "q"))
        self.search_key += 1
        self._restart(actor)

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            page = users.list_users(session=session, actor=actor, search=self.users_search, after=self._cursor)
            if self._cursor is None:
                self.count_text = count_label(users.count_users(session=session, actor=actor,
                                                                search=self.users_search), self.lang)
        self.user_rows = [
            UserView(
                id=row.id, full_name=row.full_name, email=row.email, role=t(f"role.{row.role}", self.lang),
                customer_name=row.customer_name, is_active=row.is_active,
                last_login=format_datetime(row.last_login_at, self.lang) or t("users.never", self.lang),
                is_self=row.id == actor.user_id, is_staff=row.role != "customer",
                records_consents=row.records_consents, consents_by_role=row.consents_by_role,
                consents_grantable=row.consents_grantable, role_value=row.role,
            )
            for row in page.rows
        ]
        self._page_loaded(page.next_after)
        self._fetch_events(actor)

    def _fetch_events(self, actor: Actor) -> None:
        with session_scope() as session:
            events = users.list_user_events(session=session, actor=actor)
        self.role_options = [(role, t(f"role.{role}", self.lang)) for role in users.STAFF_ROLE_CHOICES]
        self.event_rows = [
            UserEventView(
                id=e.id, when=format_datetime(e.created_at, self.lang), user_name=e.user_name, actor_name=e.actor_name,
                what=t(f"users.event.{e.kind}", self.lang,
                       before=t(f"role.{e.before}", self.lang) if e.kind == "role" and e.before else "",
                       after=t(f"role.{e.after}", self.lang) if e.kind in ("role", "created") and e.after else ""),
            )
            for e in events
        ]

    @guarded(Perm.USERS_MANAGE)
    def new_user(self, actor: Actor):
        self.staff_values, self.staff_errors = dict(EMPTY_STAFF), {}
        self.staff_key += 1
        self._open_dialog("staff")

    @guarded(Perm.USERS_MANAGE)
    def save_user(self, actor: Actor, form_data: dict):
        """Creates a staff user and sends the invitation; a bad field gets its message and nothing is written."""
        if not self._is_open("staff"):
            return None
        form = form_data if isinstance(form_data, dict) else {}
        raw = {name: form.get(name) if isinstance(form.get(name), str) else "" for name in EMPTY_STAFF}
        self.staff_values = raw
        try:
            with session_scope(write=True) as session:
                email = users.invite_staff(session=session, actor=actor, raw=raw).email
        except DomainError as error:
            self.staff_errors = field_messages(error, self.lang)
            return None
        self.staff_errors = {}
        self._close_dialog("staff")
        self._restart(actor)
        return rx.toast.success(t("users.invited", self.lang, email=email))

    @guarded(Perm.USERS_MANAGE)
    def change_role(self, actor: Actor, user_id: int, role: str):
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None or not row.is_staff or row.is_self or not isinstance(role, str):
            return None
        try:
            with session_scope(write=True) as session:
                users.set_role(session=session, actor=actor, user_id=row.id, role=role)
        except DomainError as error:
            self._fetch(actor)
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return rx.toast.success(t("users.role_changed", self.lang, name=row.full_name))

    @guarded(Perm.USERS_MANAGE)
    def send_reset(self, actor: Actor, user_id: int):
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None or not row.is_active:
            return None
        try:
            with session_scope(write=True) as session:
                users.send_password_reset(session=session, actor=actor, user_id=row.id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch_events(actor)
        return rx.toast.success(t("users.reset_sent", self.lang, email=row.email))

    @guarded(Perm.USERS_MANAGE)
    def search_users(self, actor: Actor, text: str):
        self.users_search = search_text(text)
        self._restart(actor)
        return keep_in_address("/office/users", {"q": self.users_search}, {})

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
