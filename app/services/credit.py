"""Credit control: a customer's credit terms, the running exposure figures every document, payment and
unpaid item keeps up to date, the credit check of an order, and the credit manager's overview.

Every function that changes the figures runs inside the caller's transaction, which holds the customer's
row lock (customers.locked_customer): two orders saved at the same moment are checked one after the other.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, type_coerce
from sqlmodel import Session, and_, col, func, or_, select

from app.domain import credit as rules
from app.domain.credit import ZERO, AgeingBucket, Exposure, HoldPolicy, HoldReason, OrderCheck
from app.domain.errors import DomainError
from app.domain.inputs import CreditTermsInput
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.domain.sales import MAX_AMOUNT, display_number, money
from app.domain.vocabularies import BlockLevel, DocumentStatus, Source
from app.i18n import N_
from app.models import Customer, CustomerBlock, CustomerCredit, PaymentTerm, Receivable, SalesDocument, UnpaidItem
from app.models.base import utcnow
from app.models.sales import Scaled
from app.services import blocks, customers, movements
from app.settings import get_settings

log = logging.getLogger(__name__)


# The running figures -------------------------------------------------------------------------------


def account(session: Session, customer_id: int) -> CustomerCredit:
    """The customer's credit row, made on first use; the caller holds the customer's row lock."""
    found = session.get(CustomerCredit, customer_id)
    if found is None:
        found = CustomerCredit(customer_id=customer_id)
        session.add(found)
        session.flush()
    return found


def exposure(session: Session, customer_id: int) -> Exposure:
    found = session.get(CustomerCredit, customer_id)
    return Exposure(found.receivables_open, found.orders_open) if found else Exposure(ZERO, ZERO)


def add(session: Session, customer_id: int, *, receivables: Decimal = ZERO, orders: Decimal = ZERO) -> None:
    if not receivables and not orders:
        return
    row = account(session, customer_id)
    row.receivables_open += receivables
    row.orders_open += orders
    row.updated_at = utcnow()
    session.add(row)


def commitment(document: SalesDocument) -> Decimal:
    """What a document adds to the orders figure in its present status."""
    return document.gross_total if rules.committed(document.kind, document.status) else ZERO


def committed_once_released(document: SalesDocument) -> bool:
    """Whether a held document will count in the orders figure when it is released as a draft."""
    return rules.committed(document.kind, DocumentStatus.DRAFT.value)


def track(session: Session, document: SalesDocument, before: Decimal) -> None:
    """After a document changed: the orders figure follows the difference."""
    add(session, document.customer_id, orders=commitment(document) - before)


def exposure_by_sum(session: Session, customer_id: int) -> Exposure:
    """The same figures summed from the documents: what the credit job checks the running ones against,
    and the slow way the benchmark compares with."""
    owed = session.exec(select(_total(Receivable.amount - Receivable.paid)).where(
        Receivable.customer_id == customer_id, col(Receivable.settled).is_(False))).one()
    ordered = session.exec(select(_total(SalesDocument.gross_total)).where(
        SalesDocument.customer_id == customer_id, _committed_condition())).one()
    return Exposure(owed, ordered)


def _committed_condition():  # noqa: ANN202
    return or_(*(and_(SalesDocument.kind == kind, SalesDocument.status == status)
                 for kind, status in sorted(rules.COMMITTED)))


def _total(expression):  # noqa: ANN001, ANN202
    """The sum of a money expression as exact euros, zero when nothing is summed."""
    return type_coerce(func.coalesce(func.sum(expression), 0), Scaled(2))


# The credit check of an order ----------------------------------------------------------------------


def hold_policy() -> HoldPolicy:
    settings = get_settings()
    return HoldPolicy(web_shop=settings.hold_web_orders, shipping_costs=settings.hold_changed_shipping,
                      payment_terms=settings.hold_changed_terms)


def order_reasons(
    session: Session, customer_id: int, *, amount: Decimal, previous: Decimal, shipping_costs: Decimal,
    payment_term: str | None, source: str, block_holds: bool,
) -> tuple[HoldReason, ...]:
    """Why a new or changed order waits for the credit manager. `previous` is what the order counted in the
    figures before this change (nothing for a new one). Reads the running figures, never sums."""
    row = session.get(CustomerCredit, customer_id)
    check = OrderCheck(
        block_holds=block_holds,
        limit=row.credit_limit if row else None,
        exposure=(row.receivables_open + row.orders_open - previous) if row else -previous,
        amount=amount,
        from_web_shop=source == Source.API.value,
        shipping_costs=shipping_costs,
        usual_shipping_costs=row.shipping_costs if row else None,
        payment_term=payment_term,
        usual_payment_term=row.payment_term if row else None,
    )
    return rules.hold_reasons(check, hold_policy())


# Credit terms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditSummary:
    credit_limit: Decimal | None
    payment_term: str | None
    shipping_costs: Decimal | None
    exposure: Exposure
    unpaid_open: Decimal  # amounts and charges of the unpaid items not made good yet
    unpaid_count: int

    @property
    def over_limit(self) -> bool:
        return rules.over_limit(self.credit_limit, self.exposure.total)

    @property
    def available(self) -> Decimal | None:
        return None if self.credit_limit is None else self.credit_limit - self.exposure.total


def summary(*, session: Session, actor: Actor, customer_id: int) -> CreditSummary:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    row = session.get(CustomerCredit, customer_id)
    count, owed = session.exec(
        select(func.count(), _total(UnpaidItem.amount + UnpaidItem.charges))
        .where(UnpaidItem.customer_id == customer_id, col(UnpaidItem.settled_at).is_(None))).one()
    return CreditSummary(
        credit_limit=row.credit_limit if row else None, payment_term=row.payment_term if row else None,
        shipping_costs=row.shipping_costs if row else None, exposure=exposure(session, customer_id),
        unpaid_open=owed, unpaid_count=count,
    )


def usual_terms(*, session: Session, actor: Actor, customer_id: int) -> tuple[str | None, Decimal | None]:
    """What a new order for the customer starts from: their usual payment terms and shipping costs."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    row = session.get(CustomerCredit, customer_id)
    return (row.payment_term, row.shipping_costs) if row else (None, None)


