"""What customers owe and what they paid: an approved invoice opens its instalments; payments settle them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from app.domain import sales as rules
from app.domain.errors import DomainError
from app.domain.inputs import PaymentInput, UnpaidInput, check_text
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.domain.vocabularies import BlockLevel, DocumentKind, DocumentStatus, UnpaidKind
from app.i18n import N_, normalize_language, t
from app.i18n.formats import format_money, format_short_date
from app.models import Customer, PaymentTerm, Receivable, SalesDocument, UnpaidItem, User
from app.models.base import utcnow
from app.models.receivable import Payment
from app.services import blocks, credit, customers, mail_templates, movements, outbox
from app.settings import get_settings


def open_for_invoice(session: Session, invoice: SalesDocument) -> list[Receivable]:
    """The invoice's instalments by its payment terms (one at the invoice date without terms)."""
    term = session.get(PaymentTerm, invoice.payment_term) if invoice.payment_term else None
    parts = rules.instalments(invoice.gross_total, invoice.document_date, term.days if term else "0")
    opened = [Receivable(customer_id=invoice.customer_id, invoice_id=invoice.id, instalment=index, due_on=due_on,
                         amount=amount, settled=amount == 0)
              for index, (due_on, amount) in enumerate(parts, start=1)]
    session.add_all(opened)
    session.flush()
    credit.add(session, invoice.customer_id, receivables=sum((r.amount for r in opened), Decimal("0.00")))
    return opened


def apply_credit_note(session: Session, actor: Actor, note: SalesDocument) -> Decimal:
    """An approved credit note is set against what is still owed on the invoice it corrects, the latest
    instalment first; returns how much it settled (a note larger than what is owed leaves the rest to
    refund, which the receivables do not carry). Refused when the invoice's credit notes would add up to
    more than the invoice."""
    invoice = session.get(SalesDocument, note.source_document_id) if note.source_document_id else None
    if invoice is None or invoice.kind != DocumentKind.INVOICE:
        raise DomainError(N_("sales.err.not_creditable"))
    credited = session.exec(select(SalesDocument.gross_total).where(
        SalesDocument.source_document_id == invoice.id, SalesDocument.kind == DocumentKind.CREDIT_NOTE.value,
        SalesDocument.status == DocumentStatus.APPROVED.value, SalesDocument.id != note.id)).all()
    if sum(credited, note.gross_total) > invoice.gross_total:
        raise DomainError(N_("sales.err.credit_exceeds"))
    left = note.gross_total
    applied = Decimal("0.00")
    open_instalments = select(Receivable).where(Receivable.invoice_id == invoice.id, col(Receivable.settled).is_(False))
    for receivable in session.exec(open_instalments.order_by(col(Receivable.due_on).desc(),
                                                             col(Receivable.id).desc())).all():
        part = min(left, receivable.amount - receivable.paid)
        if part <= 0:
            break
        session.add(Payment(customer_id=invoice.customer_id, receivable_id=receivable.id, amount=part,
                            paid_on=note.document_date, credit_note_id=note.id, recorded_by_user_id=actor.user_id,
                            recorded_by_name=actor.name))
        receivable.paid += part
        receivable.settled = receivable.paid >= receivable.amount
        session.add(receivable)
        left -= part
        applied += part
        if receivable.settled:
            session.flush()
            _settle_unpaid(session, session.get(Customer, invoice.customer_id), receivable, _label(session, receivable))
    credit.add(session, invoice.customer_id, receivables=-applied)
    return applied


@dataclass(frozen=True)
class ReceivableRow:
    id: int
    invoice: str
    instalment: int
    due_on: date
    amount: Decimal
    paid: Decimal
    settled: bool
    unpaid: bool  # a payment on it came back and is not made good yet

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
    found = list(session.exec(statement.order_by(Receivable.due_on, Receivable.id).limit(max(1, min(limit, 500)))))
    unpaid = set(session.exec(select(UnpaidItem.receivable_id).where(
        UnpaidItem.customer_id == customer_id, col(UnpaidItem.settled_at).is_(None))))
    return [ReceivableRow(r.id, rules.display_number(d.kind, d.year, d.number), r.instalment, r.due_on, r.amount,
                          r.paid, r.settled, r.id in unpaid) for r, d in found]


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
    credit.add(session, customer.id, receivables=-amount)
    label = _label(session, receivable)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="payment.recorded",
                     summary=f"{label} · {amount} €")
    if receivable.settled:
        _settle_unpaid(session, customer, receivable, label)
    return payment


def _label(session: Session, receivable: Receivable) -> str:
    return credit.receivables_label(session, receivable.id)


