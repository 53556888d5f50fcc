"""Customer list and customer card (details, contacts, sites, movements)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.customer_rules import FIELDS, display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_choice, parse_id
from app.domain.permissions import Actor, Perm, has_perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import customers, movements
from app.state.accesses import AccessMixin
from app.state.consents import ConsentMixin
from app.state.documents import DocumentsMixin
from app.state.paging import KeysetPaging
from app.state.requests import ReviewMixin
from app.state.session import SessionState, field_messages


@dataclasses.dataclass
class CustomerListRow:
    id: int
    code: str
    name: str
    kind: str
    place: str
    ids: str
    email: str


class CustomerListState(KeysetPaging, SessionState):
    query: str = ""
    kind_filter: str = "all"
    status_filter: str = "all"
    assigned_filter: str = "all"
    rows: list[CustomerListRow] = []
    staff_options: list[list[str]] = []
    can_create: bool = False

    @rx.event
    def load_customers(self):
        actor = self._enter(Perm.CUSTOMERS_READ)
        if not isinstance(actor, Actor):
            return actor
        self.can_create = has_perm(actor, Perm.CUSTOMERS_WRITE)
        with session_scope() as session:
            self.staff_options = [[str(i), name] for i, name in customers.staff_choices(session=session, actor=actor)]
        self._restart(actor)

    def _restart(self, actor: Actor) -> None:
        self._first_page()
        self._fetch(actor)

    def _fetch(self, actor: Actor) -> None:
        assigned = parse_id(self.assigned_filter)
        with session_scope() as session:
            page = customers.search_customers(
                session=session, actor=actor, query=self.query,
                kind=parse_choice(self.kind_filter, ("business", "private")) or None,
                status=parse_choice(self.status_filter, ("active", "anonymized")) or None,
                assigned_user_id=assigned, after=self._cursor,
            )
        self.rows = [
            CustomerListRow(
                id=r.id, code=r.code, name=r.name, kind=t(f"kind.{r.kind}", self.lang),
                place=f"{r.city} ({r.province})" if r.city and r.province else (r.city or ""),
                ids=r.vat_number or r.tax_code or "", email=r.email or "",
            )
            for r in page.rows
        ]
        self._page_loaded(page.next_after)

    @rx.event
    def search(self, text: str):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        self.query = text[:100] if isinstance(text, str) else ""
        self._restart(actor)

    @rx.event
    def filter_kind(self, value: str):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        self.kind_filter = parse_choice(value, ("business", "private")) or "all"
        self._restart(actor)

    @rx.event
    def filter_status(self, value: str):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        self.status_filter = parse_choice(value, ("active", "anonymized")) or "all"
        self._restart(actor)

    @rx.event
    def filter_assigned(self, value: str):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        self.assigned_filter = str(parse_id(value)) if parse_id(value) else "all"
        self._restart(actor)

    @rx.event
    def next_page(self):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        if self._forward():
            self._fetch(actor)

    @rx.event
    def previous_page(self):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        if self._back():
            self._fetch(actor)

    @rx.event
    def open_first(self, key: str):
        """Enter in the search box opens the first customer found."""
        self._authorize(Perm.CUSTOMERS_READ)
        if key == "Enter" and self.rows:
            return rx.redirect(f"/office/customer?id={self.rows[0].id}")


@dataclasses.dataclass
class ContactView:
    id: int
    kind: str
    name: str
    role: str
    email: str
    phone: str


@dataclasses.dataclass
class SiteView:
    id: int
    name: str
    address: str
    is_default: bool


@dataclasses.dataclass
class MovementView:
    id: int
    kind: str
    field: str
    before: str
    after: str
    summary: str
    actor: str
    source: str
    at: str


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


class CustomerCardState(ReviewMixin, ConsentMixin, AccessMixin, DocumentsMixin, SessionState):
    customer_id: int = 0
    is_new: bool = False
    editing: bool = False
    title: str = ""
    code: str = ""
    version: int = 0
    values: dict[str, str] = {}
    assigned_name: str = ""
    errors: dict[str, str] = {}
    form_message: str = ""
    form_key: int = 0
    tab: str = "details"
    can_edit: bool = False
    staff_options: list[list[str]] = []
    conflict_lines: list[str] = []
    duplicates: list[DuplicateView] = []
    contacts: list[ContactView] = []
    sites: list[SiteView] = []
    movement_rows: list[MovementView] = []
    movement_group: str = "all"
    movements_more: bool = False
    contact_errors: dict[str, str] = {}
    site_errors: dict[str, str] = {}
    contact_form_open: bool = False
    site_form_open: bool = False
    confirm_text: str = ""
    confirm_open: bool = False
    _conflict_version: int = 0
    _pending_raw: dict = {}
    _confirm_action: tuple[str, int] = ("", 0)
    _movements_before: int | None = None

    # Loading -------------------------------------------------------------------------------

    @rx.event
    def open_card(self):
        actor = self._enter(Perm.CUSTOMERS_READ)
        if not isinstance(actor, Actor):
            return actor
        params = self.router.url.query_parameters if self.router else {}
        self.can_edit = has_perm(actor, Perm.CUSTOMERS_WRITE)
        self._forget_previous_card()
        with session_scope() as session:
            self.staff_options = [[str(i), n] for i, n in customers.staff_choices(session=session, actor=actor)]
        if params.get("id") == "new":
            if not self.can_edit:
                return rx.redirect("/office/customers")
            self.is_new, self.editing, self.customer_id = True, True, 0
            self.values, self.title, self.code, self.version = dict(EMPTY_FORM), t("customers.new", self.lang), "", 0
            self.contacts, self.sites, self.movement_rows, self.review_rows = [], [], [], []
            self.access_rows, self.general_consents, self.channel_consents = [], [], []
            self.contract_rows, self.report_rows = [], []
            self.form_key += 1
            return
        customer_id = parse_id(params.get("id"))
        if customer_id is None:
            return rx.redirect("/office/customers")
        self.is_new, self.editing, self.customer_id = False, False, customer_id
        try:
            self._reload(actor)
        except DomainError:
            return [rx.toast.error(t("customer.not_found", self.lang)), rx.redirect("/office/customers")]
        # Waiting changes come first: the window opens by itself.
        self.review_open = bool(self.review_rows)

    def _forget_previous_card(self) -> None:
        """Another card opens in the same tab (a link, back or forward): nothing left open or
        remembered for the previous customer may act on this one."""
        self.errors, self.form_message, self.conflict_lines, self.duplicates = {}, "", [], []
        self.tab, self.decision_lines, self.review_error, self.review_open = "details", [], "", False
        self._pending_raw, self._conflict_version, self._confirm_action = {}, 0, ("", 0)
        self.confirm_open = self.contact_form_open = self.site_form_open = False
        self.history_open, self._history_key, self.history_can_sign, self.consent_error = False, (), False, ""
        self.access_dialog_open, self._editing_access, self.access_errors = False, None, {}
        self.doc_dialog, self._editing_doc, self.doc_errors = "", None, {}
        self.upload_open, self._upload_owner, self.upload_errors = False, (), []
        self.remove_file_open, self._removing_file = False, None

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            card = customers.get_card(session=session, actor=actor, customer_id=self.customer_id)
            c = card.customer
            self.title, self.code, self.version = c.display_name, c.code, c.version
            self.values = _form_values(c)
            self.assigned_name = card.assigned_user_name
            self.contacts = [
                ContactView(x.id, t(f"contacts.kind.{x.kind}", self.lang), f"{x.first_name} {x.last_name}",
                            x.role or "", x.email or "", display_phone(x.phone))
                for x in card.contacts
            ]
            self.sites = [
                SiteView(s.id, s.name, ", ".join(p for p in (s.street, " ".join(q for q in (s.cap, s.city) if q),
                                                            s.province) if p), s.is_default)
                for s in card.sites
            ]
        self.form_key += 1
        self._load_movements(actor, reset=True)
        self._load_review(actor, open_window=self.review_open)
        self._load_consents(actor)
        self._load_accesses(actor)
        self._load_documents(actor)

    def _load_movements(self, actor: Actor, reset: bool) -> None:
        if reset:
            self._movements_before = None
            self.movement_rows = []
        with session_scope() as session:
            page = movements.list_movements(
                session=session, actor=actor, customer_id=self.customer_id,
                group="" if self.movement_group == "all" else self.movement_group, before_id=self._movements_before,
            )
        self.movement_rows = self.movement_rows + [
            MovementView(
                id=m.id, kind=t(f"movements.kind.{m.kind}", self.lang),
                field=t(f"field.{m.field}", self.lang) if m.field else "", before=m.before or "", after=m.after or "",
                summary=m.summary or "", actor=m.actor_name, source=t(f"source.{m.source}", self.lang),
                at=format_datetime(m.created_at, self.lang),
            )
            for m in page.rows
        ]
        self._movements_before = page.next_before_id
        self.movements_more = page.next_before_id is not None

    # Editing the details --------------------------------------------------------------------

    @rx.event
    def set_tab(self, tab: str):
        self._authorize(Perm.CUSTOMERS_READ)
        if tab in ("details", "contacts", "sites", "contracts", "reports", "accesses", "movements"):
            self.tab = tab

    @rx.event
    def start_edit(self):
        self._authorize(Perm.CUSTOMERS_WRITE)
        self.editing, self.errors, self.form_message, self.conflict_lines = True, {}, "", []
        self.form_key += 1

    @rx.event
    def cancel_edit(self):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        if self.is_new:
            return rx.redirect("/office/customers")
        self.editing, self.errors, self.form_message, self.conflict_lines = False, {}, "", []
        self._reload(actor)

    def _raw(self, form_data: object) -> dict:
        raw = {name: form_data.get(name) for name in FIELDS} if isinstance(form_data, dict) else {}
        if raw.get("assigned_user_id") == "none":
            raw["assigned_user_id"] = None
        return raw

    @rx.event
    def save(self, form_data: dict):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        raw = self._raw(form_data)
        self.values = {name: "" if raw.get(name) is None else str(raw.get(name)) for name in FIELDS}
        if raw.get("assigned_user_id") is None:
            self.values["assigned_user_id"] = "none"
        if self.is_new:
            return self._create(actor, raw, confirmed=False)
        return self._update(actor, raw, self.version)

    def _create(self, actor: Actor, raw: dict, confirmed: bool):  # noqa: ANN202
        try:
            with session_scope(write=True) as session:
                customer = customers.create_customer(session=session, actor=actor, raw=raw,
                                                     confirmed_duplicates=confirmed)
                new_id = customer.id
        except customers.DuplicatesFound as found:
            self._pending_raw = raw
            self.duplicates = [
                DuplicateView(d.id, d.code, d.name, ", ".join(t(f"field.{m}", self.lang) for m in d.matched))
                for d in found.duplicates
            ]
            return None
        except DomainError as error:
            self._show_errors(error)
            return None
        self.duplicates = []
        return [rx.toast.success(t("card.created", self.lang)), rx.redirect(f"/office/customer?id={new_id}")]

    @rx.event
    def create_anyway(self):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        if not self.is_new or not self._pending_raw:
            return None
        return self._create(actor, self._pending_raw, confirmed=True)

    @rx.event
    def close_duplicates(self, is_open: bool = False):
        self._authorize(Perm.CUSTOMERS_WRITE)
        if is_open is not True:
            self.duplicates = []

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
                  after=c.after or "", by=c.actor_name, at=format_datetime(c.at, self.lang))
                for c in conflict.changes
            ]
            return None
        except DomainError as error:
            self._show_errors(error)
            return None
        self.editing, self.errors, self.form_message, self.conflict_lines = False, {}, "", []
        self._reload(actor)
        return rx.toast.success(t("card.saved" if changed else "card.nothing_changed", self.lang))

    @rx.event
    def save_anyway(self):
        """After reading what others changed, the user keeps their own values."""
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        if self.is_new or not self._pending_raw or not self._conflict_version:
            return None
        return self._update(actor, self._pending_raw, self._conflict_version)

    def _show_errors(self, error: DomainError) -> None:
        messages = field_messages(error, self.lang)
        self.form_message = messages.pop("", "") or t("card.fix_fields", self.lang)
        self.errors = messages

    # Contacts and sites ---------------------------------------------------------------------

    @rx.event
    def toggle_contact_form(self):
        self._authorize(Perm.CUSTOMERS_WRITE)
        self.contact_form_open = not self.contact_form_open
        self.contact_errors = {}

    @rx.event
    def add_contact(self, form_data: dict):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        try:
            with session_scope(write=True) as session:
                customers.save_contact(session=session, actor=actor, customer_id=self.customer_id,
                                       raw=form_data if isinstance(form_data, dict) else {})
        except DomainError as error:
            self.contact_errors = field_messages(error, self.lang)
            return
        self.contact_errors, self.contact_form_open = {}, False
        self._reload(actor)

    @rx.event
    def toggle_site_form(self):
        self._authorize(Perm.CUSTOMERS_WRITE)
        self.site_form_open = not self.site_form_open
        self.site_errors = {}

    @rx.event
    def add_site(self, form_data: dict):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        try:
            with session_scope(write=True) as session:
                customers.save_site(session=session, actor=actor, customer_id=self.customer_id,
                                    raw=form_data if isinstance(form_data, dict) else {})
        except DomainError as error:
            self.site_errors = field_messages(error, self.lang)
            return
        self.site_errors, self.site_form_open = {}, False
        self._reload(actor)

    @rx.event
    def make_default_site(self, site_id: int):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        wanted = parse_id(site_id)
        with session_scope(write=True) as session:
            card = customers.get_card(session=session, actor=actor, customer_id=self.customer_id)
            site = next((s for s in card.sites if s.id == wanted), None)
            if site is None:
                return
            raw = {k: getattr(site, k) for k in ("name", "street", "cap", "city", "province", "country", "notes")}
            customers.save_site(session=session, actor=actor, customer_id=self.customer_id,
                                raw={**raw, "is_default": True}, site_id=site.id)
        self._reload(actor)

    @rx.event
    def ask_remove(self, what: str, item_id: int):
        self._authorize(Perm.CUSTOMERS_WRITE)
        wanted = parse_id(item_id)
        if what == "contact":
            item = next((c for c in self.contacts if c.id == wanted), None)
            text = t("contacts.remove_confirm", self.lang, name=item.name) if item else ""
        elif what == "site":
            item = next((s for s in self.sites if s.id == wanted), None)
            text = t("sites.remove_confirm", self.lang, name=item.name) if item else ""
        else:
            return
        if item is None:
            return
        self._confirm_action = (what, item.id)
        self.confirm_text, self.confirm_open = text, True

    @rx.event
    def confirm_dialog_changed(self, is_open: bool):
        self._authorize(Perm.CUSTOMERS_WRITE)
        if is_open is not True:
            self.confirm_open = False

    @rx.event
    def confirm_remove(self):
        actor = self._authorize(Perm.CUSTOMERS_WRITE)
        what, item_id = self._confirm_action
        self.confirm_open, self._confirm_action = False, ("", 0)
        try:
            with session_scope(write=True) as session:
                if what == "contact":
                    customers.remove_contact(session=session, actor=actor, customer_id=self.customer_id,
                                             contact_id=item_id)
                elif what == "site":
                    customers.remove_site(session=session, actor=actor, customer_id=self.customer_id, site_id=item_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._reload(actor)

    # Movements ------------------------------------------------------------------------------

    @rx.event
    def filter_movements(self, group: str | list[str]):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        self.movement_group = group if isinstance(group, str) and group in movements.KIND_GROUPS else "all"
        self._load_movements(actor, reset=True)

    @rx.event
    def more_movements(self):
        actor = self._authorize(Perm.CUSTOMERS_READ)
        if self._movements_before is not None:
            self._load_movements(actor, reset=False)
