"""The customer's transaction history: the article lines of their visible documents, searched and filtered
a page at a time, and exported. The lines are copied into history_line as documents move (sync_document,
called by the sales services in the same transaction), so a page reads one index for one customer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import column, false, table
from sqlalchemy import text as sql_text
from sqlmodel import Session, and_, col, delete, or_, select

from app.domain import history as rules
from app.domain.errors import DomainError
from app.domain.history import HistoryFilter
from app.domain.permissions import Actor, Perm, require_customer_record
from app.domain.sales import display_number, money
from app.domain.text import fts_query, like_escape
from app.domain.vocabularies import HistoryStatus
from app.i18n import N_, t
from app.models import Article, Customer, HistoryLine, SalesDocument, SalesLine

PAGE = 30
# An export is one file a person opens in a spreadsheet; larger histories are exported filtered.
EXPORT_LIMIT = 250_000
EXPORT_COLUMNS = (
    N_("history.col.article"), N_("history.col.code"), N_("history.col.ean"), N_("history.col.properties"),
    N_("history.col.document"), N_("history.col.source"), N_("history.col.date"), N_("history.col.status"),
    N_("history.col.quantity"), N_("history.col.price"), N_("history.col.discount"), N_("history.col.final"),
    N_("history.col.value"),
)


# The FTS5 table (SQLite only), created by the migration rather than the models.
_SEARCH_INDEX = table("history_search", column("rowid"))


# Above this many lines holding a text, the text is common: reading the history in date order finds a page
# of them sooner than sorting them all.
CANDIDATES = 5_000


def _matching(session: Session, text: str) -> list:
    """Lines whose search text holds `text`. On SQLite the trigram index first names the lines holding a rare
    text (from 3 characters), which are then read by key and sorted; a common one is checked along the date
    order. PostgreSQL's planner makes the same choice with its pg_trgm index from the LIKE alone."""
    conditions = [col(HistoryLine.search_text).like(f"%{like_escape(text)}%", escape="\\")]
    if len(text) >= 3 and session.get_bind().dialect.name == "sqlite":
        found = session.exec(select(_SEARCH_INDEX.c.rowid).where(
            sql_text("history_search MATCH :fts").bindparams(fts=fts_query(text, prefer_words=False)))
            .limit(CANDIDATES + 1)).all()
        if not found:
            conditions.append(false())  # the planner then reads nothing at all
        elif len(found) <= CANDIDATES:
            conditions.append(col(HistoryLine.line_id).in_(list(found)))
    return conditions


def sync_document(session: Session, document: SalesDocument) -> None:
    """The document's lines as the history shows them now: added when it becomes visible, changed with its
    status, gone when it is no longer shown (an order once invoiced, a cancelled document)."""
    session.execute(delete(HistoryLine).where(col(HistoryLine.document_id) == document.id))
    status = rules.history_status(document.kind, document.status)
    if status is None:
        return
    source = session.get(SalesDocument, document.source_document_id) if document.source_document_id else None
    number = display_number(document.kind, document.year, document.number)
    source_number = display_number(source.kind, source.year, source.number) if source else None
    found = session.exec(select(SalesLine, Article).join(Article, col(Article.id) == SalesLine.article_id,
                                                         isouter=True)
                         .where(SalesLine.document_id == document.id))
    for line, article in found:
        session.add(HistoryLine(
            line_id=line.id, customer_id=document.customer_id, document_id=document.id,
            document_kind=document.kind, document_number=number, source_number=source_number,
            document_date=document.document_date, document_created_at=document.created_at, status=status.value,
            article_id=line.article_id, article_code=article.code if article else None,
            ean=article.ean if article else None, description=line.description,
            properties=article.properties if article else None, quantity=line.quantity,
            unit_price=line.unit_price, unit_discount=money(line.unit_price * line.discount / 100),
            final_unit_gross=money(line.gross / line.quantity) if line.quantity else line.gross,
            document_gross=document.gross_total, defective=document.defective,
            search_text=rules.search_text(line.description, article.code if article else None,
                                          article.ean if article else None, article.properties if article else None,
                                          number, source_number),
        ))
    session.flush()


