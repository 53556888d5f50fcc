"""Credit control: the running exposure figures, the credit check of orders, the held queue's release,
the overview, the credit job, and two orders saved at the same moment."""

import threading
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from app.domain.credit import HoldReason
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import CustomerBlock, CustomerCredit, Movement, Receivable, SalesDocument
from app.services import blocks, credit, customers, receivables, sales
from app.settings import get_settings
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        return {"office": office, "acme": acme, "credit": factories.actor(s, Role.CREDIT_MANAGER),
                "technician": factories.actor(s, Role.TECHNICIAN)}


def _lines(amount: str) -> list[dict]:
    # 0% VAT keeps the gross total equal to the amount, which keeps the arithmetic below readable.
    return [{"description": "Impianto", "quantity": "1", "unit_price": amount, "vat_rate": "0"}]


def _order(db, world, amount: str, source: str = "office", **extra) -> SalesDocument:
    with db(write=True) as s:
        return sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="order",
                                     raw={"lines": _lines(amount), **extra}, source=source)


def _move(db, world, document_id: int, status: str) -> None:
    with db(write=True) as s:
        sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=document_id,
                            status=status)


def _terms(db, world, **raw) -> None:
    with db(write=True) as s:
        credit.save_terms(session=s, actor=world["credit"], customer_id=world["acme"], raw=raw)


def _figures(db, world) -> tuple[D, D]:
    """The running figures, checked against the sums every time they are read."""
    with db() as s:
        kept, summed = credit.exposure(s, world["acme"]), credit.exposure_by_sum(s, world["acme"])
    assert kept == summed
    return kept.receivables, kept.orders


def test_exposure_follows_orders_invoices_payments_unpaid_items_and_credit_notes(db, world):
    order = _order(db, world, "1000,00", payment_term="RIBA6090")
    assert _figures(db, world) == (D("0.00"), D("1000.00"))  # a draft order counts
    _move(db, world, order.id, "open")
    assert _figures(db, world) == (D("0.00"), D("1000.00"))
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"],
                                           order_id=order.id)
    assert _figures(db, world) == (D("0.00"), D("1000.00"))  # the draft invoice takes the order's place
    _move(db, world, invoice.id, "approved")
    assert _figures(db, world) == (D("1000.00"), D("0.00"))
    with db() as s:
        first, second = s.exec(select(Receivable).order_by(Receivable.instalment)).all()
    assert (first.amount, second.amount) == (D("500.00"), D("500.00"))
    with db(write=True) as s:  # a partial payment, then the whole first instalment
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"],
                                   receivable_id=first.id, raw={"amount": "200,10", "paid_on": date.today()})
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"],
                                   receivable_id=first.id, raw={"amount": "299,90", "paid_on": date.today()})
    assert _figures(db, world) == (D("500.00"), D("0.00"))
    with db(write=True) as s:  # the payment comes back with 7.35 of charges
        receivables.register_unpaid(session=s, actor=world["office"], customer_id=world["acme"],
                                    receivable_id=first.id, raw={"kind": "riba", "returned_on": date.today(),
                                                                 "amount": "299,90", "charges": "7,35"})
    assert _figures(db, world) == (D("807.25"), D("0.00"))
    with db(write=True) as s:
        note = sales.credit_note_from_invoice(session=s, actor=world["office"], customer_id=world["acme"],
                                              invoice_id=invoice.id)
        sales.update_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=note.id,
                              raw={"lines": _lines("120,05")}, expected_version=1)
    assert _figures(db, world) == (D("807.25"), D("0.00"))  # a draft credit note changes nothing
    _move(db, world, note.id, "approved")
    assert _figures(db, world) == (D("687.20"), D("0.00"))
    with db() as s:  # set against the latest instalment first
        assert s.get(Receivable, second.id).paid == D("120.05") and s.get(Receivable, first.id).paid == D("200.10")


