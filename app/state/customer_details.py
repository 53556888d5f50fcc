"""The customer card's Details tab: the registry fields, shown and edited, and a new customer's form."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.customer_rules import FIELDS, display_phone, save_warnings
from app.domain.errors import DomainError
from app.domain.inputs import CustomerInput
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import customers
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded


@dataclasses.dataclass
class DuplicateView:
    id: int
    code: str
    name: str
    matched: str


EMPTY_FORM = {name: "" for name in FIELDS} | {"kind": "business", "country": "IT", "assigned_user_id": "none",
                                              "block_automatic_emails": ""}


def _form_values(customer) -> dict[str, str]:  # noqa: ANN001
    values = {}
    for name in FIELDS:
        value = getattr(customer, name)
        if name in ("phone", "mobile"):
            value = display_phone(value)
        elif name == "assigned_user_id":
            value = str(value) if value else "none"
        elif name == "block_automatic_emails":
            value = "on" if value else ""
        values[name] = "" if value is None else str(value)
    return values


class DetailsTab(CardTab, Dialogs, CustomerCardState):
    editing: bool = False
    values: dict[str, str] = {}
    assigned_name: str = ""
    errors: dict[str, str] = {}
    form_message: str = ""
    # What the saved customer lacks without being wrong (no way to receive e-invoices), shown on the card.
    warnings: list[str] = []
    form_key: int = 0
    staff_options: list[list[str]] = []
    conflict_lines: list[str] = []
    duplicates: list[DuplicateView] = []
    _conflict_version: int = 0
    _pending_raw: dict = {}

    @guarded(Perm.CUSTOMERS_READ)
    def load(self, actor: Actor):
        self._opened()
        with session_scope() as session:
            self.staff_options = [[str(i), n] for i, n in customers.staff_choices(session=session, actor=actor)]
            if self.is_new:
                self.values, self.editing = dict(EMPTY_FORM), True
            else:
                self._show_customer(session, actor)
        self.form_key += 1

    def _show_customer(self, session, actor: Actor) -> None:  # noqa: ANN001
        customer = customers.get_customer(session=session, actor=actor, customer_id=self.customer_id)
        self._show_header(customer)
        self.values = _form_values(customer)
        self.assigned_name = customers.assigned_user_name(session=session, customer=customer)
        self.warnings = [t(key, self.lang) for key in
                         save_warnings(customer.kind, customer.country, customer.sdi_code, customer.pec)]

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            self._show_customer(session, actor)
        self.form_key += 1

    @guarded(Perm.CUSTOMERS_WRITE)
    def start_edit(self, actor: Actor):
        if not self._current():
            return
        self.editing, self.errors, self.form_message, self.conflict_lines = True, {}, "", []
        self.form_key += 1

    @guarded(Perm.CUSTOMERS_READ)
    def cancel_edit(self, actor: Actor):
        if self.is_new:
            return rx.redirect("/office/customers")
        self.editing, self.errors, self.form_message, self.conflict_lines = False, {}, "", []
        if self._current():
            self._reload(actor)
        return None

    @guarded(Perm.CUSTOMERS_WRITE)
    def save(self, actor: Actor, form_data: dict):
        if self.loaded_for != self.card_key:
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        self.values = CustomerInput.echo(raw)
        if self.is_new:
            return self._create(actor, raw, confirmed=False)
        return self._update(actor, raw, self.version)

    def _create(self, actor: Actor, raw: dict, confirmed: bool):  # noqa: ANN202
        try:
            with session_scope(write=True) as session:
                customer = customers.create_customer(session=session, actor=actor, raw=raw,
                                                     confirmed_duplicates=confirmed)
                new_id = customer.id
                warned = save_warnings(customer.kind, customer.country, customer.sdi_code, customer.pec)
        except customers.DuplicatesFound as found:
            self._pending_raw = raw
            self.duplicates = [
                DuplicateView(d.id, d.code, d.name, ", ".join(t(f"field.{m}", self.lang) for m in d.matched))
                for d in found.duplicates
            ]
            self._open_dialog("duplicates")
            return None
        except DomainError as error:
            self._show_errors(error)
            return None
        self.duplicates = []
        self._close_dialog("duplicates")
        return [rx.toast.success(t("card.created", self.lang)),
                *[rx.toast.warning(t(key, self.lang)) for key in warned], rx.redirect(f"/office/customer?id={new_id}")]

    @guarded(Perm.CUSTOMERS_WRITE)
    def create_anyway(self, actor: Actor):
        if not self.is_new or not self._pending_raw or not self._is_open("duplicates"):
            return None
        return self._create(actor, self._pending_raw, confirmed=True)

    def _update(self, actor: Actor, raw: dict, expected_version: int):  # noqa: ANN202
        try:
            with session_scope(write=True) as session:
                _, changed = customers.update_customer(session=session, actor=actor, customer_id=self.customer_id,
                                                       raw=raw, expected_version=expected_version)
        except customers.EditConflict as conflict:
            self._pending_raw = raw
            self._conflict_version = conflict.current_version
            self.conflict_lines = [
                t("card.conflict_row", self.lang, field=t(f"field.{c.field}", self.lang), before=c.before or "",
                  after=c.after or "", by=c.actor_name or t("movements.by_system", self.lang),
                  at=format_datetime(c.at, self.lang))
                for c in conflict.changes
            ]
            return None
        except DomainError as error:
            self._show_errors(error)
            return None
        self.editing, self.errors, self.form_message, self.conflict_lines = False, {}, "", []
        self._reload(actor)
        return [rx.toast.success(t("card.saved" if changed else "card.nothing_changed", self.lang)),
                *[rx.toast.warning(text) for text in self.warnings], *_review_follows()]

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_anyway(self, actor: Actor):
        """After reading what others changed, the user keeps their own values."""
        if self.is_new or not self._current() or not self._pending_raw or not self._conflict_version:
            return None
        return self._update(actor, self._pending_raw, self._conflict_version)

    def _show_errors(self, error: DomainError) -> None:
        messages = field_messages(error, self.lang)
        self.form_message = messages.pop("", "") or t("card.fix_fields", self.lang)
        self.errors = messages


def _review_follows() -> list:
    """Waiting changes are shown against the current values: they follow a save."""
    from app.state.change_requests import ReviewState

    return [ReviewState.refresh]


register_tab("details", DetailsTab.load)
