"""Credit control: what a customer owes and has ordered, and why a new order waits for the credit manager.

A customer's exposure is what they owe on open receivables (unpaid items reopen theirs, with the bank's
charges) plus what they have ordered and not been invoiced for yet: draft and open orders, and invoices
made from them that are not approved yet. The figures are kept as documents change, so checking an order
reads two numbers instead of summing the customer's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.vocabularies import AgeingBucket, DocumentKind, DocumentStatus, HoldReason

ZERO = Decimal("0.00")


# Upper bound of each late bucket, in days; the last one has none.
_BUCKET_LIMITS = ((30, AgeingBucket.DAYS_0_30), (60, AgeingBucket.DAYS_31_60), (90, AgeingBucket.DAYS_61_90))


def ageing_bucket(due_on: date, today: date) -> AgeingBucket:
    late = (today - due_on).days
    if late < 0:
        return AgeingBucket.NOT_DUE
    for limit, bucket in _BUCKET_LIMITS:
        if late <= limit:
            return bucket
    return AgeingBucket.OVER_90


def bucket_days(bucket: AgeingBucket) -> tuple[int | None, int | None]:
    """The days late (from, to, both included) a bucket covers; None where it is open."""
    return {
        AgeingBucket.NOT_DUE: (None, -1), AgeingBucket.DAYS_0_30: (0, 30), AgeingBucket.DAYS_31_60: (31, 60),
        AgeingBucket.DAYS_61_90: (61, 90), AgeingBucket.OVER_90: (91, None),
    }[bucket]


# What counts as ordered and not yet invoiced: a draft or open order, or an invoice not approved yet (made
# from an order, it takes the order's place until it opens its receivables). A held document does not
# count until it is released.
COMMITTED: frozenset[tuple[str, str]] = frozenset({
    (DocumentKind.ORDER.value, DocumentStatus.DRAFT.value), (DocumentKind.ORDER.value, DocumentStatus.OPEN.value),
    (DocumentKind.INVOICE.value, DocumentStatus.DRAFT.value),
})


def committed(kind: str, status: str) -> bool:
    return (kind, status) in COMMITTED


@dataclass(frozen=True)
class Exposure:
    receivables: Decimal
    orders: Decimal

    @property
    def total(self) -> Decimal:
        return self.receivables + self.orders


def over_limit(limit: Decimal | None, exposure: Decimal) -> bool:
    return limit is not None and exposure > limit


@dataclass(frozen=True)
class OrderCheck:
    """What the credit check of one new or changed order knows."""

    block_holds: bool
    limit: Decimal | None
    exposure: Decimal  # before this order, with the order's previous amount taken out when it is changed
    amount: Decimal  # the order's new total
    from_web_shop: bool
    shipping_costs: Decimal
    usual_shipping_costs: Decimal | None
    payment_term: str | None
    usual_payment_term: str | None


@dataclass(frozen=True)
class HoldPolicy:
    """Which of the optional checks the company runs."""

    web_shop: bool = True
    shipping_costs: bool = True
    payment_terms: bool = True


def hold_reasons(check: OrderCheck, policy: HoldPolicy) -> tuple[HoldReason, ...]:
    """Every reason the order waits for the credit manager, in the vocabulary's order; none lets it pass."""
    reasons = set()
    if check.block_holds:
        reasons.add(HoldReason.BLOCK)
    if check.amount > 0 and over_limit(check.limit, check.exposure + check.amount):
        reasons.add(HoldReason.OVER_LIMIT)
    if policy.web_shop and check.from_web_shop:
        reasons.add(HoldReason.WEB_SHOP)
    if (policy.shipping_costs and check.usual_shipping_costs is not None
            and check.shipping_costs != check.usual_shipping_costs):
        reasons.add(HoldReason.SHIPPING_COSTS)
    if policy.payment_terms and check.usual_payment_term is not None and check.payment_term != check.usual_payment_term:
        reasons.add(HoldReason.PAYMENT_TERMS)
    return tuple(reason for reason in HoldReason if reason in reasons)


def parse_reasons(stored: str | None) -> tuple[HoldReason, ...]:
    return tuple(reason for part in (stored or "").split(",") if (reason := HoldReason.parse(part)))


def join_reasons(reasons: tuple[HoldReason, ...] | list[HoldReason]) -> str | None:
    return ",".join(reason.value for reason in reasons) or None