def test_credit_notes_never_add_up_to_more_than_the_invoice(db, world):
    order = _order(db, world, "300,00")
    _move(db, world, order.id, "open")
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"],
                                           order_id=order.id)
        with pytest.raises(DomainError) as refused:  # only an approved invoice is corrected
            sales.credit_note_from_invoice(session=s, actor=world["office"], customer_id=world["acme"],
                                           invoice_id=invoice.id)
        assert refused.value.message_key == "sales.err.not_creditable"
    _move(db, world, invoice.id, "approved")
    with db(write=True) as s:
        first = sales.credit_note_from_invoice(session=s, actor=world["office"], customer_id=world["acme"],
                                               invoice_id=invoice.id)
        second = sales.credit_note_from_invoice(session=s, actor=world["office"], customer_id=world["acme"],
                                                invoice_id=invoice.id)
    _move(db, world, first.id, "approved")
    assert _figures(db, world) == (D("0.00"), D("0.00"))
    with pytest.raises(DomainError) as refused:
        _move(db, world, second.id, "approved")
    assert refused.value.message_key == "sales.err.credit_exceeds"


def test_an_order_over_the_limit_is_held_and_counts_only_once_released(db, world):
    _terms(db, world, credit_limit="1.000,00")
    first = _order(db, world, "600")
    second = _order(db, world, "400,01")
    assert (first.status, second.status, second.held_reasons) == ("draft", "held", "over_limit")
    assert _figures(db, world) == (D("0.00"), D("600.00"))
    with db() as s:
        [row] = sales.held_documents(session=s, actor=world["credit"])
    assert (row.exposure, row.exposure_after, row.credit_limit, row.reasons) == (
        D("600.00"), D("1000.01"), D("1000.00"), (HoldReason.OVER_LIMIT,))
    exactly = _order(db, world, "400")  # reaching the limit is not going over it
    assert exactly.status == "draft"
    with db(write=True) as s:
        sales.release_document(session=s, actor=world["credit"], document_id=second.id, note="Garanzia bancaria")
    assert _figures(db, world) == (D("0.00"), D("1400.01"))
    with db() as s:
        assert s.get(SalesDocument, second.id).status == "draft"
        [released] = s.exec(select(Movement).where(Movement.kind == "sales.released")).all()
        assert released.summary.endswith("over_limit · Garanzia bancaria")


def test_a_changed_order_is_checked_again_without_its_old_amount(db, world):
    _terms(db, world, credit_limit="1000")
    order = _order(db, world, "900")
    with db(write=True) as s:  # 900 -> 1000: the order's own 900 is not counted twice
        sales.update_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=order.id,
                              raw={"lines": _lines("1000")}, expected_version=1)
    assert _figures(db, world) == (D("0.00"), D("1000.00"))
    with db(write=True) as s:
        changed = sales.update_document(session=s, actor=world["office"], customer_id=world["acme"],
                                        document_id=order.id, raw={"lines": _lines("1000,01")}, expected_version=2)
    assert (changed.status, changed.held_reasons) == ("held", "over_limit")
    assert _figures(db, world) == (D("0.00"), D("0.00"))
    with db() as s:
        assert s.exec(select(Movement.kind).where(Movement.kind == "sales.held")).all() == ["sales.held"]