def _settle_unpaid(session: Session, customer: Customer, receivable: Receivable, label: str) -> None:
    """An instalment paid again settles its unpaid items; with none left open, the automatic block goes."""
    now = utcnow()
    for item in session.exec(select(UnpaidItem).where(UnpaidItem.receivable_id == receivable.id,
                                                       col(UnpaidItem.settled_at).is_(None))):
        item.settled_at = now
        session.add(item)
    session.flush()
    if open_unpaid_count(session, customer.id) == 0:
        blocks.lift_automatic_blocks(session, customer, BlockLevel.UNPAID, label)


def open_unpaid_count(session: Session, customer_id: int) -> int:
    return session.exec(select(func.count()).select_from(UnpaidItem).where(
        UnpaidItem.customer_id == customer_id, col(UnpaidItem.settled_at).is_(None))).one()


def blocks_automatically(customer: Customer) -> bool:
    return get_settings().unpaid_auto_block if customer.unpaid_auto_block is None else customer.unpaid_auto_block


def set_auto_block(*, session: Session, actor: Actor, customer_id: int, enabled: bool) -> Customer:
    """Whether an unpaid item blocks this customer by itself, as the credit manager chose."""
    require(actor, Perm.BLOCKS_MANAGE)
    customer = customers.locked_customer(session, customer_id)
    if customer is None or not isinstance(enabled, bool):
        raise DomainError("customer.not_found" if customer is None else N_("form.err.value"))
    before = blocks_automatically(customer)
    customer.unpaid_auto_block = enabled
    session.add(customer)
    if before != enabled:
        movements.record(session=session, customer_id=customer.id, actor=actor, source="office",
                         kind="customer.updated", field="unpaid_auto_block", before=before, after=enabled)
    return customer


def register_unpaid(
    *, session: Session, actor: Actor, customer_id: int, receivable_id: int, raw: UnpaidInput | Mapping,
) -> UnpaidItem:
    """A payment came back: the instalment is owed again with the bank's charges, the customer is told
    by e-mail (unless they block automatic e-mails) and, as their setting says, blocked automatically."""
    require(actor, Perm.RECEIVABLES_MANAGE)
    data, errors = UnpaidInput.read(raw)
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    receivable = session.get(Receivable, receivable_id) if isinstance(receivable_id, int) else None
    if receivable is None or receivable.customer_id != customer.id:
        raise DomainError(N_("payments.err.not_found"))
    kind = UnpaidKind.parse(data.kind)
    if kind is None:
        errors.setdefault("kind", N_("unpaid.err.kind"))
    if data.returned_on is None:
        errors.setdefault("returned_on", N_("form.err.date"))
    elif data.returned_on > date.today():
        errors["returned_on"] = N_("payments.err.future")
    if data.amount is None or data.amount <= 0:
        errors.setdefault("amount", N_("payments.err.amount"))
    elif rules.money(data.amount) != data.amount or data.amount > receivable.paid:
        errors["amount"] = N_("unpaid.err.more_than_paid")
    charges = data.charges if data.charges is not None else Decimal(0)
    if charges < 0 or rules.money(charges) != charges or charges > rules.MAX_AMOUNT:
        errors.setdefault("charges", N_("sales.err.price"))
    check_text(data.note, "note", 500, errors)
    if errors:
        raise DomainError(errors, paid=str(receivable.paid))
    item = UnpaidItem(customer_id=customer.id, receivable_id=receivable.id, kind=kind.value,
                      returned_on=data.returned_on, amount=data.amount, charges=charges, note=data.note,
                      registered_by_user_id=actor.user_id, registered_by_name=actor.name)
    receivable.paid -= data.amount
    receivable.amount += charges
    receivable.settled = False
    session.add_all([item, receivable])
    session.flush()
    credit.add(session, customer.id, receivables=data.amount + charges)
    label = _label(session, receivable)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office",
                     kind="unpaid.registered", summary=f"{label} · {data.amount} € + {charges} €")
    _send_notice(session, customer, item, receivable, label)
    if blocks_automatically(customer):
        blocks.set_automatic_block(session, customer, BlockLevel.UNPAID, label)
    return item


def _send_notice(session: Session, customer: Customer, item: UnpaidItem, receivable: Receivable, label: str) -> None:
    if customer.block_automatic_emails or not customer.email:
        return
    # The customer's own users' language when they have one; the company's otherwise.
    lang = normalize_language(session.exec(
        select(User.language).where(User.customer_id == customer.id, col(User.is_active)).order_by(User.id)).first())
    settings = get_settings()
    subject, body = mail_templates.render(
        session, "unpaid_notice", lang, name=customer.display_name, invoice=label,
        due=format_short_date(receivable.due_on, lang), amount=format_money(item.amount, lang),
        charges=format_money(item.charges, lang), total=format_money(item.amount + item.charges, lang),
        company=settings.company_name, app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"unpaid:{item.id}", to_address=customer.email, subject=subject,
                   body_text=body, kind="unpaid")
