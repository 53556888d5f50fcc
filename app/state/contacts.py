"""The customer card's Contacts tab: the people of a customer."""

from __future__ import annotations

import dataclasses

from app.db import session_scope
from app.domain.customer_rules import display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.services import customers
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded


@dataclasses.dataclass
class ContactView:
    id: int
    kind: str
    name: str
    role: str
    email: str
    phone: str


class ContactsTab(CardTab, Dialogs, CustomerCardState):
    contacts: list[ContactView] = []
    contact_errors: dict[str, str] = {}
    contact_form_open: bool = False


    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            found = customers.list_contacts(session=session, actor=actor, customer_id=self.customer_id)
        self.contacts = [
            ContactView(x.id, t(f"contacts.kind.{x.kind}", self.lang), f"{x.first_name} {x.last_name}",
                        x.role or "", x.email or "", display_phone(x.phone))
            for x in found
        ]

    @guarded(Perm.CUSTOMERS_WRITE)
    def toggle_contact_form(self, actor: Actor):
        self.contact_form_open = not self.contact_form_open and self._current()
        self.contact_errors = {}

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_contact(self, actor: Actor, form_data: dict):
        if not self._current():
            return None
        try:
            with session_scope(write=True) as session:
                customers.save_contact(session=session, actor=actor, customer_id=self.customer_id,
                                       raw=form_data if isinstance(form_data, dict) else {})
        except DomainError as error:
            self.contact_errors = field_messages(error, self.lang)
            return None
        self.contact_errors, self.contact_form_open = {}, False
        self._fetch(actor)
        return _contacts_changed()

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_remove(self, actor: Actor, contact_id: int):
        item = next((c for c in self.contacts if c.id == parse_id(contact_id)), None)
        if item is not None and self._current():
            self._ask(t("contacts.remove_confirm", self.lang, name=item.name), item.id)

    @guarded(Perm.CUSTOMERS_WRITE)
    def confirm_remove(self, actor: Actor):
        confirmed = self._confirmed()
        if not confirmed or not self._current():
            return None
        refused = self._write_and_refresh(actor, lambda session: customers.remove_contact(
            session=session, actor=actor, customer_id=self.customer_id, contact_id=confirmed[0]))
        return refused or _contacts_changed()


def _contacts_changed() -> list:
    """The contacts' consents sit under the contacts: they follow."""
    from app.state.consents import CardConsentsState

    return [CardConsentsState.load]


register_tab("contacts", ContactsTab.load)