def test_every_reason_is_named_and_released_one_by_one(db, world):
    _terms(db, world, credit_limit="100", payment_term="RIBA60", shipping_costs="10")
    usual = _order(db, world, "50", payment_term="RIBA60", shipping_costs="10")
    assert usual.status == "draft"
    with db(write=True) as s:  # this company holds, rather than refuses, orders of overdue customers
        blocks.save_effects(session=s, actor=factories.actor(s, Role.ADMIN), choices={"overdue:new_order": "hold"})
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "overdue", "reason": "Scadenze oltre 60 giorni"})
    held = _order(db, world, "200", payment_term="CASH", shipping_costs="25", source="api")
    assert held.held_reasons == "block,over_limit,web_shop,shipping_costs,payment_terms"
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        sales.release_document(session=s, actor=world["credit"], document_id=held.id, reasons=["unknown"])
    assert refused.value.errors == {"reasons": "held.err.reasons"}
    with db(write=True) as s:
        partly = sales.release_document(session=s, actor=world["credit"], document_id=held.id,
                                        reasons=["web_shop", "block"])
        assert (partly.status, partly.held_reasons) == ("held", "over_limit,shipping_costs,payment_terms")
    assert _figures(db, world) == (D("0.00"), D("62.20"))  # 50 + 10 shipping with 22% VAT; still held
    with db(write=True) as s:
        done = sales.release_document(session=s, actor=world["credit"], document_id=held.id)
        assert (done.status, done.held_reasons) == ("draft", None)


def test_the_optional_checks_follow_the_settings(db, world, monkeypatch):
    _terms(db, world, payment_term="RIBA60", shipping_costs="0")
    monkeypatch.setattr("app.services.credit.get_settings", lambda: replace(
        get_settings(), hold_web_orders=False, hold_changed_shipping=False, hold_changed_terms=False))
    assert _order(db, world, "50", payment_term="CASH", shipping_costs="25", source="api").status == "draft"


def test_a_quote_counts_nothing_and_meets_only_the_blocks(db, world):
    _terms(db, world, credit_limit="10")
    with db(write=True) as s:
        quote = sales.create_document(session=s, actor=world["office"], customer_id=world["acme"], kind="quote",
                                      raw={"lines": _lines("500")})
    assert quote.status == "draft" and _figures(db, world) == (D("0.00"), D("0.00"))


def test_only_credit_managers_and_administrators_set_terms_or_release(db, world):
    _terms(db, world, credit_limit="1")
    held = _order(db, world, "5")
    for who in ("office", "technician"):
        with db(write=True) as s, pytest.raises(Forbidden):
            credit.save_terms(session=s, actor=world[who], customer_id=world["acme"], raw={"credit_limit": "9"})
        with db(write=True) as s, pytest.raises(Forbidden):
            sales.release_document(session=s, actor=world[who], document_id=held.id)
        with db() as s, pytest.raises(Forbidden):
            credit.overview(session=s, actor=world[who], today=date.today())


def test_terms_are_checked_and_each_change_is_a_movement(db, world):
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        credit.save_terms(session=s, actor=world["credit"], customer_id=world["acme"],
                          raw={"credit_limit": "-1", "payment_term": "NOPE", "shipping_costs": "1,234"})
    assert refused.value.errors == {"credit_limit": "sales.err.price", "payment_term": "sales.err.payment_term",
                                    "shipping_costs": "sales.err.price"}
    _terms(db, world, credit_limit="5.000", payment_term="BT30")
    _terms(db, world, credit_limit="", payment_term="BT30")
    with db() as s:
        changes = [(m.field, m.before, m.after) for m in s.exec(
            select(Movement).where(Movement.kind == "credit.updated").order_by(Movement.id))]
        summary = credit.summary(session=s, actor=world["office"], customer_id=world["acme"])
    assert [(f, b, a) for f, b, a in changes] == [
        ("credit_limit", None, "5000.00"), ("payment_term", None, "BT30"), ("credit_limit", "5000.00", None)]
    assert (summary.credit_limit, summary.payment_term, summary.available) == (None, "BT30", None)


def _approved_invoice(db, world, amount: str, days_ago: int) -> int:
    """An invoice dated `days_ago` days back, due on its date."""
    order = _order(db, world, amount, payment_term="CASH")
    _move(db, world, order.id, "open")
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=world["office"], customer_id=world["acme"],
                                           order_id=order.id)
        invoice.document_date = date.today() - timedelta(days=days_ago)
        s.add(invoice)
    _move(db, world, invoice.id, "approved")
    return invoice.id


