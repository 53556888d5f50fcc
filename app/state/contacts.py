"""The customer card's Contacts tab: the people of a customer, added, edited in place and removed."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain import consent_rules
from app.domain.customer_rules import display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import ContactInput
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import ContactKind
from app.i18n import t
from app.services import customers
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

EMPTY_CONTACT = {name: "" for name in ContactInput.model_fields} | {"kind": ContactKind.CONTACT_PERSON.value}


@dataclasses.dataclass
class ContactView:
    id: int
    kind: str
    name: str
    role: str
    email: str
    phone: str


def _form_values(contact) -> dict[str, str]:  # noqa: ANN001
    values = {name: getattr(contact, name) or "" for name in EMPTY_CONTACT}
    return values | {"phone": display_phone(contact.phone)}


class ContactsTab(CardTab, Dialogs, CustomerCardState):
    contacts: list[ContactView] = []
    contact_errors: dict[str, str] = {}
    # The new contact's form above the list, or one contact's form in its own row: never both.
    contact_form_open: bool = False
    editing_contact: int = 0
    contact_values: dict[str, str] = {}
    contact_form_key: int = 0

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            found = customers.list_contacts(session=session, actor=actor, customer_id=self.customer_id)
        self.contacts = [
            ContactView(x.id, t(f"contacts.kind.{x.kind}", self.lang), f"{x.first_name} {x.last_name}",
                        x.role or "", x.email or "", display_phone(x.phone))
            for x in found
        ]

    def _show_form(self, values: dict[str, str], errors: dict[str, str]) -> None:
        self.contact_values, self.contact_errors = values, errors
        self.contact_form_key += 1

    @guarded(Perm.CUSTOMERS_WRITE)
    def toggle_contact_form(self, actor: Actor):
        self.contact_form_open = not self.contact_form_open and self._current()
        self.editing_contact = 0
        self._show_form(dict(EMPTY_CONTACT), {})

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_contact(self, actor: Actor, form_data: dict):
        if not self._current():
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                customers.save_contact(session=session, actor=actor, customer_id=self.customer_id, raw=raw)
        except DomainError as error:
            self._show_form(ContactInput.echo(raw), field_messages(error, self.lang))
            return None
        self.contact_errors, self.contact_form_open = {}, False
        self._fetch(actor)
        return _contacts_changed()

    def _edit(self, actor: Actor, contact_id: object, errors: dict[str, str]):  # noqa: ANN202
        """Opens the form in the row of a contact this card shows, with what is stored now."""
        row = next((c for c in self.contacts if c.id == parse_id(contact_id)), None)
        if row is None or not self._current():
            return None
        try:
            with session_scope() as session:
                contact = customers.get_contact(session=session, actor=actor, customer_id=self.customer_id,
                                                contact_id=row.id)
                values = _form_values(contact)
        except DomainError as error:
            return self._gone(actor, error)
        self.contact_form_open, self.editing_contact = False, row.id
        self._show_form(values, errors)
        return None

    def _gone(self, actor: Actor, error: DomainError) -> list:
        """Someone removed the contact meanwhile: the list shows it, nothing is written."""
        self.editing_contact, self.contact_errors = 0, {}
        self._fetch(actor)
        return [rx.toast.error(t(error.message_key, self.lang)), *_contacts_changed()]

    @guarded(Perm.CUSTOMERS_WRITE)
    def edit_contact(self, actor: Actor, contact_id: int):
        return self._edit(actor, contact_id, {})

    @guarded(Perm.CUSTOMERS_WRITE)
    def fill_for_consent(self, actor: Actor, contact_id: int, message_key: str):
        """A consent refused for want of the contact's e-mail or phone opens the contact's form with the
        refusal next to the field to fill."""
        field = consent_rules.CONTACT_FIELD_NEEDED.get(message_key) if isinstance(message_key, str) else None
        if field is None:
            return None
        gone = self._edit(actor, contact_id, {field: t(message_key, self.lang)})
        if gone is not None or self.editing_contact != parse_id(contact_id):
            return gone
        # The cursor waits in the field to fill, which also brings the form into view.
        return rx.call_script(f"requestAnimationFrame(() => document.querySelector("
                              f"'#contact-edit-form [name={field}]')?.focus())")

    @guarded(Perm.CUSTOMERS_WRITE)
    def cancel_contact_edit(self, actor: Actor):
        self.editing_contact, self.contact_errors = 0, {}

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_contact(self, actor: Actor, form_data: dict):
        if not self._current() or not self.editing_contact:
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                customers.save_contact(session=session, actor=actor, customer_id=self.customer_id, raw=raw,
                                       contact_id=self.editing_contact)
        except DomainError as error:
            messages = field_messages(error, self.lang)
            if "" in messages:
                return self._gone(actor, error)
            self._show_form(ContactInput.echo(raw), messages)
            return None
        self.editing_contact, self.contact_errors = 0, {}
        self._fetch(actor)
        return [rx.toast.success(t("contacts.saved", self.lang)), *_contacts_changed()]

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
        if confirmed[0] == self.editing_contact:
            self.editing_contact, self.contact_errors = 0, {}
        refused = self._write_and_refresh(actor, lambda session: customers.remove_contact(
            session=session, actor=actor, customer_id=self.customer_id, contact_id=confirmed[0]))
        return refused or _contacts_changed()


def _contacts_changed() -> list:
    """The contacts' consents sit under the contacts: they follow."""
    from app.state.consents import CardConsentsState

    return [CardConsentsState.load]


register_tab("contacts", ContactsTab.load)
