"""Each area's home page: the office's summary, the technician's day, the customer's welcome."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import CustomerKind
from app.i18n import t
from app.i18n.formats import format_long_date, format_short_date
from app.services import documents, users
from app.state.session import SessionState, guarded


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
    stat_open_tickets: int = 0

    @rx.var
    def greeting(self) -> str:
        return t("office.title", self.lang, name=self.user_name.split(" ")[0])

    @guarded(Perm.OFFICE_ACCESS, page=True)
    def load_home(self, actor: Actor):
        with session_scope() as session:
            summary = users.office_summary(session=session, actor=actor)
        self.stat_customers = summary.customers
        self.stat_active_users = summary.active_users
        self.stat_portal_users = summary.portal_users
        self.stat_outbox_pending = summary.outbox_pending
        self.stat_open_tickets = summary.open_tickets
        with session_scope() as session:
            soon = documents.expiring_contracts(session=session, actor=actor, today=date.today(), days=30)
        self.expiring = [ExpiringView(customer.id, customer.display_name, f"{contract.number} · {contract.title}",
                                      format_short_date(contract.expires_on, self.lang))
                         for contract, customer in soon]


class FieldHomeState(SessionState):
    today: str = ""

    @rx.var
    def field_greeting(self) -> str:
        return t("field.title", self.lang, name=self.user_name.split(" ")[0])

    @guarded(Perm.FIELD_ACCESS, page=True)
    def load_field(self, actor: Actor):
        self.today = t("field.today", self.lang, date=format_long_date(date.today(), self.lang))


class PortalHomeState(SessionState):
    company_name: str = ""
    # "Azienda" for a business, "Cliente" for a private person.
    customer_label: str = ""
    customer_code: str = ""
    account_email: str = ""

    @guarded(Perm.PORTAL_ACCESS, page=True)
    def load_portal(self, actor: Actor):
        with session_scope() as session:
            summary = users.portal_summary(session=session, actor=actor)
        self.company_name = summary.customer_name
        private = CustomerKind.parse(summary.customer_kind) is CustomerKind.PRIVATE
        self.customer_label = t("portal.customer" if private else "portal.company", self.lang)
        self.customer_code = summary.customer_code
        self.account_email = summary.user_email
