"""What customers owe and what they paid: an approved invoice opens its instalments; payments settle them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from app.domain import sales as rules
from app.domain.errors import DomainError
from app.domain.inputs import PaymentInput
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.i18n import N_
from app.models import PaymentTerm, Receivable, SalesDocument
from app.models.receivable import Payment
from app.services import customers, movements


def open_for_invoice(session: Session, invoice: SalesDocument) -> list[Receivable]:
    """The invoice's instalments by its payment terms (one at the invoice date without terms)."""
    term = session.get(PaymentTerm, invoice.payment_term) if invoice.payment_term else None
    parts = rules.instalments(invoice.gross_total, invoice.document_date, term.days if term else "0")
    opened = [Receivable(customer_id=invoice.customer_id, invoice_id=invoice.id, instalment=index, due_on=due_on,
                         amount=amount, settled=amount == 0)
              for index, (due_on, amount) in enumerate(parts, start=1)]
    session.add_all(opened)
    session.flush()
    return opened


@dataclass(frozen=True)
class ReceivableRow:
    id: int
    invoice: str
    instalment: int
    due_on: date
    amount: Decimal
    paid: Decimal
    settled: bool

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


def list_receivables(*, session: Session, actor: Actor, customer_id: int, open_only: bool = False,
                     limit: int = 100) -> list[ReceivableRow]:
    """Oldest due first: what to chase comes first."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    statement = (select(Receivable, SalesDocument).join(SalesDocument, col(SalesDocument.id) == Receivable.invoice_id)
                 .where(Receivable.customer_id == customer_id))
    if open_only:
        statement = statement.where(col(Receivable.settled).is_(False))
    found = session.exec(statement.order_by(Receivable.due_on, Receivable.id).limit(max(1, min(limit, 500))))
    return [ReceivableRow(r.id, rules.display_number(d.kind, d.year, d.number), r.instalment, r.due_on, r.amount,
                          r.paid, r.settled) for r, d in found]


def record_payment(
    *, session: Session, actor: Actor, customer_id: int, receivable_id: int, raw: PaymentInput | Mapping,
) -> Payment:
    """A payment on one instalment, never more than what is still owed on it."""
    require(actor, Perm.RECEIVABLES_MANAGE)
    data, errors = PaymentInput.read(raw)
    if data.paid_on is None:
        errors.setdefault("paid_on", N_("form.err.date"))
    elif data.paid_on > date.today():
        errors["paid_on"] = N_("payments.err.future")
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    receivable = session.get(Receivable, receivable_id) if isinstance(receivable_id, int) else None
    if receivable is None or receivable.customer_id != customer.id:
        raise DomainError(N_("payments.err.not_found"))
    outstanding = receivable.amount - receivable.paid
    amount = data.amount if data.amount is not None else None
    if amount is None or amount <= 0:
        errors.setdefault("amount", N_("payments.err.amount"))
    elif rules.money(amount) != amount or amount > outstanding:
        errors["amount"] = N_("payments.err.more_than_owed")
    if errors:
        raise DomainError(errors, owed=str(outstanding))
    payment = Payment(customer_id=customer.id, receivable_id=receivable.id, amount=amount, paid_on=data.paid_on,
                      recorded_by_user_id=actor.user_id, recorded_by_name=actor.name)
    receivable.paid = receivable.paid + amount
    receivable.settled = receivable.paid >= receivable.amount
    session.add_all([payment, receivable])
    session.flush()
    invoice = session.get(SalesDocument, receivable.invoice_id)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="payment.recorded",
                     summary=f"{rules.display_number(invoice.kind, invoice.year, invoice.number)} "
                             f"#{receivable.instalment} · {amount} €")
    return payment
