"""The customer list, and the customer card's shell: what every tab of the card shares.

Each tab of the card is a substate of `CustomerCardState` in the module of its feature (details,
contacts, sites, contracts and reports, accesses, movements), loads itself in one transaction when
it opens, and forgets what it showed when another customer is opened. A tab registers the handlers
that load it with `register_tab`; adding a tab touches no other.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from collections.abc import Callable
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from app.db import session_scope
from app.domain import upstream as upstream_rule
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import search_text
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import BlockLevel, CustomerKind, CustomerStatus
from app.i18n import t
from app.services import credit, customers, upstream
from app.state.lists import count_label, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, guarded

log = logging.getLogger(__name__)

LEVEL_COLORS = {BlockLevel.ASSISTANCE: "amber", BlockLevel.UNPAID: "orange", BlockLevel.OVERDUE: "orange",
                BlockLevel.STUCK: "red", BlockLevel.BAD_DEBT: "crimson"}


def level_color(level: str | None) -> str:
    parsed = BlockLevel.parse(level)
    return LEVEL_COLORS[parsed] if parsed else "gray"


def level_label(level: str | None, lang: str) -> str:
    parsed = BlockLevel.parse(level)
    return t(parsed.label_key, lang) if parsed else ""


@dataclasses.dataclass
class CustomerListRow:
    id: int
    code: str
    name: str
    kind: str
    place: str
    ids: str
    email: str
    block: str
    block_color: str


@dataclasses.dataclass
class UpstreamRow:
    """A customer found in the upstream registry: shown, not stored until someone opens it."""

    id: int
    code: str
    name: str
    kind: str
    place: str
    ids: str
    email: str


# The upstream searches running in this process, by the ticket their tab holds: "Annulla" cancels the task,
# which closes the connection. A search whose ticket changed meanwhile shows nothing when it ends.
RUNNING_SEARCHES: dict[str, asyncio.Task] = {}


LIST_DEFAULTS = {"q": "", "kind": "all", "status": "all", "assigned": "all", "block": "all", "credit": "all",
                 "sort": "name"}


class CustomerListState(KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.CUSTOMERS_READ
    query: str = ""
    kind_filter: str = "all"
    status_filter: str = "all"
    assigned_filter: str = "all"
    block_filter: str = "all"
    credit_filter: str = "all"
    sort_order: str = "name"
    # Sorting by code reads the code index, which no filter or text narrows: offered on the whole list only.
    code_sortable: bool = True
    count_text: str = ""
    # Changes when the filters come from the address, so the search box shows the text it was given.
    search_key: int = 0
    rows: list[CustomerListRow] = []
    staff_options: list[list[str]] = []
    can_create: bool = False
    # The upstream registry ("sistema centrale"): offered when it is connected and the list finds six or fewer.
    upstream_on: bool = False
    upstream_offer: str = ""
    upstream_searching: bool = False
    upstream_message: str = ""
    upstream_rows: list[UpstreamRow] = []
    # The running search's ticket and the text and filters it was asked with; the upstream ids shown.
    _upstream_ticket: str = ""
    _upstream_asked: list[str] = []
    _upstream_ids: list[int] = []

    @rx.var
    def export_query(self) -> str:
        """The list's filters and search as the export routes read them: the file holds what the list shows."""
        values = {"q": self.query, "kind": self.kind_filter, "status": self.status_filter,
                  "assigned": self.assigned_filter, "block": self.block_filter, "credit": self.credit_filter}
        return urlencode({k: v for k, v in values.items() if v and v != LIST_DEFAULTS.get(k)})

    @guarded(Perm.CUSTOMERS_READ, page=True)
    def load_customers(self, actor: Actor):
        self.can_create = has_perm(actor, Perm.CUSTOMERS_WRITE)
        with session_scope() as session:
            self.staff_options = [[str(i), name] for i, name in customers.staff_choices(session=session, actor=actor)]
            self.upstream_on = upstream.search_connection(session=session, actor=actor) is not None
        # A bookmarked or shared address (or the credit page's links) brings its filters; without any the list
        # starts afresh.
        params = self.router.url.query_parameters if self.router else {}
        self.query = search_text(query_param(params, "q"))
        self.kind_filter = CustomerKind.parse(query_param(params, "kind")) or "all"
        self.status_filter = CustomerStatus.parse(query_param(params, "status")) or "all"
        assigned = parse_id(query_param(params, "assigned"))
        self.assigned_filter = str(assigned) if assigned else "all"
        self.block_filter = self._block_choice(query_param(params, "block"))
        self.credit_filter = self._credit_choice(query_param(params, "credit"))
        self.sort_order = query_param(params, "sort") or "name"
        self.search_key += 1
        self._restart(actor)

    @staticmethod
    def _block_choice(value: object) -> str:
        return value if value == customers.ANY_BLOCK or BlockLevel.parse(value) else "all"

    @staticmethod
    def _credit_choice(value: object) -> str:
        return value if isinstance(value, str) and value in credit.CREDIT_FILTERS else "all"

    def _filters(self) -> dict:
        return {
            "query": self.query, "kind": CustomerKind.parse(self.kind_filter),
            "status": CustomerStatus.parse(self.status_filter), "assigned_user_id": parse_id(self.assigned_filter),
            "block": self.block_filter if self.block_filter != "all" else None,
            "credit_filter": self.credit_filter if self.credit_filter != "all" else None,
        }

    def _fetch(self, actor: Actor) -> None:
        filters = self._filters()
        with session_scope() as session:
            page = customers.search_customers(session=session, actor=actor, after=self._cursor,
                                              order=self.sort_order, **filters)
            # The count only changes with the filters: paging does not count again.
            if self._cursor is None:
                found = customers.count_customers(session=session, actor=actor, **filters)
                self.count_text = count_label(found, self.lang)
                self._forget_upstream()
                offer = upstream_rule.offer(found.count + (1 if found.more else 0))
                self.upstream_offer = t(offer, self.lang) if offer and self.upstream_on else ""
        self.sort_order = page.order
        self.code_sortable = customers.allowed_order("code", query=self.query, filtered=customers.narrowed(
            filters["kind"], filters["status"], filters["assigned_user_id"], filters["block"],
            filters["credit_filter"])) == "code"
        self.rows = [
            CustomerListRow(
                id=r.id, code=r.code, name=r.name, kind=t(f"kind.{r.kind}", self.lang),
                place=f"{r.city} ({r.province})" if r.city and r.province else (r.city or ""),
                ids=r.vat_number or r.tax_code or "", email=r.email or "",
                block=level_label(r.block_level, self.lang), block_color=level_color(r.block_level),
            )
            for r in page.rows
        ]
        self._page_loaded(page.next_after)

    def _changed(self, actor: Actor) -> rx.event.EventSpec:
        self._restart(actor)
        return keep_in_address("/office/customers", {
            "q": self.query, "kind": self.kind_filter, "status": self.status_filter, "assigned": self.assigned_filter,
            "block": self.block_filter, "credit": self.credit_filter, "sort": self.sort_order}, LIST_DEFAULTS)

    # The upstream registry -------------------------------------------------------------------

    def _forget_upstream(self) -> None:
        """The filters changed: what upstream answered for the old ones goes, a running search is abandoned."""
        self._drop_running()
        self.upstream_searching, self.upstream_message, self.upstream_rows, self._upstream_ids = False, "", [], []

    def _drop_running(self) -> None:
        task = RUNNING_SEARCHES.pop(self._upstream_ticket, None) if self._upstream_ticket else None
        self._upstream_ticket = ""
        if task is not None:
            task.get_loop().call_soon_threadsafe(task.cancel)

    @guarded(Perm.CUSTOMERS_READ)
    def search_upstream(self, actor: Actor):
        """[Cerca]: the same text and filters, asked of the upstream registry in a background task."""
        with session_scope() as session:
            self.upstream_on = upstream.search_connection(session=session, actor=actor) is not None
        if not self.upstream_on or not self.upstream_offer or self.upstream_searching:
            return None
        self._forget_upstream()
        filters = self._filters()
        self._upstream_ticket = secrets.token_urlsafe(16)
        self._upstream_asked = [self.query, filters["kind"] or "", filters["status"] or ""]
        self.upstream_searching = True
        return CustomerListState.run_upstream_search

    @rx.event(background=True)
    @guarded(Perm.CUSTOMERS_READ)
    async def run_upstream_search(self, actor: Actor):
        async with self:
            ticket, (query, kind, status) = self._upstream_ticket, (self._upstream_asked or ["", "", ""])
            if not ticket or not self.upstream_searching:
                return
        conn = await asyncio.to_thread(_search_connection, actor)
        found: list[dict] | None = None
        if conn is not None:
            task = asyncio.ensure_future(upstream.search(conn, query=query, kind=kind or None, status=status or None))
            RUNNING_SEARCHES[ticket] = task
            try:
                found = await task
            except asyncio.CancelledError:
                if (current := asyncio.current_task()) is not None and current.cancelling():
                    raise  # the app is stopping, not the user cancelling
                return
            except upstream.UpstreamUnavailable as error:
                log.info("upstream search failed: %r", error)
            finally:
                RUNNING_SEARCHES.pop(ticket, None)
        verdict = upstream_rule.verdict(found)
        rows = [row for row in map(upstream.summary_row, verdict.show) if row is not None]
        async with self:
            if self._upstream_ticket != ticket:  # cancelled, or the filters changed meanwhile
                return
            self._upstream_ticket, self.upstream_searching = "", False
            self.upstream_message = t(verdict.message, self.lang) if verdict.message else ""
            self._upstream_ids = [row["id"] for row in rows]
            self.upstream_rows = [
                UpstreamRow(id=r["id"], code=r["code"], name=r["name"], kind=t(f"kind.{r['kind']}", self.lang),
                            place=f"{r['city']} ({r['province']})" if r["city"] and r["province"] else r["city"],
                            ids=r["ids"], email=r["email"])
                for r in rows
            ]

    @guarded(Perm.CUSTOMERS_READ)
    async def cancel_upstream_search(self, actor: Actor):
        """"Annulla": the request is abandoned at once and its answer, should it come, is not shown."""
        if not self.upstream_searching:
            return
        self._drop_running()
        self.upstream_searching = False
        self.upstream_message = t(upstream_rule.CANCELLED, self.lang)

    @guarded(Perm.CUSTOMERS_WRITE)
    def open_upstream(self, actor: Actor, upstream_id: str):
        """Opens an upstream result: upstream is asked for that customer again (the id only says which of
        the results shown), the local copy linked by its code is created unless it exists, and its card opens."""
        wanted = parse_id(upstream_id)
        if wanted is None or wanted not in self._upstream_ids:
            return rx.toast.error(t("customer.not_found", self.lang))
        conn = _search_connection(actor)
        try:
            if conn is None:
                raise upstream.UpstreamUnavailable("not connected")
            detail = upstream.fetch_customer(conn, wanted)
        except upstream.UpstreamUnavailable:
            self.upstream_rows, self._upstream_ids = [], []
            self.upstream_message = t("upstream.err.save_unreachable", self.lang)
            return None
        try:
            customer_id = _save_opened(actor, detail)
        except customers.DuplicatesFound as error:
            names = ", ".join(f"{d.code} {d.name}" for d in error.duplicates[:3])
            return rx.toast.error(t("upstream.err.duplicate", self.lang, names=names))
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang, **error.params))
        return rx.redirect(f"/office/customer?id={customer_id}")

    @guarded(Perm.CUSTOMERS_READ)
    def search(self, actor: Actor, text: str):
        self.query = search_text(text)
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_kind(self, actor: Actor, value: str):
        self.kind_filter = CustomerKind.parse(value) or "all"
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_status(self, actor: Actor, value: str):
        self.status_filter = CustomerStatus.parse(value) or "all"
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_block(self, actor: Actor, value: str):
        self.block_filter = self._block_choice(value)
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_credit(self, actor: Actor, value: str):
        self.credit_filter = self._credit_choice(value)
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_assigned(self, actor: Actor, value: str):
        self.assigned_filter = str(parse_id(value)) if parse_id(value) else "all"
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def sort_by(self, actor: Actor, column: str):
        """A click on a column's header sorts by it, a second click reverses; the service keeps name order
        where the column's index cannot serve the list."""
        if column not in ("name", "code"):
            return None
        self.sort_order = f"{column}_desc" if self.sort_order == column else column
        return self._changed(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def open_first(self, actor: Actor, form_data: dict):
        """Enter in the search box opens the first customer found for the text in the box, even when it was
        typed faster than the list followed it."""
        text = search_text(form_data.get("q") if isinstance(form_data, dict) else "")
        if not text:
            return None
        if text != self.query:
            self.query = text
            self._restart(actor)
        if self.rows:
            return rx.redirect(f"/office/customer?id={self.rows[0].id}")
        return None


def _search_connection(actor: Actor) -> upstream.Connection | None:
    with session_scope() as session:
        return upstream.search_connection(session=session, actor=actor)


def _save_opened(actor: Actor, detail: dict) -> int:
    """The local customer's id for an upstream customer: saved in one transaction; when another tab saved
    the same customer at the same moment, the one it saved."""
    try:
        with session_scope(write=True) as session:
            return upstream.save_opened(session=session, actor=actor, detail=detail)[0].id
    except customers.DuplicatesFound:
        raise
    except DomainError:
        with session_scope() as session:
            found = upstream.find_linked(session=session, actor=actor, external_code=detail.get("code"))
        if found is None:
            raise
        return found.id


# The card -------------------------------------------------------------------------------------

# Tab name -> the handlers that load it, in the order the tabs were registered.
CARD_TABS: dict[str, list[Callable]] = {}
# Handlers that run once each time a card opens (the review window of waiting changes).
ON_CARD_OPEN: list[Callable] = []


def register_tab(name: str, loader: Callable) -> None:
    CARD_TABS.setdefault(name, []).append(loader)


def on_card_open(loader: Callable) -> None:
    ON_CARD_OPEN.append(loader)


class CustomerCardState(SessionState):
    customer_id: int = 0
    # Changes every time a card opens: a tab loaded for an earlier card knows it is out of date.
    card_key: int = 0
    is_new: bool = False
    title: str = ""
    code: str = ""
    kind: str = "business"
    version: int = 0
    # The highest active block, for the badge beside the title.
    block_label: str = ""
    block_color: str = "gray"
    tab: str = "details"
    can_edit: bool = False
    # Administrators see the "Anonimizza" action; an anonymized customer is shown read-only with a banner.
    can_anonymize: bool = False
    anonymized: bool = False

    @guarded(Perm.CUSTOMERS_READ, page=True)
    def open_card(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self.can_edit = has_perm(actor, Perm.CUSTOMERS_WRITE)
        self.can_anonymize, self.anonymized = False, False
        self.card_key += 1
        self.tab = "details"
        if params.get("id") == "new":
            if not self.can_edit:
                return rx.redirect("/office/customers")
            self.is_new, self.customer_id, self.code, self.version = True, 0, "", 0
            self.kind, self.block_label, self.block_color = CustomerKind.BUSINESS.value, "", "gray"
            self.title = t("customers.new", self.lang)
            return [*CARD_TABS["details"], *ON_CARD_OPEN]
        customer_id = parse_id(params.get("id"))
        if customer_id is None:
            return rx.redirect("/office/customers")
        self.is_new, self.customer_id = False, customer_id
        try:
            with session_scope() as session:
                self._show_header(customers.get_customer(session=session, actor=actor, customer_id=customer_id))
            self.can_edit = self.can_edit and not self.anonymized
            self.can_anonymize = has_perm(actor, Perm.ANONYMIZE) and not self.anonymized
        except DomainError:
            self.customer_id = 0
            return [rx.toast.error(t("customer.not_found", self.lang)), rx.redirect("/office/customers")]
        # A link may open the card on a tab (the credit page opens Dati contabili).
        wanted = params.get("tab")
        self.tab = wanted if isinstance(wanted, str) and wanted in CARD_TABS else "details"
        return [*CARD_TABS[self.tab], *ON_CARD_OPEN]

    def _show_header(self, customer) -> None:  # noqa: ANN001
        self.title, self.code, self.version, self.kind = (customer.display_name, customer.code, customer.version,
                                                          customer.kind)
        self.block_label = level_label(customer.block_level, self.lang)
        self.anonymized = customer.status == CustomerStatus.ANONYMIZED
        self.block_color = level_color(customer.block_level)

    @guarded(Perm.CUSTOMERS_READ)
    def set_tab(self, actor: Actor, tab: str):
        if self.is_new or not isinstance(tab, str) or tab not in CARD_TABS:
            return None
        self.tab = tab
        return CARD_TABS[tab]


class CardTab(rx.State, mixin=True):
    """A tab of the customer card. `loaded_for` is the `card_key` of the card it shows: the page shows
    the tab only when it belongs to the open card, and handlers refuse to act on an earlier card.
    A tab reads what it shows in `_fetch`, in one transaction."""

    loaded_for: int = 0

    @guarded(Perm.CUSTOMERS_READ)
    def load(self, actor: Actor):
        self._opened()
        self._fetch(actor)

    def _fetch(self, actor: Actor) -> None:
        raise NotImplementedError

    def _current(self) -> bool:
        return self.loaded_for == self.card_key and self.customer_id > 0

    def _opened(self) -> None:
        """A fresh start for the card being opened: nothing of an earlier card is kept."""
        self.reset()
        self.loaded_for = self.card_key

    def _write_and_refresh(self, actor: Actor, use_case: Callable) -> rx.event.EventSpec | None:
        """Runs one write `use_case(session)` for this card in its own transaction and shows the tab
        again; a refusal becomes a message and nothing is written."""
        try:
            with session_scope(write=True) as session:
                use_case(session)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return None
