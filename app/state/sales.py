"""The customer card's sales documents tab: quotes and orders, written line by line."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

import reflex as rx

from app.db import session_scope
from app.domain import sales as rules
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import DocumentInput
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import DocumentKind, DocumentStatus
from app.i18n import t
from app.i18n.formats import format_money, format_short_date
from app.services import credit, customers, sales
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

STATUS_COLORS = {DocumentStatus.DRAFT: "gray", DocumentStatus.HELD: "amber", DocumentStatus.APPROVED: "green",
                 DocumentStatus.OPEN: "blue", DocumentStatus.FULFILLED: "green", DocumentStatus.CLOSED: "gray",
                 DocumentStatus.REJECTED: "red", DocumentStatus.CANCELLED: "red"}
# A new document's payment terms when the customer has no usual ones.
DEFAULT_TERMS = "BT30"
LINE_FIELDS = ("article_id", "description", "quantity", "unit_price", "discount", "vat_rate")
_line_keys = itertools.count(1)


@dataclasses.dataclass
class DocumentView:
    id: int
    number: str
    kind: str
    date: str
    status: str
    status_color: str
    total: str
    editable: bool
    invoiceable: bool
    creditable: bool  # an approved invoice a credit note can correct
    moves: list[list[str]]  # [status, label] the document may go to next


@dataclasses.dataclass
class LineDraft:
    key: str  # keeps each typed row in place when rows are added or removed
    article_id: str
    article: str
    description: str
    quantity: str
    unit_price: str
    discount: str
    vat_rate: str


@dataclasses.dataclass
class ArticleHit:
    id: int
    label: str
    price: str


def _blank_line(**values: str) -> LineDraft:
    fields = {"article_id": "", "article": "", "description": "", "quantity": "1", "unit_price": "", "discount": "",
              "vat_rate": str(rules.STANDARD_VAT.normalize())} | values
    return LineDraft(key=str(next(_line_keys)), **fields)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


class SalesTab(CardTab, Dialogs, CustomerCardState):
    document_rows: list[DocumentView] = []
    documents_more: bool = False
    can_write_documents: bool = False
    editor_title: str = ""
    editor_values: dict[str, str] = {}
    editor_lines: list[LineDraft] = []
    editor_errors: dict[str, str] = {}
    editor_key: int = 0
    term_options: list[list[str]] = []
    site_options: list[list[str]] = []
    article_hits: list[ArticleHit] = []
    _documents_before: int | None = None
    _editing: tuple = ()  # (kind,) for a new document, (kind, id, version) for a draft being edited

    def _fetch(self, actor: Actor, more: bool = False) -> None:
        self.can_write_documents = has_perm(actor, Perm.CUSTOMERS_WRITE)
        with session_scope() as session:
            found, before = sales.list_documents(session=session, actor=actor, customer_id=self.customer_id,
                                                 before_id=self._documents_before if more else None)
        views = [self._view(row) for row in found]
        self.document_rows = [*self.document_rows, *views] if more else views
        self._documents_before, self.documents_more = before, before is not None

    def _view(self, row: sales.DocumentRow) -> DocumentView:
        status = DocumentStatus(row.status)
        # A held document moves on only through the credit manager's release.
        moves = () if row.held else rules.MOVES.get(DocumentKind(row.kind), {}).get(status, ())
        return DocumentView(
            id=row.id, number=row.number, kind=t(DocumentKind(row.kind).label_key, self.lang),
            date=format_short_date(row.document_date, self.lang), status=t(status.label_key, self.lang),
            status_color=STATUS_COLORS[status], total=format_money(row.gross_total, self.lang),
            editable=status in rules.EDITABLE,
            invoiceable=row.kind == DocumentKind.ORDER and status is DocumentStatus.OPEN,
            creditable=row.kind == DocumentKind.INVOICE and status is DocumentStatus.APPROVED,
            moves=[[m.value, t(f"sales.move.{m.value}", self.lang)] for m in moves],
        )

    @guarded(Perm.CUSTOMERS_READ)
    def more_documents(self, actor: Actor):
        if self._current() and self._documents_before is not None:
            self._fetch(actor, more=True)

    def _open_editor(self, actor: Actor, title: str, values: dict[str, str], lines: list[LineDraft]) -> None:
        with session_scope() as session:
            terms = sales.payment_terms(session)
            sites = customers.list_sites(session=session, actor=actor, customer_id=self.customer_id)
        self.term_options = [[term.code, term.description] for term in terms]
        self.site_options = [["default", t("sales.default_site", self.lang)]] + [[str(s.id), s.name] for s in sites]
        self.editor_title, self.editor_values, self.editor_lines = title, values, lines
        self.editor_errors, self.article_hits = {}, []
        self.editor_key += 1
        self._open_dialog("editor")

    @guarded(Perm.CUSTOMERS_WRITE)
    def new_document(self, actor: Actor, kind: str):
        wanted = DocumentKind.parse(kind)
        if wanted not in sales.CREATED_DIRECTLY or not self._current():
            return
        self._editing = (wanted.value,)
        with session_scope() as session:
            # The customer's usual terms: an order that departs from them waits for the credit manager.
            term, shipping = credit.usual_terms(session=session, actor=actor, customer_id=self.customer_id)
        self._open_editor(actor, t("sales.new_title", self.lang, kind=t(wanted.label_key, self.lang)), {
            "date": date.today().isoformat(), "payment_term": term or DEFAULT_TERMS, "shipping_site_id": "default",
            "shipping_costs": _plain(shipping) if shipping is not None else "0", "notes": ""}, [_blank_line()])

    @guarded(Perm.CUSTOMERS_WRITE)
    def edit_document(self, actor: Actor, document_id: int):
        row = next((r for r in self.document_rows if r.id == parse_id(document_id) and r.editable), None)
        if row is None or not self._current():
            return
        with session_scope() as session:
            document = sales.get_document(session=session, actor=actor, customer_id=self.customer_id,
                                          document_id=row.id)
            lines = sales.document_lines(session=session, actor=actor, customer_id=self.customer_id,
                                         document_id=row.id)
        self._editing = (document.kind, document.id, document.version)
        self._open_editor(actor, t("sales.edit_title", self.lang, number=row.number), {
            "date": document.document_date.isoformat(), "payment_term": document.payment_term or "",
            "shipping_site_id": str(document.shipping_site_id or "default"),
            "shipping_costs": _plain(document.shipping_costs), "notes": document.notes or ""}, [
            _blank_line(article_id=str(line.article_id or ""), article=line.description if line.article_id else "",
                        description=line.description, quantity=_plain(line.quantity),
                        unit_price=_plain(line.unit_price), discount=_plain(line.discount) if line.discount else "",
                        vat_rate=_plain(line.vat_rate))
            for line in lines])

    @guarded(Perm.CUSTOMERS_READ)
    def search_articles(self, actor: Actor, text: str):
        if not self._is_open("editor"):
            return
        with session_scope() as session:
            found = sales.find_articles(session=session, actor=actor, query=text if isinstance(text, str) else "",
                                        limit=8)
        self.article_hits = [ArticleHit(a.id, f"{a.code} · {a.description}", format_money(a.unit_price, self.lang))
                             for a in found]

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_article(self, actor: Actor, article_id: int):
        hit = next((h for h in self.article_hits if h.id == parse_id(article_id)), None)
        if hit is None or not self._is_open("editor"):
            return
        self.editor_lines = [*self.editor_lines, _blank_line(article_id=str(hit.id), article=hit.label)]
        self.article_hits = []

    @guarded(Perm.CUSTOMERS_WRITE)
    def add_free_line(self, actor: Actor):
        if self._is_open("editor") and len(self.editor_lines) < sales.MAX_LINES:
            self.editor_lines = [*self.editor_lines, _blank_line()]

    @guarded(Perm.CUSTOMERS_WRITE)
    def remove_line(self, actor: Actor, key: str):
        if self._is_open("editor"):
            self.editor_lines = [line for line in self.editor_lines if line.key != key]

    @guarded(Perm.CUSTOMERS_WRITE)
    def set_line(self, actor: Actor, key: str, field: str, value: str):
        """A field of a row as the user left it (on blur), so adding or removing rows keeps what was typed."""
        if field not in LINE_FIELDS or field == "article_id" or not isinstance(value, str) or len(value) > 300:
            return
        self.editor_lines = [dataclasses.replace(line, **{field: value}) if line.key == key else line
                             for line in self.editor_lines]

    def _typed_lines(self, form_data: object) -> list[LineDraft]:
        """The rows with what the form sends at the last moment (a field still being typed in)."""
        form = form_data if isinstance(form_data, dict) else {}
        return [
            dataclasses.replace(line, **{name: str(form.get(f"{name}-{line.key}", getattr(line, name)) or "")
                                         for name in LINE_FIELDS if name != "article_id"})
            for line in self.editor_lines
        ]

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_document(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("editor") or not self._editing:
            return None
        form = form_data if isinstance(form_data, dict) else {}
        self.editor_lines = self._typed_lines(form)
        self.editor_values = {k: str(form.get(k) or "") for k in self.editor_values}
        raw = {**{k: form.get(k) for k in DocumentInput.model_fields if k != "lines"}, "lines": [
            {name: (line.article_id or None) if name == "article_id" else getattr(line, name) for name in LINE_FIELDS}
            for line in self.editor_lines]}
        try:
            with session_scope(write=True) as session:
                if len(self._editing) == 1:
                    saved = sales.create_document(session=session, actor=actor, customer_id=self.customer_id,
                                                  kind=self._editing[0], raw=raw)
                else:
                    saved = sales.update_document(session=session, actor=actor, customer_id=self.customer_id,
                                                  document_id=self._editing[1], expected_version=self._editing[2],
                                                  raw=raw)
                held, number = saved.status == DocumentStatus.HELD, rules.display_number(saved.kind, saved.year,
                                                                                          saved.number)
        except DomainError as error:
            self.editor_errors = self._line_errors(field_messages(error, self.lang))
            return None
        self._editing = ()
        self._close_dialog("editor")
        self._fetch(actor)
        if held:
            return rx.toast.warning(t("sales.saved_held", self.lang, number=number))
        return rx.toast.success(t("sales.saved", self.lang, number=number))

    def _line_errors(self, messages: dict[str, str]) -> dict[str, str]:
        """Errors of the n-th line are shown on the row with that key."""
        shown = {}
        for field, message in messages.items():
            parts = field.split(".")
            row = int(parts[1]) if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() else None
            if row is not None and row < len(self.editor_lines):
                shown[f"{parts[2]}-{self.editor_lines[row].key}"] = message
            else:
                shown[field] = message
        return shown

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_move(self, actor: Actor, document_id: int, status: str):
        row = next((r for r in self.document_rows if r.id == parse_id(document_id)), None)
        label = next((label for value, label in (row.moves if row else []) if value == status), None)
        if row is None or label is None or not self._current():
            return
        self._ask(t("sales.move_confirm", self.lang, number=row.number, status=label), row.id, status)

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_invoice(self, actor: Actor, document_id: int):
        row = next((r for r in self.document_rows if r.id == parse_id(document_id) and r.invoiceable), None)
        if row is not None and self._current():
            self._ask(t("sales.invoice_confirm", self.lang, number=row.number), row.id, "invoice")

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_credit_note(self, actor: Actor, document_id: int):
        row = next((r for r in self.document_rows if r.id == parse_id(document_id) and r.creditable), None)
        if row is not None and self._current():
            self._ask(t("sales.credit_note_confirm", self.lang, number=row.number), row.id, "credit_note")

    @guarded(Perm.CUSTOMERS_WRITE)
    def confirm_move(self, actor: Actor):
        confirmed = self._confirmed()
        if len(confirmed) != 2 or not self._current():
            return None
        document_id, status = confirmed
        try:
            with session_scope(write=True) as session:
                if status == "invoice":
                    invoice = sales.invoice_from_order(session=session, actor=actor, customer_id=self.customer_id,
                                                       order_id=document_id)
                    done = t("sales.invoiced", self.lang,
                             number=rules.display_number(invoice.kind, invoice.year, invoice.number))
                elif status == "credit_note":
                    note = sales.credit_note_from_invoice(session=session, actor=actor, customer_id=self.customer_id,
                                                          invoice_id=document_id)
                    done = t("sales.credit_note_made", self.lang,
                             number=rules.display_number(note.kind, note.year, note.number))
                else:
                    sales.move_document(session=session, actor=actor, customer_id=self.customer_id,
                                        document_id=document_id, status=status)
                    done = None
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return rx.toast.success(done) if done else None


register_tab("sales", SalesTab.load)
