"""What a sales document adds up to, and how its status may move.

Amounts are Decimal euros rounded half-up to the cent on each line, as an Italian invoice prints them;
a document's totals are the sums of its lines plus the shipping costs with their own VAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.errors import DomainError
from app.domain.vocabularies import CreditAction, DocumentKind, DocumentStatus
from app.i18n import N_

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Italy's standard rate, for shipping costs and for new lines without an article.
STANDARD_VAT = Decimal("22.00")
VAT_RATES = (Decimal("0.00"), Decimal("4.00"), Decimal("5.00"), Decimal("10.00"), STANDARD_VAT)
MAX_QUANTITY = Decimal("999999.999")
MAX_AMOUNT = Decimal("99999999.99")

# How a document's number reads: ORD-2026/00012.
NUMBER_PREFIX = {
    DocumentKind.QUOTE: "PRV", DocumentKind.ORDER: "ORD", DocumentKind.DELIVERY_NOTE: "DDT",
    DocumentKind.INVOICE: "FT", DocumentKind.CREDIT_NOTE: "NC", DocumentKind.RETURN: "RES",
    DocumentKind.COMPLAINT: "REC",
}
# What a block is asked before a document of each kind is created.
CREDIT_ACTION = {
    DocumentKind.QUOTE: CreditAction.NEW_QUOTE, DocumentKind.ORDER: CreditAction.NEW_ORDER,
    DocumentKind.DELIVERY_NOTE: CreditAction.NEW_DELIVERY_NOTE, DocumentKind.INVOICE: CreditAction.NEW_INVOICE,
    DocumentKind.CREDIT_NOTE: CreditAction.NEW_CREDIT_NOTE,
}
# Where each status may go next; anything else is refused.
MOVES: dict[DocumentKind, dict[DocumentStatus, tuple[DocumentStatus, ...]]] = {
    DocumentKind.QUOTE: {
        DocumentStatus.DRAFT: (DocumentStatus.APPROVED, DocumentStatus.CANCELLED),
        DocumentStatus.APPROVED: (DocumentStatus.REJECTED, DocumentStatus.CANCELLED),
    },
    DocumentKind.INVOICE: {
        DocumentStatus.DRAFT: (DocumentStatus.APPROVED, DocumentStatus.CANCELLED),
    },
    DocumentKind.CREDIT_NOTE: {
        DocumentStatus.DRAFT: (DocumentStatus.APPROVED, DocumentStatus.CANCELLED),
    },
    # A complaint is open (approved) from when it is registered until it is closed.
    DocumentKind.COMPLAINT: {
        DocumentStatus.APPROVED: (DocumentStatus.CLOSED, DocumentStatus.CANCELLED),
    },
    DocumentKind.ORDER: {
        DocumentStatus.DRAFT: (DocumentStatus.OPEN, DocumentStatus.CANCELLED),
        DocumentStatus.HELD: (DocumentStatus.OPEN, DocumentStatus.REJECTED),
        DocumentStatus.OPEN: (DocumentStatus.FULFILLED, DocumentStatus.CANCELLED),
        DocumentStatus.FULFILLED: (DocumentStatus.CLOSED,),
    },
}
EDITABLE = (DocumentStatus.DRAFT,)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    unit_net: Decimal  # the unit price after the discount
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal, vat_rate: Decimal) -> LineAmounts:
    unit_net = unit_price * (HUNDRED - discount_pct) / HUNDRED
    net = money(quantity * unit_net)
    vat = money(net * vat_rate / HUNDRED)
    return LineAmounts(money(unit_net), net, vat, net + vat)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal


def document_totals(lines: Iterable[LineAmounts], shipping: Decimal) -> Totals:
    lines = list(lines)
    shipping_vat = money(shipping * STANDARD_VAT / HUNDRED)
    net = sum((line.net for line in lines), Decimal("0")) + shipping
    vat = sum((line.vat for line in lines), Decimal("0")) + shipping_vat
    return Totals(money(net), money(vat), money(net + vat))


def check_line(quantity: Decimal | None, unit_price: Decimal | None, discount: Decimal | None,
               vat_rate: Decimal | None) -> dict[str, str]:
    """Per-field messages for one line; empty when it is valid."""
    errors = {}
    if quantity is None or not (Decimal(0) < quantity <= MAX_QUANTITY):
        errors["quantity"] = N_("sales.err.quantity")
    if unit_price is None or not (Decimal(0) <= unit_price <= MAX_AMOUNT):
        errors["unit_price"] = N_("sales.err.price")
    if discount is not None and not (Decimal(0) <= discount <= HUNDRED):
        errors["discount"] = N_("sales.err.discount")
    if vat_rate is None or vat_rate not in VAT_RATES:
        errors["vat_rate"] = N_("sales.err.vat_rate")
    return errors


def require_move(kind: DocumentKind, current: DocumentStatus, wanted: DocumentStatus) -> None:
    if wanted not in MOVES.get(kind, {}).get(current, ()):
        raise DomainError(N_("sales.err.status_move"))


def instalments(total: Decimal, invoice_date: date, days: str) -> list[tuple[date, Decimal]]:
    """The receivables of an invoice: one per payment day ("30,60,90"), equal parts, the cents left
    over on the last one so the parts add up to the total exactly."""
    offsets = [int(part) for part in days.split(",") if part.strip().isdigit()] or [0]
    share = money(total / len(offsets))
    parts = [share] * (len(offsets) - 1) + [total - share * (len(offsets) - 1)]
    return [(invoice_date + timedelta(days=offset), part) for offset, part in zip(offsets, parts, strict=True)]


def display_number(kind: str, year: int, number: int) -> str:
    return f"{NUMBER_PREFIX[DocumentKind(kind)]}-{year}/{number:05d}"
