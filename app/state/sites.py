"""The customer card's Sites tab: the customer's other locations, one of them the default; added,
edited in place and removed."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import SiteInput
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.services import customers
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

SITE_FIELDS = ("name", "street", "cap", "city", "province", "country", "notes")
EMPTY_SITE = {name: "" for name in SITE_FIELDS} | {"country": "IT", "is_default": ""}


@dataclasses.dataclass
class SiteView:
    id: int
    name: str
    address: str
    is_default: bool


def _form_values(site) -> dict[str, str]:  # noqa: ANN001
    return {name: getattr(site, name) or "" for name in SITE_FIELDS} | {"is_default": "on" if site.is_default else ""}


class SitesTab(CardTab, Dialogs, CustomerCardState):
    sites: list[SiteView] = []
    site_errors: dict[str, str] = {}
    # The new site's form above the list, or one site's form in its own row: never both.
    site_form_open: bool = False
    editing_site: int = 0
    site_values: dict[str, str] = {}
    site_form_key: int = 0

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            found = customers.list_sites(session=session, actor=actor, customer_id=self.customer_id)
        self.sites = [
            SiteView(s.id, s.name, ", ".join(p for p in (s.street, " ".join(q for q in (s.cap, s.city) if q),
                                                        s.province) if p), s.is_default)
            for s in found
        ]

    def _show_form(self, values: dict[str, str], errors: dict[str, str]) -> None:
        self.site_values, self.site_errors = values, errors
        self.site_form_key += 1

    @guarded(Perm.CUSTOMERS_WRITE)
    def toggle_site_form(self, actor: Actor):
        self.site_form_open = not self.site_form_open and self._current()
        self.editing_site = 0
        self._show_form(dict(EMPTY_SITE), {})

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_site(self, actor: Actor, form_data: dict):
        if not self._current():
            return
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                customers.save_site(session=session, actor=actor, customer_id=self.customer_id, raw=raw)
        except DomainError as error:
            self._show_form(SiteInput.echo(raw), field_messages(error, self.lang))
            return
        self.site_errors, self.site_form_open = {}, False
        self._fetch(actor)

    def _gone(self, actor: Actor, error: DomainError) -> rx.event.EventSpec:
        """Someone removed the site meanwhile: the list shows it, nothing is written."""
        self.editing_site, self.site_errors = 0, {}
        self._fetch(actor)
        return rx.toast.error(t(error.message_key, self.lang))

    @guarded(Perm.CUSTOMERS_WRITE)
    def edit_site(self, actor: Actor, site_id: int):
        row = next((s for s in self.sites if s.id == parse_id(site_id)), None)
        if row is None or not self._current():
            return None
        try:
            with session_scope() as session:
                values = _form_values(customers.get_site(session=session, actor=actor, customer_id=self.customer_id,
                                                         site_id=row.id))
        except DomainError as error:
            return self._gone(actor, error)
        self.site_form_open, self.editing_site = False, row.id
        self._show_form(values, {})
        return None

    @guarded(Perm.CUSTOMERS_WRITE)
    def cancel_site_edit(self, actor: Actor):
        self.editing_site, self.site_errors = 0, {}

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_site(self, actor: Actor, form_data: dict):
        if not self._current() or not self.editing_site:
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                customers.save_site(session=session, actor=actor, customer_id=self.customer_id, raw=raw,
                                    site_id=self.editing_site)
        except DomainError as error:
            messages = field_messages(error, self.lang)
            if "" in messages:
                return self._gone(actor, error)
            self._show_form(SiteInput.echo(raw), messages)
            return None
        self.editing_site, self.site_errors = 0, {}
        self._fetch(actor)
        return rx.toast.success(t("sites.saved", self.lang))

    @guarded(Perm.CUSTOMERS_WRITE)
    def make_default_site(self, actor: Actor, site_id: int):
        wanted = parse_id(site_id)
        if wanted is None or not self._current():
            return
        with session_scope(write=True) as session:
            site = next((s for s in customers.list_sites(session=session, actor=actor, customer_id=self.customer_id)
                         if s.id == wanted), None)
            if site is None:
                return
            raw = {k: getattr(site, k) for k in SITE_FIELDS}
            customers.save_site(session=session, actor=actor, customer_id=self.customer_id,
                                raw={**raw, "is_default": True}, site_id=site.id)
        self._fetch(actor)

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_remove(self, actor: Actor, site_id: int):
        item = next((s for s in self.sites if s.id == parse_id(site_id)), None)
        if item is not None and self._current():
            self._ask(t("sites.remove_confirm", self.lang, name=item.name), item.id)

    @guarded(Perm.CUSTOMERS_WRITE)
    def confirm_remove(self, actor: Actor):
        confirmed = self._confirmed()
        if not confirmed or not self._current():
            return None
        if confirmed[0] == self.editing_site:
            self.editing_site, self.site_errors = 0, {}
        return self._write_and_refresh(actor, lambda session: customers.remove_site(
            session=session, actor=actor, customer_id=self.customer_id, site_id=confirmed[0]))


register_tab("sites", SitesTab.load)
