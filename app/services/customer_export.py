"""The customer list as a file: the same filters and search as the list, read a page at a time by keyset
so that a million customers never sit in memory; CSV streamed as it is read, XLSX written to a temporary
file first (a workbook is a zip, finished only at its end)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.domain import customer_import as spec
from app.domain.ids import parse_id
from app.domain.inputs import search_text
from app.domain.permissions import Actor, Perm, require
from app.domain.text import fold
from app.domain.vocabularies import BlockLevel, CustomerKind, CustomerStatus
from app.i18n import t
from app.models import Customer
from app.services import credit
from app.services import customers as registry

PAGE = 1000
COLUMNS = spec.IMPORT_FIELDS  # the import reads back what the export writes
_SELECTED = (*(getattr(Customer, name) for name in COLUMNS if name != "kind"), Customer.kind, Customer.id,
             Customer.sort_name, Customer.search_rank)


def filters_from_params(params: Mapping[str, str]) -> dict:
    """The list's filters from its address (?q=...&kind=...), read as the list reads them."""
    credit_filter = params.get("credit")
    block = params.get("block")
    return {
        "query": search_text(params.get("q")),
        "kind": CustomerKind.parse(params.get("kind")),
        "status": CustomerStatus.parse(params.get("status")),
        "assigned_user_id": parse_id(params.get("assigned")),
        "block": block if block == registry.ANY_BLOCK or BlockLevel.parse(block) else None,
        "credit_filter": credit_filter if credit_filter in credit.CREDIT_FILTERS else None,
    }


def page(*, session: Session, actor: Actor, filters: dict, after: tuple | None = None,
         size: int = PAGE) -> tuple[list, tuple | None]:
    """One page of the filtered list in name order, and the cursor of the next (None after the last)."""
    require(actor, Perm.CUSTOMERS_READ)
    folded = fold(filters.get("query") or "")[: registry.MAX_QUERY]
    conditions = registry._filters(filters.get("kind"), filters.get("status"), filters.get("assigned_user_id"),
                                   filters.get("block"), filters.get("credit_filter"))
    if 0 < len(folded) <= 2:
        conditions += registry._prefix(folded)
    elif len(folded) >= 3:
        wanted = registry._wanted_texts(folded)
        if session.get_bind().dialect.name == "sqlite":
            statement = registry._rank_search_statement(wanted, conditions, after[2] if after else -1, _SELECTED)
            rows = session.exec(statement.limit(size)).all()
            return rows, _cursor(rows, size)
        conditions.append(registry._contains_any(wanted))
    if after is not None:
        conditions.append(or_(Customer.sort_name > after[0], and_(Customer.sort_name == after[0],
                                                                  Customer.id > after[1])))
    rows = session.exec(select(*_SELECTED).where(*conditions).order_by(Customer.sort_name, col(Customer.id))
                        .limit(size)).all()
    return rows, _cursor(rows, size)


def _cursor(rows: list, size: int) -> tuple | None:
    if len(rows) < size:
        return None
    last = rows[-1]
    return (last.sort_name, last.id, last.search_rank)


def header(lang: str) -> list[str]:
    return [t(f"import.field.{name}", lang) for name in COLUMNS]


def _cells(row, lang: str) -> list[str]:  # noqa: ANN001
    return ["" if getattr(row, name) is None else (t(f"kind.{row.kind}", lang) if name == "kind"
                                                   else str(getattr(row, name))) for name in COLUMNS]


def rows(open_session: Callable, actor: Actor, filters: dict, lang: str) -> Iterator[list[str]]:
    """Every row of the filtered list, each page read in its own short transaction."""
    after = None
    while True:
        with open_session() as session:
            found, after = page(session=session, actor=actor, filters=filters, after=after, size=PAGE)
        for row in found:
            yield _cells(row, lang)
        if after is None:
            return


def _formula_like(value: object) -> bool:
    """Text a spreadsheet would run as a formula when opened: a customer's name, typed in the reserved area or
    sent by an integration, must stay text in the office's Excel. A phone number (+39...) is only a number."""
    if not isinstance(value, str) or not value or value[0] not in "=+-@\t\r":
        return False
    return not (value[0] in "+-" and value[1:].replace(" ", "").replace(",", "").replace(".", "").isdigit())


def inert(value: object) -> object:
    """A CSV cell made safe the way spreadsheets understand: a leading apostrophe marks text."""
    return f"'{value}" if _formula_like(value) else value


def _text_cell(sheet, value: str):  # noqa: ANN001, ANN202
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def csv_chunks(open_session: Callable, actor: Actor, filters: dict, lang: str) -> Iterator[bytes]:
    """The CSV file (';', UTF-8 with its mark for Excel) a page at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(header(lang))
    for count, cells in enumerate(rows(open_session, actor, filters, lang), start=1):
        writer.writerow([inert(cell) for cell in cells])
        if count % PAGE == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(open_session: Callable, actor: Actor, filters: dict, lang: str) -> str:
    """Writes the workbook row by row (openpyxl's write-only mode) to a temporary file and returns its
    path; the caller deletes it once sent."""
    from openpyxl import Workbook

    handle, path = tempfile.mkstemp(prefix="customers-", suffix=".xlsx")
    os.close(handle)
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(t("customers.title", lang)[:31])
        sheet.append(header(lang))
        for cells in rows(open_session, actor, filters, lang):
            sheet.append([_text_cell(sheet, cell) if _formula_like(cell) else cell for cell in cells])
        book.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return path
