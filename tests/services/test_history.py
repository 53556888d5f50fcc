"""The transaction history: which lines it shows as documents move, its search and filters, complaints and
credit notes made from a line, and the export."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.history import HistoryFilter, read_filter
from app.domain.permissions import Role
from app.domain.vocabularies import HistoryStatus
from app.models import HistoryLine, SalesDocument
from app.services import customers, history, sales
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        other = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Beta S.p.A.", "vat_number": "01114601006"}).id
        boots = sales.save_article(session=s, actor=office, raw={
            "code": "SCA-42", "ean": "8001234567897", "description": "Scarponi antinfortunistici",
            "unit_price": "80", "vat_rate": "22", "properties": "taglia=42; colore=nero"}).id
        gloves = sales.save_article(session=s, actor=office, raw={
            "code": "GUA-M", "description": "Guanti da lavoro", "unit_price": "12", "vat_rate": "22",
            "properties": "taglia=M"}).id
        return {"office": office, "acme": acme, "other": other, "boots": boots, "gloves": gloves,
                "technician": factories.actor(s, Role.TECHNICIAN)}


def _order(db, world, lines, customer="acme", status="open") -> int:
    with db(write=True) as s:
        order = sales.create_document(session=s, actor=world["office"], customer_id=world[customer], kind="order",
                                      raw={"lines": lines})
        if status:
            sales.move_document(session=s, actor=world["office"], customer_id=world[customer],
                                document_id=order.id, status=status)
        return order.id


def _invoice(db, world, order_id, customer="acme") -> int:
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=world["office"], customer_id=world[customer],
                                           order_id=order_id)
        sales.move_document(session=s, actor=world["office"], customer_id=world[customer], document_id=invoice.id,
                            status="approved")
        return invoice.id


def _search(db, world, flt=HistoryFilter(), **kw):
    with db() as s:
        return history.search(session=s, actor=world["office"], customer_id=world["acme"], flt=flt, **kw)


def _sold(db, world) -> int:
    order = _order(db, world, [{"article_id": str(world["boots"]), "quantity": "2", "discount": "10"},
                               {"article_id": str(world["gloves"]), "quantity": "10"}])
    return _invoice(db, world, order)


def test_lines_follow_their_documents(db, world):
    _order(db, world, [{"description": "Bozza", "quantity": "1", "unit_price": "5"}], status=None)  # a draft
    order = _order(db, world, [{"article_id": str(world["boots"]), "quantity": "2", "discount": "10"}])
    [line] = _search(db, world).rows
    assert (line.status, line.document_number[:4], line.description) == ("ordered", "ORD-",
                                                                          "Scarponi antinfortunistici")
    invoice = _invoice(db, world, order)  # the order is fulfilled: its invoice shows instead
    [line] = _search(db, world).rows
    assert (line.status, line.document_id, line.source_number.startswith("ORD-")) == ("sold", invoice, True)
    assert (line.quantity, line.unit_price, line.unit_discount, line.final_unit_gross, line.document_gross) == (
        D("2.000"), D("80.00"), D("8.00"), D("87.84"), D("175.68"))
    assert (line.ean, line.properties) == ("8001234567897", "taglia=42; colore=nero")
    cancelled = _order(db, world, [{"description": "Annullato", "quantity": "1", "unit_price": "5"}])
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=cancelled,
                            status="cancelled")
    assert [r.status for r in _search(db, world).rows] == ["sold"]


def test_search_and_every_filter(db, world):
    _sold(db, world)
    old = _order(db, world, [{"description": "Cassetta attrezzi", "quantity": "1", "unit_price": "300"}])
    with db(write=True) as s:
        s.get(SalesDocument, old).document_date = date.today() - timedelta(days=400)
        history.sync_document(s, s.get(SalesDocument, old))

    def found(**raw) -> list[str]:
        flt, errors = read_filter(raw)
        assert errors == {}
        return sorted(r.description for r in _search(db, world, flt).rows)

    assert found() == ["Cassetta attrezzi", "Guanti da lavoro", "Scarponi antinfortunistici"]
    assert found(q="sca-42") == found(q="8001234567897") == found(q="colore=NERO") == ["Scarponi antinfortunistici"]
    assert found(q="ft-") == ["Guanti da lavoro", "Scarponi antinfortunistici"]  # the invoice's number
    assert found(status="ordered") == ["Cassetta attrezzi"]
    assert found(price_min="14,64", price_max="100") == ["Guanti da lavoro", "Scarponi antinfortunistici"]
    assert found(price_min="14,65") == ["Cassetta attrezzi", "Scarponi antinfortunistici"]
    assert found(date_to=(date.today() - timedelta(days=1)).isoformat()) == ["Cassetta attrezzi"]
    assert found(date_from=date.today().isoformat()) == ["Guanti da lavoro", "Scarponi antinfortunistici"]
    assert found(value_min="366", value_max="366") == ["Cassetta attrezzi"]
    assert found(property="taglia=m") == ["Guanti da lavoro"]
    assert found(defective="on") == []
    flt, errors = read_filter({"price_min": "tanti", "date_from": "ieri", "status": "rubato"})
    assert set(errors) == {"price_min", "date_from"} and flt == HistoryFilter()
    assert read_filter({"q": "Scàrponi ", "status": "sold"})[0].as_params() == {"q": "scarponi", "status": "sold"}


def test_pages_are_keyset_newest_first(db, world):
    for n in range(5):
        _order(db, world, [{"description": f"Riga {n}", "quantity": "1", "unit_price": "1"}])
    first = _search(db, world, limit=2)
    second = _search(db, world, after=first.next_after, limit=2)
    third = _search(db, world, after=second.next_after, limit=2)
    assert [r.description for r in first.rows + second.rows + third.rows] == [f"Riga {n}" for n in (4, 3, 2, 1, 0)]
    assert third.next_after is None


def test_a_complaint_and_a_credit_note_from_a_line(db, world):
    invoice = _sold(db, world)
    boots = next(r for r in _search(db, world).rows if r.article_code == "SCA-42")
    with db(write=True) as s:
        with pytest.raises(DomainError) as refused:
            sales.complaint_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                      line_id=boots.line_id, raw={"quantity": "3"})
        assert refused.value.errors == {"quantity": "history.err.quantity"}
        complaint = sales.complaint_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                              line_id=boots.line_id, raw={"quantity": "1", "defective": "on",
                                                                           "notes": "Suola scollata"})
    assert (complaint.status, complaint.source_document_id, complaint.gross_total) == ("approved", invoice, D("87.84"))
    [shown] = _search(db, world, HistoryFilter(defective=True)).rows
    assert (shown.status, shown.quantity) == (HistoryStatus.COMPLAINT, D("1.000"))
    with db(write=True) as s, pytest.raises(DomainError) as refused:  # a complaint about a complaint
        sales.complaint_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                  line_id=shown.line_id, raw={})
    assert refused.value.message_key == "history.err.not_sold"
    with db(write=True) as s:
        note = sales.credit_note_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                           line_id=shown.line_id)
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=note.id,
                            status="approved")
    assert (note.source_document_id, note.gross_total) == (invoice, D("87.84"))
    returned = _search(db, world, HistoryFilter(status=HistoryStatus.RETURNED)).rows
    assert [(r.description, r.source_number.startswith("FT-")) for r in returned] == [
        ("Scarponi antinfortunistici", True)]
    gloves = next(r for r in _search(db, world).rows if r.article_code == "GUA-M" and r.status == "sold")
    with db(write=True) as s:
        full = sales.credit_note_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                           line_id=gloves.line_id)
    assert full.gross_total == D("146.40") and full.status == "draft"


def test_lines_of_another_customer_and_other_roles_are_refused(db, world):
    order = _order(db, world, [{"description": "Altrui", "quantity": "1", "unit_price": "5"}], customer="other")
    _invoice(db, world, order, customer="other")
    with db() as s:
        [theirs] = s.exec(select(HistoryLine)).all()
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.complaint_from_line(session=s, actor=world["office"], customer_id=world["acme"],
                                  line_id=theirs.line_id, raw={})
    assert refused.value.message_key == "history.err.line"
    with db(write=True) as s, pytest.raises(Forbidden):
        sales.credit_note_from_line(session=s, actor=world["technician"], customer_id=world["other"],
                                    line_id=theirs.line_id)
    with db() as s, pytest.raises(Forbidden):
        history.search(session=s, actor=world["technician"], customer_id=world["other"], flt=HistoryFilter())


def test_the_export_holds_the_filtered_lines(db, world):
    _sold(db, world)
    with db() as s:
        body, name, media = history.export(session=s, actor=world["office"], customer_id=world["acme"],
                                           flt=HistoryFilter(text="guanti"), fmt="csv", lang="it")
        book, book_name, _ = history.export(session=s, actor=world["office"], customer_id=world["acme"],
                                            flt=HistoryFilter(), fmt="xlsx", lang="en")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert media.startswith("text/csv") and name.endswith(".csv") and name.startswith("C0")
    assert rows[0][:2] == ["Articolo", "Codice"] and len(rows) == 2
    assert rows[1][0] == "Guanti da lavoro" and rows[1][7] == "Venduto" and rows[1][11] == "14,64"
    sheet = load_workbook(io.BytesIO(book)).active
    assert book_name.endswith(".xlsx") and sheet.max_row == 3 and sheet.cell(1, 1).value == "Article"
