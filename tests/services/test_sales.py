"""Quotes and orders: computed by the service, numbered per kind and year, stopped or held by blocks."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import Movement, SalesDocument, SalesLine
from app.services import blocks, customers, sales
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        site = customers.save_site(session=s, actor=office, customer_id=acme.id,
                                   raw={"name": "Sede", "city": "Milano", "province": "MI", "is_default": True})
        boiler = sales.save_article(session=s, actor=office, raw={
            "code": "cal-24", "ean": "8001234567890", "description": "Caldaia 24 kW", "unit_price": "1.250,00",
            "vat_rate": "22", "properties": "potenza=24kW"})
        return {"office": office, "acme": acme.id, "site": site.id, "boiler": boiler.id,
                "credit": factories.actor(s, Role.CREDIT_MANAGER), "technician": factories.actor(s, Role.TECHNICIAN)}


def _order(world, **extra):
    return {"date": "2026-11-28", "payment_term": "BT30", "shipping_costs": "15,00", "lines": [
        {"article_id": str(world["boiler"]), "quantity": "2", "discount": "10"},
        {"description": "Installazione", "quantity": "1", "unit_price": "200", "vat_rate": "10"},
    ], **extra}


def test_an_order_is_computed_by_the_service_from_the_catalogue(db, world):
    with db(write=True) as s:
        order = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order",
                                      raw=_order(world, net_total="1", unit_price="0.01"))
        order_id = order.id
    with db() as s:
        order = s.get(SalesDocument, order_id)
        lines = s.exec(select(SalesLine).where(SalesLine.document_id == order_id).order_by(SalesLine.position)).all()
        assert (order.kind, order.status, order.number, order.year) == ("order", "draft", 1, 2026)
        assert order.shipping_site_id == world["site"]  # the default site
        assert [(li.description, li.unit_price, li.net, li.vat) for li in lines] == [
            ("Caldaia 24 kW", D("1250.00"), D("2250.00"), D("495.00")),
            ("Installazione", D("200.00"), D("200.00"), D("20.00"))]
        assert (order.net_total, order.vat_total, order.gross_total) == (D("2465.00"), D("518.30"), D("2983.30"))
        assert s.exec(select(Movement.kind).where(Movement.kind == "sales.created")).all() == ["sales.created"]


def test_numbers_run_per_kind_and_year(db, world):
    numbers = []
    with db(write=True) as s:
        for kind, day in (("order", "2026-01-02"), ("order", "2026-05-02"), ("quote", "2026-05-03"),
                          ("order", "2027-01-04")):
            doc = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind=kind,
                                        raw=_order(world, date=day))
            numbers.append((doc.kind, doc.year, doc.number))
    assert numbers == [("order", 2026, 1), ("order", 2026, 2), ("quote", 2026, 1), ("order", 2027, 1)]


def test_bad_lines_are_named_one_by_one_and_nothing_is_written(db, world):
    raw = {"payment_term": "NOPE", "shipping_site_id": "999999", "lines": [
        {"article_id": "999999", "quantity": "1"},
        {"description": "", "quantity": "0", "unit_price": "abc", "vat_rate": "21"},
    ]}
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order", raw=raw)
    assert refused.value.errors == {
        "payment_term": "sales.err.payment_term", "shipping_site_id": "sales.err.site",
        "lines.0.article_id": "sales.err.article_not_found", "lines.1.unit_price": "form.err.number",
        "lines.1.description": "form.err.required", "lines.1.quantity": "sales.err.quantity",
        "lines.1.vat_rate": "sales.err.vat_rate"}
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order",
                              raw={"lines": []})
    assert refused.value.errors == {"lines": "sales.err.no_lines"}
    with db(write=True) as s, pytest.raises(DomainError):
        sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="invoice",
                              raw=_order(world))
    with db() as s:
        assert s.exec(select(SalesDocument)).all() == []


@pytest.mark.parametrize("who", ["credit", "technician"])
def test_only_the_office_writes_documents(db, world, who):
    with db(write=True) as s, pytest.raises(Forbidden):
        sales.create_document(session=s, actor=world[who], customer_id=world["acme"], kind="order", raw=_order(world))


def test_blocks_refuse_or_hold_a_new_document(db, world):
    with db(write=True) as s:
        unpaid = blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                                  raw={"level": "unpaid", "reason": "RiBa"}).id
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order",
                              raw=_order(world))
    assert refused.value.message_key == "blocks.refused"
    with db(write=True) as s:  # a quote is still allowed under an unpaid-items block
        quote = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="quote",
                                      raw=_order(world))
        assert quote.status == "draft"
        blocks.lift_block(session=s, actor=world["credit"], customer_id=world["acme"], block_id=unpaid)
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "overdue", "reason": "Scaduti oltre 60 giorni"})
    with db(write=True) as s:
        held = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="quote",
                                     raw=_order(world))
        assert (held.status, held.held_reasons) == ("held", "block")
        with pytest.raises(DomainError) as refused:
            sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=held.id,
                                status="approved")
        assert refused.value.message_key == "sales.err.held"


def test_a_draft_is_edited_as_a_whole_and_a_stale_edit_refused(db, world):
    with db(write=True) as s:
        order = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order",
                                      raw=_order(world))
        order_id, version = order.id, order.version
    with db(write=True) as s:
        edited = sales.update_document(session=s, actor=world["office"], customer_id=world["acme"],
                                       document_id=order_id, expected_version=version, raw={
                                           "date": "2026-11-29", "lines": [{"description": "Ricambio", "quantity": "3",
                                                                            "unit_price": "10"}]})
        assert (edited.gross_total, edited.version) == (D("36.60"), version + 1)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.update_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=order_id,
                              expected_version=version, raw=_order(world))
    assert refused.value.message_key == "sales.err.changed_meanwhile"
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=order_id,
                            status="open")
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.update_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=order_id,
                              expected_version=version + 2, raw=_order(world))
    assert refused.value.message_key == "sales.err.not_editable"
    with db() as s:
        rows, more = sales.list_documents(session=s, actor=world["office"], customer_id=world["acme"])
    assert [(r.number, r.status, r.gross_total) for r in rows] == [("ORD-2026/00001", "open", D("36.60"))]
    assert more is None and rows[0].document_date == date(2026, 11, 29)


def test_a_document_of_another_customer_is_not_reached_through_this_one(db, world):
    with db(write=True) as s:
        other = customers.create_customer(session=s, actor=world["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006"}).id
        foreign = sales.create_document(session=s, actor=world["office"], customer_id=other, kind="order",
                                        raw=_order(world)).id
    with db(write=True) as s, pytest.raises(DomainError):
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=foreign,
                            status="open")
    with db() as s, pytest.raises(DomainError):
        sales.document_lines(session=s, actor=world["office"], customer_id=world["acme"], document_id=foreign)


def test_articles_are_checked_and_found(db, world):
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.save_article(session=s, actor=world["office"], raw={"code": "CAL-24", "ean": "12ab", "description": "",
                                                                  "unit_price": "-1", "vat_rate": "7"})
    assert refused.value.errors == {"code": "sales.err.code_taken", "ean": "sales.err.ean",
                                    "description": "form.err.required", "unit_price": "sales.err.price",
                                    "vat_rate": "sales.err.vat_rate"}
    with db() as s:
        assert [a.code for a in sales.find_articles(session=s, actor=world["office"], query="caldaia")] == ["CAL-24"]
        assert [a.code for a in sales.find_articles(session=s, actor=world["office"], query="80012345")] == ["CAL-24"]
        assert [t.code for t in sales.payment_terms(s)][:2] == ["CASH", "BT30"]


def _held_quote(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "overdue", "reason": "Scaduti oltre 60 giorni"})
        return sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="quote",
                                     raw=_order(world)).id


def test_the_credit_manager_releases_or_rejects_held_documents_and_the_author_is_told(db, world):
    from app.models import OutboxMessage

    first, second = _held_quote(db, world), _held_quote_again(db, world)
    with db() as s:
        queue = sales.held_documents(session=s, actor=world["credit"])
        assert [(r.id, r.reasons) for r in queue] == [(first, ("block",)), (second, ("block",))]
        with pytest.raises(Forbidden):
            sales.held_documents(session=s, actor=world["office"])
    with db(write=True) as s:
        with pytest.raises(Forbidden):
            sales.release_document(session=s, actor=world["office"], document_id=first)
        sales.release_document(session=s, actor=world["credit"], document_id=first, note="Garanzia ricevuta")
        sales.reject_document(session=s, actor=world["credit"], document_id=second, note="Troppi scaduti")
    with db() as s:
        assert (s.get(SalesDocument, first).status, s.get(SalesDocument, second).status) == ("draft", "rejected")
        [told] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "document")).all()
        assert "Troppi scaduti" in told.body_text and "PRV-" in told.subject
        kinds = s.exec(select(Movement.kind).where(Movement.kind.in_(("sales.released", "sales.rejected")))).all()
        assert sorted(kinds) == ["sales.rejected", "sales.released"]
        assert sales.held_documents(session=s, actor=world["credit"]) == []
    with db(write=True) as s, pytest.raises(DomainError) as refused:  # decided once
        sales.release_document(session=s, actor=world["credit"], document_id=second)
    assert refused.value.message_key == "sales.err.not_held"


def _held_quote_again(db, world):
    with db(write=True) as s:
        return sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="quote",
                                     raw=_order(world)).id
