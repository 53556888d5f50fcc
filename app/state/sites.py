"""The customer card's Sites tab: the customer's other locations, one of them the default."""

from __future__ import annotations

import dataclasses

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.services import customers
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

SITE_FIELDS = ("name", "street", "cap", "city", "province", "country", "notes")


@dataclasses.dataclass
class SiteView:
    id: int
    name: str
    address: str
    is_default: bool


class SitesTab(CardTab, Dialogs, CustomerCardState):
    sites: list[SiteView] = []
    site_errors: dict[str, str] = {}
    site_form_open: bool = False


    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            found = customers.list_sites(session=session, actor=actor, customer_id=self.customer_id)
        self.sites = [
            SiteView(s.id, s.name, ", ".join(p for p in (s.street, " ".join(q for q in (s.cap, s.city) if q),
                                                        s.province) if p), s.is_default)
            for s in found
        ]

    @guarded(Perm.CUSTOMERS_WRITE)
    def toggle_site_form(self, actor: Actor):
        self.site_form_open = not self.site_form_open and self._current()
        self.site_errors = {}

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_site(self, actor: Actor, form_data: dict):
        if not self._current():
            return
        try:
            with session_scope(write=True) as session:
                customers.save_site(session=session, actor=actor, customer_id=self.customer_id,
                                    raw=form_data if isinstance(form_data, dict) else {})
        except DomainError as error:
            self.site_errors = field_messages(error, self.lang)
            return
        self.site_errors, self.site_form_open = {}, False
        self._fetch(actor)

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
        return self._write_and_refresh(actor, lambda session: customers.remove_site(
            session=session, actor=actor, customer_id=self.customer_id, site_id=confirmed[0]))


register_tab("sites", SitesTab.load)