def save_terms(*, session: Session, actor: Actor, customer_id: int, raw: CreditTermsInput | Mapping) -> CustomerCredit:
    """The credit limit and the usual terms, set by an administrator or a credit manager; each change
    is a movement. Orders already saved are not checked again."""
    require(actor, Perm.BLOCKS_MANAGE)
    data, errors = CreditTermsInput.read(raw)
    for name in ("credit_limit", "shipping_costs"):
        value = getattr(data, name)
        if value is not None and (value < 0 or value > MAX_AMOUNT or money(value) != value):
            errors.setdefault(name, N_("sales.err.price"))
    if data.payment_term is not None and session.get(PaymentTerm, data.payment_term) is None:
        errors.setdefault("payment_term", N_("sales.err.payment_term"))
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    if errors:
        raise DomainError(errors)
    row = account(session, customer.id)
    wanted = {"credit_limit": _money_or_none(data.credit_limit), "payment_term": data.payment_term,
              "shipping_costs": _money_or_none(data.shipping_costs)}
    for name, value in wanted.items():
        before = getattr(row, name)
        if before != value:
            setattr(row, name, value)
            movements.record(session=session, customer_id=customer.id, actor=actor, source="office",
                             kind="credit.updated", field=name, before=_plain(before), after=_plain(value))
    row.updated_at = utcnow()
    session.add(row)
    return row


def _money_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else money(value)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


# The credit manager's overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class CreditOverview:
    over_limit_count: int
    over_limit_amount: Decimal  # by how much, all together
    blocked: dict[str, int]  # highest level -> customers
    unpaid_count: int
    unpaid_customers: int
    unpaid_amount: Decimal
    ageing: dict[str, Decimal]  # bucket -> still owed
    held_count: int


