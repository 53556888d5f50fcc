"""Field technicians' and customers' home pages, and every user's own account."""

from __future__ import annotations

import asyncio
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_long_date
from app.services import auth, users
from app.state.session import SessionState, field_messages


class FieldHomeState(SessionState):
    today: str = ""

    @rx.var
    def field_greeting(self) -> str:
        return t("field.title", self.lang, name=self.user_name.split(" ")[0])

    @rx.event
    def load_field(self):
        actor = self._enter(Perm.FIELD_ACCESS)
        if not isinstance(actor, Actor):
            return actor
        self.today = t("field.today", self.lang, date=format_long_date(date.today(), self.lang))


class PortalHomeState(SessionState):
    company_name: str = ""
    customer_code: str = ""
    account_email: str = ""

    @rx.event
    def load_portal(self):
        actor = self._enter(Perm.PORTAL_ACCESS)
        if not isinstance(actor, Actor):
            return actor
        with session_scope() as session:
            summary = users.portal_summary(session=session, actor=actor)
        self.company_name = summary.customer_name
        self.customer_code = summary.customer_code
        self.account_email = summary.user_email


class AccountState(SessionState):
    password_errors: dict[str, str] = {}
    password_saved: bool = False
    form_key: int = 0

    @rx.event
    def load_account(self):
        actor = self._enter(Perm.OWN_ACCOUNT)
        if not isinstance(actor, Actor):
            return actor
        self.password_errors = {}
        self.password_saved = False

    @rx.event
    async def change_password(self, form_data: dict):
        actor = self._authorize(Perm.OWN_ACCOUNT)
        form = form_data if isinstance(form_data, dict) else {}
        values = {name: form.get(name, "") for name in ("current", "password", "confirm")}
        try:
            await asyncio.to_thread(_change_password, actor, values, self.session_token)
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
