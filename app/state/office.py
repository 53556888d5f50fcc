"""Back office: home, outbox and users."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime, format_short_date
from app.services import documents, outbox, users
from app.settings import get_settings
from app.state.paging import KeysetPaging
from app.state.session import SessionState


@dataclasses.dataclass
class ExpiringView:
    customer_id: int
    customer: str
    contract: str
    expires: str


class OfficeHomeState(SessionState):
    expiring: list[ExpiringView] = []
    stat_customers: int = 0
    stat_active_users: int = 0
    stat_portal_users: int = 0
    stat_outbox_pending: int = 0

    @rx.var
    def greeting(self) -> str:
        return t("office.title", self.lang, name=self.user_name.split(" ")[0])

    @rx.event
    def load_home(self):
        actor = self._enter(Perm.OFFICE_ACCESS)
        if not isinstance(actor, Actor):
            return actor
        with session_scope() as session:
            summary = users.office_summary(session=session, actor=actor)
        self.stat_customers = summary.customers
        self.stat_active_users = summary.active_users
        self.stat_portal_users = summary.portal_users
        self.stat_outbox_pending = summary.outbox_pending
        with session_scope() as session:
            soon = documents.expiring_contracts(session=session, actor=actor, today=date.today(), days=30)
        self.expiring = [ExpiringView(customer.id, customer.display_name, f"{contract.number} · {contract.title}",
                                      format_short_date(contract.expires_on, self.lang))
                         for contract, customer in soon]


@dataclasses.dataclass
class OutboxMessageView:
    id: int
    to_address: str
    subject: str
    created: str
    status: str
    error: str


class OutboxState(KeysetPaging, SessionState):
    messages: list[OutboxMessageView] = []
    outbox_search: str = ""
    smtp_configured: bool = False
    open_subject: str = ""
    open_to: str = ""
    open_body: str = ""
    open_created: str = ""
    message_open: bool = False

    @rx.event
    def load_outbox(self):
        actor = self._enter(Perm.OUTBOX_READ)
        if not isinstance(actor, Actor):
            return actor
        self.smtp_configured = get_settings().smtp_configured
        self._first_page()
        self._fetch(actor)

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            page = outbox.list_messages(session=session, actor=actor, before_id=self._cursor, search=self.outbox_search)
        self.messages = [
            OutboxMessageView(
                id=row.id,
                to_address=row.to_address,
                subject=row.subject,
                created=format_datetime(row.created_at, self.lang),
                status="sent" if row.sent_at else ("failed" if row.last_error else "pending"),
                error=row.last_error or "",
            )
            for row in page.rows
        ]
        self._page_loaded(page.next_before_id)

    @rx.event
    def search_outbox(self, text: str):
        actor = self._authorize(Perm.OUTBOX_READ)
        self.outbox_search = text[:100] if isinstance(text, str) else ""
        self._first_page()
        self._fetch(actor)

    @rx.event
    def next_page(self):
        actor = self._authorize(Perm.OUTBOX_READ)
        if self._forward():
            self._fetch(actor)

    @rx.event
    def previous_page(self):
        actor = self._authorize(Perm.OUTBOX_READ)
        if self._back():
            self._fetch(actor)

    @rx.event
    def open_message(self, message_id: int):
        actor = self._authorize(Perm.OUTBOX_READ)
        wanted = parse_id(message_id)
        if wanted is None:
            return
        with session_scope() as session:
            message = outbox.get_message(session=session, actor=actor, message_id=wanted)
            if message is None:
                return
            self.open_subject = message.subject
            self.open_to = message.to_address
            self.open_body = message.body_text
            self.open_created = format_datetime(message.created_at, self.lang)
        self.message_open = True

    @rx.event
    def message_dialog_changed(self, is_open: bool):
        """Escape, a click outside or the close button: the dialog only ever closes from here."""
        self._authorize(Perm.OUTBOX_READ)
        if is_open is not True:
            self.message_open = False


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


class UsersState(KeysetPaging, SessionState):
    user_rows: list[UserView] = []
    users_search: str = ""
    confirm_user_id: int = 0
    confirm_text: str = ""
    confirm_open: bool = False

    @rx.event
    def load_users(self):
        actor = self._enter(Perm.USERS_MANAGE)
        if not isinstance(actor, Actor):
            return actor
        self._first_page()
        self._fetch_users(actor)

    def _fetch_users(self, actor: Actor) -> None:
        with session_scope() as session:
            page = users.list_users(session=session, actor=actor, search=self.users_search, after=self._cursor)
        self.user_rows = [
            UserView(
                id=row.id, full_name=row.full_name, email=row.email, role=t(f"role.{row.role}", self.lang),
                customer_name=row.customer_name, is_active=row.is_active,
                last_login=format_datetime(row.last_login_at, self.lang) or t("users.never", self.lang),
                is_self=row.id == actor.user_id, is_staff=row.role != "customer",
                records_consents=row.records_consents, consents_by_role=row.consents_by_role,
            )
            for row in page.rows
        ]
        self._page_loaded(page.next_after)

    @rx.event
    def search_users(self, text: str):
        actor = self._authorize(Perm.USERS_MANAGE)
        self.users_search = text[:100] if isinstance(text, str) else ""
        self._first_page()
        self._fetch_users(actor)

    @rx.event
    def next_page(self):
        actor = self._authorize(Perm.USERS_MANAGE)
        if self._forward():
            self._fetch_users(actor)

    @rx.event
    def previous_page(self):
        actor = self._authorize(Perm.USERS_MANAGE)
        if self._back():
            self._fetch_users(actor)

    @rx.event
    def ask_toggle(self, user_id: int):
        self._authorize(Perm.USERS_MANAGE)
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None:
            return
        self.confirm_user_id = row.id
        key = "users.confirm_disable" if row.is_active else "users.confirm_enable"
        self.confirm_text = t(key, self.lang, name=row.full_name)
        self.confirm_open = True

    @rx.event
    def confirm_dialog_changed(self, is_open: bool):
        self._authorize(Perm.USERS_MANAGE)
        if is_open is not True:
            self.confirm_open = False

    @rx.event
    def confirm_toggle(self):
        actor = self._authorize(Perm.USERS_MANAGE)
        self.confirm_open = False
        row = next((r for r in self.user_rows if r.id == self.confirm_user_id), None)
        if row is None:
            return
        try:
            with session_scope(write=True) as session:
                user = users.set_active(session=session, actor=actor, user_id=row.id, active=not row.is_active)
                name, active = user.full_name, user.is_active
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch_users(actor)
        return rx.toast.success(t("users.enabled" if active else "users.disabled", self.lang, name=name))

    @rx.event
    def set_consent_right(self, user_id: int, granted: bool):
        """The right to record consents for a staff user whose role does not include it."""
        actor = self._authorize(Perm.USERS_MANAGE)
        row = next((r for r in self.user_rows if r.id == parse_id(user_id)), None)
        if row is None or row.consents_by_role or not isinstance(granted, bool):
            return None
        try:
            with session_scope(write=True) as session:
                users.set_grant(session=session, actor=actor, user_id=row.id, perm=Perm.CONSENTS_RECORD.value,
                                granted=granted)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch_users(actor)
        return None
