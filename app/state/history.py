"""The customer card's Cronologia transazioni tab: the article lines of the customer's documents, searched
and filtered (the filters ride in the address, so a view can be bookmarked), a document's preview, and a
complaint or a credit note made from a line."""

from __future__ import annotations

import dataclasses
import json
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from app.db import session_scope
from app.domain import sales as sales_rules
from app.domain.errors import DomainError
from app.domain.history import HistoryFilter, read_filter
from app.domain.ids import parse_id
from app.domain.inputs import ComplaintInput
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import DocumentKind, DocumentStatus, HistoryStatus
from app.i18n import t
from app.i18n.formats import format_money, format_quantity, format_short_date
from app.services import history, sales
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.paging import KeysetPaging
from app.state.session import field_messages, guarded

STATUS_COLORS = {HistoryStatus.SOLD: "green", HistoryStatus.RETURNED: "gray", HistoryStatus.COMPLAINT: "red",
                 HistoryStatus.ORDERED: "blue", HistoryStatus.AWAITING_PICKUP: "amber"}
FILTER_FIELDS = ("q", "status", "price_min", "price_max", "date_from", "date_to", "value_min", "value_max",
                 "defective", "property")


@dataclasses.dataclass
class HistoryView:
    line_id: int
    article: str
    details: str  # code · EAN · properties
    document: str
    source: str
    date: str
    status: str
    status_color: str
    quantity: str
    price: str
    discount: str
    final: str
    defective: bool
    can_complain: bool
    can_credit: bool


@dataclasses.dataclass
class PreviewLine:
    description: str
    quantity: str
    price: str
    gross: str