def _over_limit_condition():  # noqa: ANN202
    return col(CustomerCredit.credit_limit).is_not(None) & (
        CustomerCredit.receivables_open + CustomerCredit.orders_open > CustomerCredit.credit_limit)


def overview(*, session: Session, actor: Actor, today: date) -> CreditOverview:
    require(actor, Perm.BLOCKS_MANAGE)
    count, overshoot = session.exec(
        select(func.count(), _total(
            CustomerCredit.receivables_open + CustomerCredit.orders_open - CustomerCredit.credit_limit))
        .where(_over_limit_condition())).one()
    blocked = dict(session.exec(select(Customer.block_level, func.count()).where(
        col(Customer.block_level).is_not(None)).group_by(Customer.block_level)).all())
    unpaid_count, unpaid_customers, unpaid_amount = session.exec(
        select(func.count(), func.count(func.distinct(UnpaidItem.customer_id)),
               _total(UnpaidItem.amount + UnpaidItem.charges))
        .where(col(UnpaidItem.settled_at).is_(None))).one()
    bucket = case(*[(_bucket_condition(b, today), b.value) for b in AgeingBucket], else_=AgeingBucket.OVER_90.value)
    ageing = {b.value: ZERO for b in AgeingBucket}
    for name, owed in session.exec(
        select(bucket, _total(Receivable.amount - Receivable.paid))
        .where(col(Receivable.settled).is_(False)).group_by(bucket)
    ).all():
        ageing[name] = owed
    held = session.exec(select(func.count()).select_from(SalesDocument)
                        .where(SalesDocument.status == DocumentStatus.HELD.value)).one()
    return CreditOverview(
        over_limit_count=count, over_limit_amount=overshoot,
        blocked={level.value: blocked.get(level.value, 0) for level in BlockLevel},
        unpaid_count=unpaid_count, unpaid_customers=unpaid_customers,
        unpaid_amount=unpaid_amount, ageing=ageing, held_count=held,
    )


def _bucket_condition(bucket: AgeingBucket, today: date):  # noqa: ANN202
    """Receivables whose due date puts them in the bucket today."""
    first, last = rules.bucket_days(bucket)
    conditions = []
    if first is not None:
        conditions.append(Receivable.due_on <= today - timedelta(days=first))
    if last is not None:
        conditions.append(Receivable.due_on >= today - timedelta(days=last))
    condition = conditions[0]
    for more in conditions[1:]:
        condition = condition & more
    return condition


# The customer list's credit filters: each a set of customer ids the list keeps.
CREDIT_FILTERS = ("over_limit", "unpaid", *(f"age_{bucket.value}" for bucket in AgeingBucket))


def customers_matching(credit_filter: str, today: date):  # noqa: ANN201
    """A subquery of the customers a credit filter keeps, or None for an unknown filter."""
    if credit_filter == "over_limit":
        return select(CustomerCredit.customer_id).where(_over_limit_condition())
    if credit_filter == "unpaid":
        return select(UnpaidItem.customer_id).where(col(UnpaidItem.settled_at).is_(None))
    bucket = AgeingBucket.parse(credit_filter.removeprefix("age_")) if credit_filter.startswith("age_") else None
    if bucket is None:
        return None
    return select(Receivable.customer_id).where(col(Receivable.settled).is_(False), _bucket_condition(bucket, today))


# The credit job ---------------------------------------------------------------------------------------


def _summed_by_customer(session: Session) -> dict[int, Exposure]:
    owed = dict(session.exec(select(Receivable.customer_id, _total(Receivable.amount - Receivable.paid))
                             .where(col(Receivable.settled).is_(False)).group_by(Receivable.customer_id)).all())
    ordered = dict(session.exec(select(SalesDocument.customer_id, _total(SalesDocument.gross_total))
                                .where(_committed_condition()).group_by(SalesDocument.customer_id)).all())
    return {customer_id: Exposure(owed.get(customer_id, ZERO), ordered.get(customer_id, ZERO))
            for customer_id in set(owed) | set(ordered)}


