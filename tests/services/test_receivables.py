"""An order becomes an invoice; the approved invoice opens its instalments; payments settle them."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import Customer, Receivable, SalesDocument
from app.services import blocks, customers, receivables, sales
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        order = sales.create_document(session=s, actor=office, customer_id=acme, kind="order", raw={
            "payment_term": "RIBA306090", "lines": [{"description": "Impianto", "quantity": "1", "unit_price": "1000"}]})
        sales.move_document(session=s, actor=office, customer_id=acme, document_id=order.id, status="open")
        return {"office": office, "acme": acme, "order": order.id, "credit": factories.actor(s, Role.CREDIT_MANAGER),
                "technician": factories.actor(s, Role.TECHNICIAN)}


def _invoice(db, world):
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"],
                                           order_id=world["order"])
        return invoice.id


def test_an_open_order_becomes_a_draft_invoice_with_its_lines_and_the_order_is_fulfilled(db, world):
    invoice_id = _invoice(db, world)
    with db() as s:
        invoice, order = s.get(SalesDocument, invoice_id), s.get(SalesDocument, world["order"])
        lines = sales.document_lines(session=s, actor=world["office"], customer_id=world["acme"],
                                     document_id=invoice_id)
    assert (invoice.kind, invoice.status, invoice.source_document_id) == ("invoice", "draft", world["order"])
    assert invoice.gross_total == order.gross_total == D("1220.00") and order.status == "fulfilled"
    assert [(line.description, line.gross) for line in lines] == [("Impianto", D("1220.00"))]
    with db(write=True) as s, pytest.raises(DomainError) as refused:  # a fulfilled order is invoiced once
        sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"], order_id=world["order"])
    assert refused.value.message_key == "sales.err.not_invoiceable"


def test_approving_the_invoice_opens_its_instalments_and_payments_settle_them(db, world):
    invoice_id = _invoice(db, world)
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=invoice_id,
                            status="approved")
    with db() as s:
        rows = receivables.list_receivables(session=s, actor=world["office"], customer_id=world["acme"])
    today = date.today()
    assert [(r.instalment, r.due_on, r.amount) for r in rows] == [
        (1, today + timedelta(days=30), D("406.67")), (2, today + timedelta(days=60), D("406.67")),
        (3, today + timedelta(days=90), D("406.66"))]
    first = rows[0].id
    with db(write=True) as s:
        receivables.record_payment(session=s, actor=world["credit"], customer_id=world["acme"], receivable_id=first,
                                   raw={"amount": "400,00", "paid_on": today.isoformat()})
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"], receivable_id=first,
                                   raw={"amount": "6.67", "paid_on": today.isoformat()})
    with db() as s:
        settled = s.get(Receivable, first)
        assert (settled.paid, settled.settled) == (D("406.67"), True)
        still_open = receivables.list_receivables(session=s, actor=world["office"], customer_id=world["acme"],
                                                  open_only=True)
    assert [r.instalment for r in still_open] == [2, 3]


def test_a_payment_never_exceeds_what_is_owed_nor_lands_on_another_customer(db, world):
    invoice_id = _invoice(db, world)
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=invoice_id,
                            status="approved")
        other = customers.create_customer(session=s, actor=world["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006"}).id
    with db() as s:
        receivable = s.exec(select(Receivable.id)).first()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for raw, expected in (({"amount": "500", "paid_on": date.today().isoformat()}, {"amount": "payments.err.more_than_owed"}),
                          ({"amount": "0", "paid_on": tomorrow}, {"amount": "payments.err.amount",
                                                                   "paid_on": "payments.err.future"}),
                          ({"amount": "1,005"}, {"amount": "payments.err.more_than_owed",
                                                 "paid_on": "form.err.date"})):
        with db(write=True) as s, pytest.raises(DomainError) as refused:
            receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"],
                                       receivable_id=receivable, raw=raw)
        assert refused.value.errors == expected
    with db(write=True) as s, pytest.raises(DomainError):
        receivables.record_payment(session=s, actor=world["office"], customer_id=other, receivable_id=receivable,
                                   raw={"amount": "1", "paid_on": date.today().isoformat()})
    with db(write=True) as s, pytest.raises(Forbidden):
        receivables.record_payment(session=s, actor=world["technician"], customer_id=world["acme"],
                                   receivable_id=receivable, raw={"amount": "1", "paid_on": date.today().isoformat()})
    with db() as s:
        assert s.get(Receivable, receivable).paid == D("0.00")


def test_a_block_refuses_the_invoice_from_the_order(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "stuck", "reason": "Pratica al legale"})
    with db(write=True) as s, pytest.raises(DomainError):
        sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"], order_id=world["order"])
    with db() as s:
        assert s.get(SalesDocument, world["order"]).status == "open"


def _approved_and_paid(db, world):
    invoice_id = _invoice(db, world)
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=invoice_id,
                            status="approved")
        first = s.exec(select(Receivable).where(Receivable.invoice_id == invoice_id, Receivable.instalment == 1)).one()
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"], receivable_id=first.id,
                                   raw={"amount": str(first.amount), "paid_on": date.today().isoformat()})
        return first.id


def _returned(**extra):
    return {"kind": "riba", "returned_on": date.today().isoformat(), "amount": "406,67", "charges": "7,50", **extra}


def test_an_unpaid_item_reopens_the_instalment_tells_the_customer_and_blocks_until_paid_again(db, world):
    from app.models import CustomerBlock, OutboxMessage

    with db(write=True) as s:
        customers.update_customer(session=s, actor=world["office"], customer_id=world["acme"],
                                  raw={**ACME, "email": "amministrazione@acme.it"}, expected_version=1)
    receivable_id = _approved_and_paid(db, world)
    with db(write=True) as s:
        receivables.register_unpaid(session=s, actor=world["office"], customer_id=world["acme"],
                                    receivable_id=receivable_id, raw=_returned())
    with db() as s:
        reopened = s.get(Receivable, receivable_id)
        assert (reopened.amount, reopened.paid, reopened.settled) == (D("414.17"), D("0.00"), False)
        [notice] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "unpaid")).all()
        assert notice.to_address == "amministrazione@acme.it" and "414,17" in notice.body_text
        [block] = s.exec(select(CustomerBlock)).all()
        assert (block.level, block.automatic, block.set_by_user_id) == ("unpaid", True, None)
    with db(write=True) as s:  # a manual block set meanwhile stays when the automatic one goes
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "assistance", "reason": "Contratto scaduto"})
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"],
                                   receivable_id=receivable_id,
                                   raw={"amount": "414,17", "paid_on": date.today().isoformat()})
    with db() as s:
        active = [(b.level, b.automatic) for b in s.exec(select(CustomerBlock).where(
            CustomerBlock.lifted_at.is_(None)))]
        assert active == [("assistance", False)]
        assert receivables.open_unpaid_count(s, world["acme"]) == 0
        assert s.get(Customer, world["acme"]).block_level == "assistance"


def test_no_automatic_block_when_the_customer_opted_out_and_no_email_when_they_block_emails(db, world):
    from app.models import CustomerBlock, OutboxMessage

    with db(write=True) as s:
        customers.update_customer(session=s, actor=world["office"], customer_id=world["acme"], raw={
            **ACME, "email": "a@acme.it", "block_automatic_emails": "on"}, expected_version=1)
        with pytest.raises(Forbidden):
            receivables.set_auto_block(session=s, actor=world["office"], customer_id=world["acme"], enabled=False)
        receivables.set_auto_block(session=s, actor=world["credit"], customer_id=world["acme"], enabled=False)
    receivable_id = _approved_and_paid(db, world)
    with db(write=True) as s:
        receivables.register_unpaid(session=s, actor=world["credit"], customer_id=world["acme"],
                                    receivable_id=receivable_id, raw=_returned())
    with db() as s:
        assert s.exec(select(CustomerBlock)).all() == []
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "unpaid")).all() == []


def test_an_unpaid_item_is_checked_and_refused_to_others(db, world):
    receivable_id = _approved_and_paid(db, world)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        receivables.register_unpaid(session=s, actor=world["office"], customer_id=world["acme"],
                                    receivable_id=receivable_id,
                                    raw=_returned(kind="cash", amount="999", charges="-1", returned_on="x"))
    assert refused.value.errors == {"kind": "unpaid.err.kind", "returned_on": "form.err.date",
                                    "amount": "unpaid.err.more_than_paid", "charges": "sales.err.price"}
    with db(write=True) as s, pytest.raises(Forbidden):
        receivables.register_unpaid(session=s, actor=world["technician"], customer_id=world["acme"],
                                    receivable_id=receivable_id, raw=_returned())
    with db() as s:
        assert receivables.open_unpaid_count(s, world["acme"]) == 0