class HistoryTab(KeysetPaging, CardTab, Dialogs, CustomerCardState):
    list_permission: ClassVar[Perm] = Perm.CUSTOMERS_READ
    history_rows: list[HistoryView] = []
    filter_values: dict[str, str] = {}
    filter_errors: dict[str, str] = {}
    filter_key: int = 0
    export_query: str = ""
    can_act: bool = False
    preview_title: str = ""
    preview_lines: list[PreviewLine] = []
    preview_total: str = ""
    complaint_title: str = ""
    complaint_values: dict[str, str] = {}
    complaint_errors: dict[str, str] = {}
    # Who the complaint is for, as the dialog shows it: an anonymized customer is no longer named.
    complaint_customer: str = ""
    complaint_key: int = 0
    _filter: HistoryFilter = HistoryFilter()
    _filter_card: int = -1

    def _fetch(self, actor: Actor) -> None:
        if self._filter_card != self.card_key:
            # The card was opened (perhaps from a bookmark): its address holds the filters.
            self._filter_card = self.card_key
            params = self.router.url.query_parameters if self.router else {}
            self._set_filter({name: params.get(name) for name in FILTER_FIELDS if params.get(name)})
            self._first_page()
        self.can_act = has_perm(actor, Perm.CUSTOMERS_WRITE)
        with session_scope() as session:
            page = history.search(session=session, actor=actor, customer_id=self.customer_id, flt=self._filter,
                                  after=self._cursor)
        lang = self.lang
        self.history_rows = [
            HistoryView(
                line_id=r.line_id, article=r.description,
                details=" · ".join(p for p in (r.article_code, r.ean, r.properties) if p),
                document=r.document_number, source=r.source_number or "",
                date=format_short_date(r.document_date, lang), status=t(HistoryStatus(r.status).label_key, lang),
                status_color=STATUS_COLORS[HistoryStatus(r.status)], quantity=format_quantity(r.quantity),
                price=format_money(r.unit_price, lang),
                discount=format_money(r.unit_discount, lang) if r.unit_discount else "",
                final=format_money(r.final_unit_gross, lang), defective=r.defective,
                can_complain=r.status == HistoryStatus.SOLD,
                can_credit=r.status in (HistoryStatus.SOLD, HistoryStatus.COMPLAINT),
            )
            for r in page.rows
        ]
        self._page_loaded(page.next_after)

    def _set_filter(self, raw: dict) -> None:
        self._filter, errors = read_filter(raw)
        self.filter_values = {name: str(raw.get(name) or "") for name in FILTER_FIELDS}
        self.filter_values["status"] = self._filter.status.value if self._filter.status else "all"
        self.filter_errors = {name: t(key, self.lang) for name, key in errors.items()}
        self.export_query = urlencode(self._filter.as_params())
        self.filter_key += 1

    def _address(self) -> rx.event.EventSpec:
        """The filters in the address bar, so the view can be bookmarked and shared."""
        query = urlencode({"id": self.customer_id, "tab": "history", **self._filter.as_params()})
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps('?' + query)})")

    @guarded(Perm.CUSTOMERS_READ)
    def apply_filters(self, actor: Actor, form_data: dict):
        if not self._current():
            return None
        form = form_data if isinstance(form_data, dict) else {}
        self._set_filter({name: form.get(name) for name in FILTER_FIELDS if name in form})
        self._restart(actor)
        return self._address()

    @guarded(Perm.CUSTOMERS_READ)
    def clear_filters(self, actor: Actor):
        if not self._current():
            return None
        self._set_filter({})
        self._restart(actor)
        return self._address()

    def _row(self, line_id: object) -> HistoryView | None:
        return next((r for r in self.history_rows if r.line_id == parse_id(line_id)), None)

    @guarded(Perm.CUSTOMERS_READ)
    def preview(self, actor: Actor, line_id: int):
        if self._row(line_id) is None or not self._current():
            return
        with session_scope() as session:
            found = history.line_of_customer(session, self.customer_id, parse_id(line_id))
            if found is None:
                return
            document = found[1]
            lines = sales.document_lines(session=session, actor=actor, customer_id=self.customer_id,
                                         document_id=document.id)
        lang = self.lang
        self.preview_title = t("history.preview_title", lang, kind=t(DocumentKind(document.kind).label_key, lang),
                               number=sales_rules.display_number(document.kind, document.year, document.number),
                               date=format_short_date(document.document_date, lang),
                               status=t(DocumentStatus(document.status).label_key, lang))
        self.preview_lines = [PreviewLine(line.description, format_quantity(line.quantity),
                                          format_money(line.unit_price, lang), format_money(line.gross, lang))
                              for line in lines]
        self.preview_total = format_money(document.gross_total, lang)
        self._open_dialog("preview")

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_complaint(self, actor: Actor, line_id: int):
        row = self._row(line_id)
        if row is None or not row.can_complain or not self._current():
            return
        self._confirming = (row.line_id,)
        self.complaint_title = t("history.complaint_title", self.lang, article=row.article, document=row.document)
        self.complaint_values = {"quantity": row.quantity, "defective": "", "notes": ""}
        self.complaint_customer = t("anon.customer_undefined", self.lang) if self.anonymized else self.title
        self.complaint_errors = {}
        self.complaint_key += 1
        self._open_dialog("complaint")

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_complaint(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("complaint") or len(self._confirming) != 1:
            return None
        self.complaint_values = ComplaintInput.echo(form_data)
        try:
            with session_scope(write=True) as session:
                complaint = sales.complaint_from_line(session=session, actor=actor, customer_id=self.customer_id,
                                                      line_id=self._confirming[0], raw=form_data)
                number = sales_rules.display_number(complaint.kind, complaint.year, complaint.number)
        except DomainError as error:
            self.complaint_errors = field_messages(error, self.lang)
            return None
        self._confirming = ()
        self._close_dialog("complaint")
        self._fetch(actor)
        return rx.toast.success(t("history.complaint_saved", self.lang, number=number))

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_credit_note(self, actor: Actor, line_id: int):
        row = self._row(line_id)
        if row is not None and row.can_credit and self._current():
            self._ask(t("history.credit_note_confirm", self.lang, article=row.article, document=row.document),
                      row.line_id)

    @guarded(Perm.CUSTOMERS_WRITE)
    def confirm_credit_note(self, actor: Actor):
        confirmed = self._confirmed()
        if len(confirmed) != 1 or not self._current():
            return None
        try:
            with session_scope(write=True) as session:
                note = sales.credit_note_from_line(session=session, actor=actor, customer_id=self.customer_id,
                                                   line_id=confirmed[0])
                number = sales_rules.display_number(note.kind, note.year, note.number)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        return rx.toast.success(t("history.credit_note_made", self.lang, number=number))


register_tab("history", HistoryTab.load)