def reconcile(session: Session) -> int:
    """Puts right any running figure that differs from the sums (a change made outside the app), each
    customer checked again under their row lock before it is written; returns how many it corrected."""
    summed = _summed_by_customer(session)
    kept = {row.customer_id: Exposure(row.receivables_open, row.orders_open)
            for row in session.exec(select(CustomerCredit))}
    nothing = Exposure(ZERO, ZERO)
    suspects = [customer_id for customer_id in sorted(set(summed) | set(kept))
                if summed.get(customer_id, nothing) != kept.get(customer_id, nothing)]
    corrected = 0
    for customer_id in suspects:
        if customers.locked_customer(session, customer_id) is None:
            continue
        session.expire_all()
        now = exposure_by_sum(session, customer_id)
        row = account(session, customer_id)
        if (row.receivables_open, row.orders_open) == (now.receivables, now.orders):
            continue
        log.warning("credit figures of customer %s corrected: %s/%s -> %s/%s", customer_id, row.receivables_open,
                    row.orders_open, now.receivables, now.orders)
        row.receivables_open, row.orders_open, row.updated_at = now.receivables, now.orders, utcnow()
        session.add(row)
        corrected += 1
    return corrected


@dataclass(frozen=True)
class JobResult:
    corrected: int
    blocked: int
    lifted: int

    def __bool__(self) -> bool:
        return bool(self.corrected or self.blocked or self.lifted)

    def __str__(self) -> str:
        return f"{self.corrected} figures corrected, {self.blocked} blocked as overdue, {self.lifted} released"


def overdue_blocks(session: Session, today: date, days: int) -> tuple[int, int]:
    """The overdue-items rule (sospesi): a customer with a receivable more than `days` days late gets an
    automatic overdue block, lifted by the same rule once nothing is that late. Returns (set, lifted)."""
    late: dict[int, tuple[date, int]] = {}
    for customer_id, due_on, receivable_id in session.exec(
        select(Receivable.customer_id, Receivable.due_on, Receivable.id)
        .where(col(Receivable.settled).is_(False), Receivable.due_on < today - timedelta(days=days))
        .order_by(Receivable.due_on, Receivable.id)
    ):
        late.setdefault(customer_id, (due_on, receivable_id))
    flagged = set(session.exec(select(CustomerBlock.customer_id).where(
        col(CustomerBlock.automatic), CustomerBlock.level == BlockLevel.OVERDUE.value,
        col(CustomerBlock.lifted_at).is_(None))))
    set_count = lifted = 0
    for customer_id, (due_on, receivable_id) in sorted(late.items()):
        if customer_id in flagged:
            continue
        customer = customers.locked_customer(session, customer_id)
        reason = f"{receivables_label(session, receivable_id)} · {due_on.isoformat()}"
        if customer is not None and blocks.set_automatic_block(session, customer, BlockLevel.OVERDUE, reason):
            set_count += 1
    for customer_id in sorted(flagged - set(late)):
        customer = customers.locked_customer(session, customer_id)
        if customer is not None:
            lifted += blocks.lift_automatic_blocks(session, customer, BlockLevel.OVERDUE, today.isoformat())
    return set_count, lifted


def receivables_label(session: Session, receivable_id: int) -> str:
    receivable = session.get(Receivable, receivable_id)
    invoice = session.get(SalesDocument, receivable.invoice_id)
    return f"{display_number(invoice.kind, invoice.year, invoice.number)} #{receivable.instalment}"


def run_job(session: Session, today: date) -> JobResult:
    """`python -m app.jobs credit`: the running figures checked against the sums and, when the company
    asks for it (OVERDUE_AUTO_BLOCK), the overdue-items blocks raised and lifted."""
    corrected = reconcile(session)
    settings = get_settings()
    blocked = lifted = 0
    if settings.overdue_auto_block:
        blocked, lifted = overdue_blocks(session, today, settings.overdue_block_days)
    return JobResult(corrected, blocked, lifted)