def test_the_overview_and_the_customer_list_filters_agree(db, world):
    for amount, days in (("100", 0), ("200", 45), ("300", 120)):
        _approved_invoice(db, world, amount, days)
    with db(write=True) as s:
        other = customers.create_customer(session=s, actor=world["office"], raw={
            "kind": "business", "company_name": "Beta S.p.A.", "vat_number": "01114601006"}).id
    _terms(db, world, credit_limit="550")
    with db() as s:
        seen = credit.overview(session=s, actor=world["credit"], today=date.today())
        listed = {name: [r.id for r in customers.search_customers(session=s, actor=world["office"],
                                                                  credit_filter=name).rows]
                  for name in credit.CREDIT_FILTERS}
    assert (seen.over_limit_count, seen.over_limit_amount) == (1, D("50.00"))
    assert seen.ageing == {"not_due": D("0.00"), "0_30": D("100.00"), "31_60": D("200.00"), "61_90": D("0.00"),
                           "over_90": D("300.00")}
    assert listed == {"over_limit": [world["acme"]], "unpaid": [], "age_not_due": [], "age_0_30": [world["acme"]],
                      "age_31_60": [world["acme"]], "age_61_90": [], "age_over_90": [world["acme"]]}
    assert other not in listed["over_limit"]


def test_the_credit_job_corrects_figures_and_raises_and_lifts_overdue_blocks(db, world, monkeypatch):
    invoice_id = _approved_invoice(db, world, "300", 75)
    with db(write=True) as s:  # a change made outside the app
        s.get(CustomerCredit, world["acme"]).orders_open = D("999.99")
    with db(write=True) as s:
        result = credit.run_job(s, date.today())
    assert (result.corrected, result.blocked) == (1, 0)  # the overdue rule is off unless asked for
    assert _figures(db, world) == (D("300.00"), D("0.00"))
    monkeypatch.setattr("app.services.credit.get_settings", lambda: replace(
        get_settings(), overdue_auto_block=True, overdue_block_days=60))
    with db(write=True) as s:
        assert credit.run_job(s, date.today()).blocked == 1
    with db(write=True) as s:
        assert credit.run_job(s, date.today()).blocked == 0  # once
    with db() as s:
        [block] = s.exec(select(CustomerBlock)).all()
        assert (block.level, block.automatic) == ("overdue", True) and block.reason.startswith("FT-")
        [receivable] = s.exec(select(Receivable).where(Receivable.invoice_id == invoice_id)).all()
    with db(write=True) as s:
        receivables.record_payment(session=s, actor=world["office"], customer_id=world["acme"],
                                   receivable_id=receivable.id, raw={"amount": "300", "paid_on": date.today()})
        assert credit.run_job(s, date.today()).lifted == 1
    with db() as s:
        assert s.get(CustomerBlock, block.id).lifted_at is not None
        assert customers.get_customer(session=s, actor=world["office"], customer_id=world["acme"]).block_level is None


def test_two_orders_saved_at_the_same_moment_cannot_both_pass_the_limit(db, world):
    """Each round, two threads save an order that fits the limit alone but not together: exactly one passes."""
    _terms(db, world, credit_limit="1000")
    def save(start: threading.Barrier, statuses: list, failures: list) -> None:
        try:
            start.wait()
            statuses.append(_order(db, world, "600").status)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    for round_number in range(50):
        start, statuses, failures = threading.Barrier(2), [], []
        threads = [threading.Thread(target=save, args=(start, statuses, failures)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == [] and sorted(statuses) == ["draft", "held"], round_number
        with db(write=True) as s:  # the passed order goes, so the next round starts from nothing again
            passed = s.exec(select(SalesDocument).where(SalesDocument.status == "draft")).one()
            sales.move_document(session=s, actor=world["office"], customer_id=world["acme"], document_id=passed.id,
                                status="cancelled")
    assert _figures(db, world) == (D("0.00"), D("0.00"))