def _conditions(session: Session, flt: HistoryFilter) -> list:
    conditions = []
    if flt.text:
        conditions += _matching(session, flt.text)
    if flt.status is not None:
        conditions.append(HistoryLine.status == flt.status.value)
    if flt.price_min is not None:
        conditions.append(HistoryLine.final_unit_gross >= flt.price_min)
    if flt.price_max is not None:
        conditions.append(HistoryLine.final_unit_gross <= flt.price_max)
    if flt.date_from is not None:
        conditions.append(HistoryLine.document_date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(HistoryLine.document_date <= flt.date_to)
    if flt.value_min is not None:
        conditions.append(HistoryLine.document_gross >= flt.value_min)
    if flt.value_max is not None:
        conditions.append(HistoryLine.document_gross <= flt.value_max)
    if flt.defective:
        conditions.append(col(HistoryLine.defective))
    if flt.property:
        conditions += _matching(session, flt.property)
    return conditions


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryLine]
    next_after: tuple[date, int] | None


def search(
    *, session: Session, actor: Actor, customer_id: int, flt: HistoryFilter, after: tuple | None = None,
    limit: int = PAGE,
) -> HistoryPage:
    """Newest document first, a page at a time (keyset on date and line)."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    limit = max(1, min(int(limit), 200))
    statement = select(HistoryLine).where(HistoryLine.customer_id == customer_id, *_conditions(session, flt))
    if isinstance(after, tuple) and len(after) == 2 and isinstance(after[0], date) and isinstance(after[1], int):
        day, line_id = after
        statement = statement.where(or_(HistoryLine.document_date < day,
                                        and_(HistoryLine.document_date == day, HistoryLine.line_id < line_id)))
    found = list(session.exec(statement.order_by(col(HistoryLine.document_date).desc(),
                                                 col(HistoryLine.line_id).desc()).limit(limit + 1)))
    rows = found[:limit]
    return HistoryPage(rows, (rows[-1].document_date, rows[-1].line_id) if len(found) > limit else None)


def _export_rows(session: Session, customer_id: int, flt: HistoryFilter, lang: str) -> tuple[list[str], list[list]]:
    header = [t(key, lang) for key in EXPORT_COLUMNS]
    rows = []
    found = session.exec(select(HistoryLine).where(HistoryLine.customer_id == customer_id, *_conditions(session, flt))
                         .order_by(col(HistoryLine.document_date).desc(), col(HistoryLine.line_id).desc())
                         .limit(EXPORT_LIMIT))
    for line in found:
        rows.append([line.description, line.article_code or "", line.ean or "", line.properties or "",
                     line.document_number, line.source_number or "", line.document_date,
                     t(HistoryStatus(line.status).label_key, lang), line.quantity, line.unit_price,
                     line.unit_discount, line.final_unit_gross, line.document_gross])
    return header, rows


def export(
    *, session: Session, actor: Actor, customer_id: int, flt: HistoryFilter, fmt: str, lang: str,
) -> tuple[bytes, str, str]:
    """The filtered lines as CSV (semicolons and decimal commas, as a spreadsheet in Italy opens it) or
    XLSX: (content, file name, media type)."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    header, rows = _export_rows(session, customer_id, flt, lang)
    name = f"{customer.code}-{t('history.file_name', lang)}-{date.today().isoformat()}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(customer.code)
        sheet.append(header)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "it" else ",")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, lang) for v in row])
    # The byte order mark lets a spreadsheet read the accents right.
    return ("\ufeff" + out.getvalue()).encode(), f"{name}.csv", "text/csv; charset=utf-8"


def _cell(value: object, lang: str) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",") if lang == "it" else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def line_of_customer(session: Session, customer_id: int, line_id: object) -> tuple[SalesLine, SalesDocument] | None:
    """A history line's sales line and document, when they are this customer's and shown."""
    shown = session.get(HistoryLine, line_id) if isinstance(line_id, int) else None
    if shown is None or shown.customer_id != customer_id:
        return None
    return session.get(SalesLine, shown.line_id), session.get(SalesDocument, shown.document_id)
