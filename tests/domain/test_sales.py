"""What a sales document adds up to, to the cent, and where its status may go."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from app.domain import sales
from app.domain.credit import AgeingBucket, HoldPolicy, HoldReason, OrderCheck, ageing_bucket, hold_reasons
from app.domain.errors import DomainError
from app.domain.vocabularies import DocumentKind, DocumentStatus


def test_a_line_is_rounded_half_up_to_the_cent():
    line = sales.line_amounts(D("3"), D("10.005"), D("0"), D("22"))
    assert (line.net, line.vat, line.gross) == (D("30.02"), D("6.60"), D("36.62"))
    discounted = sales.line_amounts(D("2.5"), D("19.90"), D("15"), D("10"))
    assert discounted.unit_net == D("16.92") and discounted.net == D("42.29") and discounted.vat == D("4.23")


def test_totals_add_the_lines_and_the_shipping_with_its_vat():
    lines = [sales.line_amounts(D("1"), D("100"), D("0"), D("22")), sales.line_amounts(D("2"), D("5"), D("0"), D("4"))]
    totals = sales.document_totals(lines, D("10"))
    assert (totals.net, totals.vat, totals.gross) == (D("120.00"), D("24.60"), D("144.60"))
    assert sales.document_totals([], D("0")).gross == D("0.00")


def test_a_line_is_checked_field_by_field():
    assert sales.check_line(D("1"), D("0"), None, D("22")) == {}
    assert sales.check_line(D("0"), D("-1"), D("101"), D("21")) == {
        "quantity": "sales.err.quantity", "unit_price": "sales.err.price", "discount": "sales.err.discount",
        "vat_rate": "sales.err.vat_rate"}
    assert sales.check_line(None, None, None, None).keys() == {"quantity", "unit_price", "vat_rate"}


def test_instalments_add_up_to_the_total():
    parts = sales.instalments(D("100.00"), date(2026, 1, 31), "30,60,90")
    assert [amount for _, amount in parts] == [D("33.33"), D("33.33"), D("33.34")]
    assert [day.isoformat() for day, _ in parts] == ["2026-03-02", "2026-04-01", "2026-05-01"]
    assert sales.instalments(D("10.00"), date(2026, 1, 1), "") == [(date(2026, 1, 1), D("10.00"))]


def test_status_moves():
    sales.require_move(DocumentKind.ORDER, DocumentStatus.DRAFT, DocumentStatus.OPEN)
    sales.require_move(DocumentKind.ORDER, DocumentStatus.OPEN, DocumentStatus.FULFILLED)
    sales.require_move(DocumentKind.QUOTE, DocumentStatus.DRAFT, DocumentStatus.APPROVED)
    sales.require_move(DocumentKind.INVOICE, DocumentStatus.DRAFT, DocumentStatus.APPROVED)
    sales.require_move(DocumentKind.CREDIT_NOTE, DocumentStatus.DRAFT, DocumentStatus.APPROVED)
    for kind, current, wanted in ((DocumentKind.ORDER, DocumentStatus.DRAFT, DocumentStatus.CLOSED),
                                  (DocumentKind.ORDER, DocumentStatus.CLOSED, DocumentStatus.OPEN),
                                  (DocumentKind.QUOTE, DocumentStatus.CANCELLED, DocumentStatus.APPROVED),
                                  (DocumentKind.INVOICE, DocumentStatus.APPROVED, DocumentStatus.DRAFT),
                                  (DocumentKind.CREDIT_NOTE, DocumentStatus.APPROVED, DocumentStatus.DRAFT),
                                  (DocumentKind.RETURN, DocumentStatus.DRAFT, DocumentStatus.APPROVED)):
        with pytest.raises(DomainError):
            sales.require_move(kind, current, wanted)
    assert sales.display_number("order", 2026, 12) == "ORD-2026/00012"


def test_hold_reasons_name_every_departure_from_the_customer_s_terms():
    usual = OrderCheck(block_holds=False, limit=D("1000"), exposure=D("400"), amount=D("600"), from_web_shop=False,
                       shipping_costs=D("10"), usual_shipping_costs=D("10"), payment_term="RIBA60",
                       usual_payment_term="RIBA60")
    assert hold_reasons(usual, HoldPolicy()) == ()  # reaching the limit exactly passes
    everything = replace(usual, block_holds=True, amount=D("600.01"), from_web_shop=True, shipping_costs=D("0"),
                         payment_term=None)
    assert hold_reasons(everything, HoldPolicy()) == tuple(HoldReason)
    assert hold_reasons(everything, HoldPolicy(False, False, False)) == (HoldReason.BLOCK, HoldReason.OVER_LIMIT)
    # No limit and no usual terms: nothing to depart from.
    assert hold_reasons(replace(everything, block_holds=False, limit=None, from_web_shop=False,
                                usual_shipping_costs=None, usual_payment_term=None), HoldPolicy()) == ()
    # An order that lowers the exposure is never held for the limit, even for a customer already over it.
    assert hold_reasons(replace(usual, exposure=D("5000"), amount=D("0")), HoldPolicy()) == ()


def test_receivables_age_by_days_past_their_due_date():
    today = date(2026, 11, 28)
    assert [ageing_bucket(today - timedelta(days=late), today) for late in (-1, 0, 30, 31, 60, 61, 90, 91, 400)] == [
        AgeingBucket.NOT_DUE, AgeingBucket.DAYS_0_30, AgeingBucket.DAYS_0_30, AgeingBucket.DAYS_31_60,
        AgeingBucket.DAYS_31_60, AgeingBucket.DAYS_61_90, AgeingBucket.DAYS_61_90, AgeingBucket.OVER_90,
        AgeingBucket.OVER_90]
