"""Articles and sales documents. Numbers, prices of articles, totals and VAT are computed here, never
taken from the caller; a customer's blocks are asked before a document is created, and a document they
hold waits for the credit manager."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, or_, select

from app.domain import sales as rules
from app.domain.credit import ZERO, join_reasons, parse_reasons
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import ArticleInput, ComplaintInput, DocumentInput, LiftInput, LineInput, check_text
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.domain.text import fold
from app.domain.vocabularies import CreditAction, CustomerStatus, DocumentKind, DocumentStatus, Effect, HoldReason
from app.i18n import N_, normalize_language, t
from app.models import (
    Article,
    Customer,
    CustomerCredit,
    PaymentTerm,
    SalesDocument,
    SalesLine,
    Site,
    UnpaidItem,
    User,
)
from app.models.base import utcnow
from app.services import (
    blocks,
    credit,
    customers,
    history,
    mail_templates,
    movements,
    outbox,
    receivables,
    sequences,
    webhooks,
)
from app.services.lists import COUNT_CAP, CappedCount, capped_count

# Kinds the office creates directly; the others are made from another document.
CREATED_DIRECTLY = (DocumentKind.QUOTE, DocumentKind.ORDER)
MAX_LINES = 500


# Articles ----------------------------------------------------------------------------------------


def save_article(
    *, session: Session, actor: Actor, raw: ArticleInput | Mapping, article_id: int | None = None,
) -> Article:
    require(actor, Perm.CUSTOMERS_WRITE)
    data, errors = ArticleInput.read(raw)
    code = (data.code or "").upper()
    check_text(code, "code", 40, errors, required=True)
    check_text(data.description, "description", 300, errors, required=True)
    check_text(data.properties, "properties", 300, errors)
    if data.ean is not None and not (data.ean.isdigit() and len(data.ean) in (8, 12, 13, 14)):
        errors["ean"] = N_("sales.err.ean")
    line_errors = rules.check_line(Decimal(1), data.unit_price, None, data.vat_rate)
    errors.update({k: v for k, v in line_errors.items() if k in ("unit_price", "vat_rate") and k not in errors})
    holder = session.exec(select(Article.id).where(Article.code == code)).first() if code else None
    if holder is not None and holder != article_id:
        errors["code"] = N_("sales.err.code_taken")
    if errors:
        raise DomainError(errors)
    article = Article(code=code, description=data.description, unit_price=data.unit_price, vat_rate=data.vat_rate) \
        if article_id is None else session.get(Article, article_id)
    if article is None:
        raise DomainError(N_("sales.err.article_not_found"))
    article.code, article.ean, article.description = code, data.ean, data.description
    article.unit_price, article.vat_rate = rules.money(data.unit_price), rules.money(data.vat_rate)
    article.properties = data.properties
    session.add(article)
    session.flush()
    return article


def find_articles(*, session: Session, actor: Actor, query: str = "", limit: int = 20) -> list[Article]:
    """Active articles whose code, EAN or description holds the text, by code."""
    require(actor, Perm.CUSTOMERS_READ)
    statement = select(Article).where(col(Article.active)).order_by(Article.code).limit(max(1, min(limit, 100)))
    text = fold(query if isinstance(query, str) else "")[:60]
    if text:
        pattern = f"%{text}%"
        statement = statement.where(or_(func.lower(Article.code).like(pattern), col(Article.ean).like(pattern),
                                        func.lower(Article.description).like(pattern)))
    return list(session.exec(statement))


def payment_terms(session: Session) -> list[PaymentTerm]:
    return list(session.exec(select(PaymentTerm).order_by(PaymentTerm.position, PaymentTerm.code)))


# Documents ---------------------------------------------------------------------------------------


def _next_number(session: Session, kind: DocumentKind, year: int) -> int:
    """Each kind is numbered from 1 every year."""
    return sequences.take(session, f"sales.{kind.value}.{year}")


@dataclass(frozen=True)
class ReadLine:
    article_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    vat_rate: Decimal
    amounts: rules.LineAmounts


def _read_lines(session: Session, lines: list[LineInput], errors: dict[str, str]) -> list[ReadLine]:
    """Each line checked; an article line takes its description, price and VAT from the catalogue
    unless the office typed its own price or description."""
    if not lines:
        errors.setdefault("lines", N_("sales.err.no_lines"))
    elif len(lines) > MAX_LINES:
        errors.setdefault("lines", N_("sales.err.too_many_lines"))
    read = []
    for index, line in enumerate(lines[:MAX_LINES]):
        article = None
        if line.article_id is not None:
            article_id = parse_id(line.article_id)
            article = session.get(Article, article_id) if article_id else None
            if article is None or not article.active:
                errors[f"lines.{index}.article_id"] = N_("sales.err.article_not_found")
                continue
        description = line.description or (article.description if article else None)
        unit_price = line.unit_price if line.unit_price is not None else (article.unit_price if article else None)
        vat_rate = line.vat_rate if line.vat_rate is not None else (article.vat_rate if article else rules.STANDARD_VAT)
        discount = line.discount or Decimal(0)
        line_errors = rules.check_line(line.quantity, unit_price, discount, vat_rate)
        if not description:
            line_errors["description"] = N_("form.err.required")
        elif len(description) > 300:
            line_errors["description"] = N_("form.err.too_long")
        for field, message in line_errors.items():  # a value that could not be read keeps that message
            errors.setdefault(f"lines.{index}.{field}", message)
        if line_errors:
            continue
        read.append(ReadLine(article.id if article else None, description, line.quantity, rules.money(unit_price),
                             rules.money(discount), rules.money(vat_rate),
                             rules.line_amounts(line.quantity, unit_price, discount, vat_rate)))
    return read


def _read_header(session: Session, customer: Customer, data: DocumentInput, errors: dict[str, str]) -> dict:
    term = data.payment_term
    if term is not None and session.get(PaymentTerm, term) is None:
        errors["payment_term"] = N_("sales.err.payment_term")
    site_id = None
    if data.shipping_site_id not in (None, "", "default"):
        site_id = parse_id(data.shipping_site_id)
        site = session.get(Site, site_id) if site_id else None
        if site is None or site.customer_id != customer.id:
            errors["shipping_site_id"] = N_("sales.err.site")
    else:
        default = session.exec(select(Site.id).where(Site.customer_id == customer.id, col(Site.is_default))).first()
        site_id = default
    shipping = data.shipping_costs if data.shipping_costs is not None else Decimal(0)
    if not (Decimal(0) <= shipping <= rules.MAX_AMOUNT):
        errors["shipping_costs"] = N_("sales.err.price")
    check_text(data.notes, "notes", 4000, errors)
    return {"payment_term": term, "shipping_site_id": site_id, "shipping_costs": rules.money(shipping),
            "document_date": data.date or date.today(), "notes": data.notes}


def _write_lines(session: Session, document: SalesDocument, lines: list[ReadLine]) -> None:
    for old in session.exec(select(SalesLine).where(SalesLine.document_id == document.id)):
        session.delete(old)
    session.flush()
    for position, line in enumerate(lines, start=1):
        session.add(SalesLine(
            document_id=document.id, position=position, article_id=line.article_id, description=line.description,
            quantity=line.quantity, unit_price=line.unit_price, discount=line.discount, vat_rate=line.vat_rate,
            net=line.amounts.net, vat=line.amounts.vat, gross=line.amounts.gross,
        ))
    totals = rules.document_totals([line.amounts for line in lines], document.shipping_costs)
    document.net_total, document.vat_total, document.gross_total = totals.net, totals.vat, totals.gross


def _locked_for_write(
    session: Session, actor: Actor, customer_id: int, anonymized: str = N_("sales.err.anonymized"),
) -> Customer:
    """The customer a document is written for, row-locked: its blocks and credit figures are read and
    changed by one writer at a time. An anonymized customer's documents are kept as they are, and none is made
    for it or from them."""
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    if customer.status == CustomerStatus.ANONYMIZED:
        raise DomainError({"customer": anonymized})
    return customer


def _hold_reasons(
    session: Session, customer: Customer, kind: DocumentKind, effect: Effect, *, gross: Decimal, previous: Decimal,
    header: dict, source: str,
) -> tuple[HoldReason, ...]:
    """A quote waits only when a block holds it; an order also meets the credit check."""
    if kind is not DocumentKind.ORDER:
        return (HoldReason.BLOCK,) if effect is Effect.HOLD else ()
    return credit.order_reasons(session, customer.id, amount=gross, previous=previous,
                                shipping_costs=header["shipping_costs"], payment_term=header["payment_term"],
                                source=source, block_holds=effect is Effect.HOLD)


def create_document(
    *, session: Session, actor: Actor, customer_id: int, kind: str, raw: DocumentInput | Mapping,
    source: str = "office",
) -> SalesDocument:
    """A new quote or order. Refused when a block refuses it; held for the credit manager when a block
    holds it or, for an order, the credit check finds a reason; otherwise a draft. The check reads the
    customer's figures under their row lock, so two orders saved at once are checked one after the other."""
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    document_kind = DocumentKind.parse(kind)
    if document_kind not in CREATED_DIRECTLY:
        raise DomainError(N_("sales.err.kind"))
    data, errors = DocumentInput.read(raw)
    customer = _locked_for_write(session, actor, customer_id)
    effect = blocks.require_allowed(session, customer.id, rules.CREDIT_ACTION[document_kind])
    header = _read_header(session, customer, data, errors)
    lines = _read_lines(session, data.lines, errors)
    if errors:
        raise DomainError(errors)
    year = header["document_date"].year
    gross = rules.document_totals([line.amounts for line in lines], header["shipping_costs"]).gross
    reasons = _hold_reasons(session, customer, document_kind, effect, gross=gross, previous=ZERO, header=header,
                            source=source)
    document = SalesDocument(
        kind=document_kind.value, year=year, number=_next_number(session, document_kind, year), customer_id=customer.id,
        status=(DocumentStatus.HELD if reasons else DocumentStatus.DRAFT).value, held_reasons=join_reasons(reasons),
        created_by_user_id=actor.user_id, **header,
    )
    session.add(document)
    session.flush()
    _write_lines(session, document, lines)
    session.add(document)
    credit.track(session, document, ZERO)
    number = rules.display_number(document.kind, document.year, document.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source=source, kind="sales.created",
                     summary=f"{number} · {document.gross_total} €")
    if reasons:
        webhooks.enqueue(session, "document.held", f"document:{document.id}:v{document.version}",
                         {"customer_id": customer.id, "document_id": document.id, "number": number,
                          "reasons": [r.value for r in reasons]})
    return document


def _moved(session: Session, document: SalesDocument, previous_commitment: Decimal) -> None:
    """After a document's status changed: the exposure figures and the transaction history follow it."""
    credit.track(session, document, previous_commitment)
    history.sync_document(session, document)


def _own_document(session: Session, customer_id: int, document_id: object) -> SalesDocument:
    wanted = parse_id(document_id)
    document = session.get(SalesDocument, wanted) if wanted else None
    if document is None or document.customer_id != customer_id:
        raise DomainError(N_("sales.err.not_found"))
    return document


def update_document(
    *, session: Session, actor: Actor, customer_id: int, document_id: int, raw: DocumentInput | Mapping,
    expected_version: int, source: str = "office",
) -> SalesDocument:
    """A draft's header and lines replaced as a whole; a document someone saved meanwhile is refused. A
    changed order meets the blocks and the credit check again, as a new one would, and may be held."""
    customer = _locked_for_write(session, actor, customer_id)
    document = _own_document(session, customer.id, document_id)
    if DocumentStatus(document.status) not in rules.EDITABLE:
        raise DomainError(N_("sales.err.not_editable"))
    if document.version != expected_version:
        raise DomainError(N_("sales.err.changed_meanwhile"))
    action = rules.CREDIT_ACTION.get(DocumentKind(document.kind))
    effect = blocks.require_allowed(session, customer.id, action) if action else Effect.ALLOW
    data, errors = DocumentInput.read(raw)
    header = _read_header(session, customer, data, errors)
    lines = _read_lines(session, data.lines, errors)
    if errors:
        raise DomainError(errors)
    if header["document_date"].year != document.year:
        raise DomainError({"date": N_("sales.err.other_year")})
    previous = credit.commitment(document)
    gross = rules.document_totals([line.amounts for line in lines], header["shipping_costs"]).gross
    reasons = _hold_reasons(session, customer, DocumentKind(document.kind), effect, gross=gross, previous=previous,
                            header=header, source=source)
    for name, value in header.items():
        setattr(document, name, value)
    _write_lines(session, document, lines)
    document.version += 1
    document.updated_at = utcnow()
    if reasons:
        document.status, document.held_reasons = DocumentStatus.HELD.value, join_reasons(reasons)
    session.add(document)
    credit.track(session, document, previous)
    number = rules.display_number(document.kind, document.year, document.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source=source, kind="sales.updated",
                     summary=f"{number} · {document.gross_total} €")
    if reasons:
        movements.record(session=session, customer_id=customer.id, actor=actor, source=source, kind="sales.held",
                         summary=f"{number} · {', '.join(reason.value for reason in reasons)}")
    return document


def move_document(
    *, session: Session, actor: Actor, customer_id: int, document_id: int, status: str,
) -> SalesDocument:
    """Approves, opens, fulfils, closes, rejects or cancels, as the document's kind allows. A held
    document moves on only through the credit manager's release."""
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    wanted = DocumentStatus.parse(status)
    if wanted is None:
        raise DomainError(N_("sales.err.status_move"))
    customer = _locked_for_write(session, actor, customer_id)
    document = _own_document(session, customer.id, document_id)
    current = DocumentStatus(document.status)
    if current is DocumentStatus.HELD:
        raise DomainError(N_("sales.err.held"))
    rules.require_move(DocumentKind(document.kind), current, wanted)
    previous = credit.commitment(document)
    if wanted is DocumentStatus.APPROVED and document.kind == DocumentKind.INVOICE:
        receivables.open_for_invoice(session, document)
    if wanted is DocumentStatus.APPROVED and document.kind == DocumentKind.CREDIT_NOTE:
        receivables.apply_credit_note(session, actor, document)
    document.status, document.updated_at = wanted.value, utcnow()
    document.version += 1
    session.add(document)
    _moved(session, document, previous)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.status",
                     field="sales_status", before=current.value, after=wanted.value,
                     summary=rules.display_number(document.kind, document.year, document.number))
    return document


def invoice_from_order(*, session: Session, actor: Actor, customer_id: int, order_id: int) -> SalesDocument:
    """A draft invoice with the order's lines, header and shipping costs, linked to the order, which is
    then fulfilled. The customer's blocks are asked as for any new invoice."""
    customer = _locked_for_write(session, actor, customer_id)
    order = _own_document(session, customer.id, order_id)
    if order.kind != DocumentKind.ORDER or DocumentStatus(order.status) is not DocumentStatus.OPEN:
        raise DomainError(N_("sales.err.not_invoiceable"))
    effect = blocks.require_allowed(session, customer.id, CreditAction.NEW_INVOICE)
    today = date.today()
    held = effect is Effect.HOLD
    invoice = SalesDocument(
        kind=DocumentKind.INVOICE.value, year=today.year, document_date=today, customer_id=customer.id,
        number=_next_number(session, DocumentKind.INVOICE, today.year),
        status=(DocumentStatus.HELD if held else DocumentStatus.DRAFT).value, held_reasons="block" if held else None,
        payment_term=order.payment_term, shipping_site_id=order.shipping_site_id, shipping_costs=order.shipping_costs,
        net_total=order.net_total, vat_total=order.vat_total, gross_total=order.gross_total,
        source_document_id=order.id, notes=order.notes, created_by_user_id=actor.user_id,
    )
    session.add(invoice)
    session.flush()
    for line in session.exec(select(SalesLine).where(SalesLine.document_id == order.id)):
        session.add(SalesLine(**line.model_dump(exclude={"id", "document_id"}), document_id=invoice.id))
    before = credit.commitment(order)
    order.status, order.updated_at, order.version = DocumentStatus.FULFILLED.value, utcnow(), order.version + 1
    session.add(order)
    _moved(session, order, before)
    credit.track(session, invoice, ZERO)
    number = rules.display_number(invoice.kind, invoice.year, invoice.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.created",
                     summary=f"{number} ← {rules.display_number(order.kind, order.year, order.number)} · "
                             f"{invoice.gross_total} €")
    return invoice


def _credit_note(session: Session, actor: Actor, customer: Customer, invoice: SalesDocument,
                 lines: list[SalesLine]) -> SalesDocument:
    """A draft credit note correcting an approved invoice with the given lines, to edit down to what is
    credited. Approved, it is set against what is still owed on the invoice."""
    blocks.require_allowed(session, customer.id, CreditAction.NEW_CREDIT_NOTE)
    today = date.today()
    note = SalesDocument(
        kind=DocumentKind.CREDIT_NOTE.value, year=today.year, document_date=today, customer_id=customer.id,
        number=_next_number(session, DocumentKind.CREDIT_NOTE, today.year), status=DocumentStatus.DRAFT.value,
        payment_term=invoice.payment_term, shipping_site_id=invoice.shipping_site_id,
        source_document_id=invoice.id, created_by_user_id=actor.user_id,
    )
    session.add(note)
    session.flush()
    _copy_lines(session, note, lines)
    number = rules.display_number(note.kind, note.year, note.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.created",
                     summary=f"{number} ← {rules.display_number(invoice.kind, invoice.year, invoice.number)} · "
                             f"{note.gross_total} €")
    return note


def _copy_lines(session: Session, document: SalesDocument, lines: list[SalesLine],
                quantity: Decimal | None = None) -> None:
    """The lines copied onto the new document (one line's quantity changed when given), totals recomputed."""
    amounts = []
    for position, line in enumerate(lines, start=1):
        wanted = quantity if quantity is not None else line.quantity
        amount = rules.line_amounts(wanted, line.unit_price, line.discount, line.vat_rate)
        amounts.append(amount)
        session.add(SalesLine(document_id=document.id, position=position, article_id=line.article_id,
                              description=line.description, quantity=wanted, unit_price=line.unit_price,
                              discount=line.discount, vat_rate=line.vat_rate, net=amount.net, vat=amount.vat,
                              gross=amount.gross))
    totals = rules.document_totals(amounts, Decimal("0.00"))
    document.net_total, document.vat_total, document.gross_total = totals.net, totals.vat, totals.gross
    session.add(document)
    session.flush()


def credit_note_from_invoice(*, session: Session, actor: Actor, customer_id: int, invoice_id: int) -> SalesDocument:
    """A draft credit note with all the lines of an approved invoice."""
    customer = _locked_for_write(session, actor, customer_id)
    invoice = _own_document(session, customer.id, invoice_id)
    if invoice.kind != DocumentKind.INVOICE or DocumentStatus(invoice.status) is not DocumentStatus.APPROVED:
        raise DomainError(N_("sales.err.not_creditable"))
    lines = list(session.exec(select(SalesLine).where(SalesLine.document_id == invoice.id)
                              .order_by(SalesLine.position)))
    return _credit_note(session, actor, customer, invoice, lines)


def _history_line(session: Session, actor: Actor, customer_id: int, line_id: object,
                  anonymized: str = N_("sales.err.anonymized")) -> tuple:
    customer = _locked_for_write(session, actor, customer_id, anonymized)
    found = history.line_of_customer(session, customer.id, parse_id(line_id))
    if found is None:
        raise DomainError(N_("history.err.line"))
    return customer, *found


def credit_note_from_line(*, session: Session, actor: Actor, customer_id: int, line_id: int) -> SalesDocument:
    """A draft credit note for one sold line, or for the line of an open complaint (the credit note then
    corrects the invoice the complaint is about)."""
    customer, line, document = _history_line(session, actor, customer_id, line_id)
    shown = (document.kind, document.status)
    if shown == (DocumentKind.INVOICE.value, DocumentStatus.APPROVED.value):
        invoice = document
    elif shown == (DocumentKind.COMPLAINT.value, DocumentStatus.APPROVED.value) and document.source_document_id:
        invoice = session.get(SalesDocument, document.source_document_id)
    else:
        raise DomainError(N_("history.err.not_creditable"))
    return _credit_note(session, actor, customer, invoice, [line])


def complaint_from_line(
    *, session: Session, actor: Actor, customer_id: int, line_id: int, raw: ComplaintInput | Mapping,
) -> SalesDocument:
    """A complaint about a sold line, open from when it is registered: the quantity complained about
    (at most what was sold), whether the goods are defective, and what the customer says."""
    customer, line, invoice = _history_line(session, actor, customer_id, line_id,
                                            anonymized=N_("history.err.customer_anonymized"))
    if (invoice.kind, invoice.status) != (DocumentKind.INVOICE.value, DocumentStatus.APPROVED.value):
        raise DomainError(N_("history.err.not_sold"))
    data, errors = ComplaintInput.read(raw)
    quantity = data.quantity if data.quantity is not None else line.quantity
    if "quantity" not in errors and not (Decimal(0) < quantity <= line.quantity):
        errors["quantity"] = N_("history.err.quantity")
    check_text(data.notes, "notes", 4000, errors)
    if errors:
        raise DomainError(errors, sold=format(line.quantity.normalize(), "f"))
    today = date.today()
    complaint = SalesDocument(
        kind=DocumentKind.COMPLAINT.value, year=today.year, document_date=today, customer_id=customer.id,
        number=_next_number(session, DocumentKind.COMPLAINT, today.year), status=DocumentStatus.APPROVED.value,
        source_document_id=invoice.id, defective=data.defective, notes=data.notes, created_by_user_id=actor.user_id,
    )
    session.add(complaint)
    session.flush()
    _copy_lines(session, complaint, [line], quantity)
    history.sync_document(session, complaint)
    number = rules.display_number(complaint.kind, complaint.year, complaint.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.created",
                     summary=f"{number} ← {rules.display_number(invoice.kind, invoice.year, invoice.number)} · "
                             f"{line.description}")
    return complaint


@dataclass(frozen=True)
class HeldRow:
    id: int
    customer_id: int
    customer: str
    number: str
    kind: str
    document_date: date
    gross_total: Decimal
    reasons: tuple[HoldReason, ...]
    entered_by: str
    block_level: str | None
    credit_limit: Decimal | None
    exposure: Decimal  # the customer's exposure now
    exposure_after: Decimal  # and once this document is released
    unpaid_open: int  # unpaid items not made good yet
    unpaid_ever: int  # all the unpaid items the customer ever had


def count_held(*, session: Session, actor: Actor, cap: int = COUNT_CAP) -> CappedCount:
    require(actor, Perm.BLOCKS_MANAGE)
    return capped_count(session, select(SalesDocument.id).where(SalesDocument.status == DocumentStatus.HELD.value),
                        cap)


def held_documents(
    *, session: Session, actor: Actor, after_id: int | None = None, limit: int = 100,
) -> list[HeldRow]:
    """The credit manager's queue: documents waiting for release, oldest first (a page at a time: the
    ones after `after_id`), each with what the credit manager weighs: the customer's exposure before and
    after, their blocks and their unpaid history."""
    require(actor, Perm.BLOCKS_MANAGE)
    conditions = [SalesDocument.status == DocumentStatus.HELD.value]
    if isinstance(after_id, int) and not isinstance(after_id, bool):
        conditions.append(SalesDocument.id > after_id)
    found = session.exec(
        select(SalesDocument, Customer, User.full_name, CustomerCredit)
        .join(Customer, col(Customer.id) == SalesDocument.customer_id)
        .join(User, col(User.id) == SalesDocument.created_by_user_id, isouter=True)
        .join(CustomerCredit, col(CustomerCredit.customer_id) == SalesDocument.customer_id, isouter=True)
        .where(*conditions)
        .order_by(SalesDocument.id).limit(max(1, min(limit, 500)))
    ).all()
    ids = {document.customer_id for document, *_ in found}
    unpaid = {}
    if ids:
        for customer_id, settled, count in session.exec(
            select(UnpaidItem.customer_id, col(UnpaidItem.settled_at).is_not(None), func.count())
            .where(col(UnpaidItem.customer_id).in_(ids)).group_by(UnpaidItem.customer_id,
                                                                  col(UnpaidItem.settled_at).is_not(None))
        ):
            unpaid.setdefault(customer_id, [0, 0])[0 if not settled else 1] += count
    rows = []
    for d, c, name, terms in found:
        now = (terms.receivables_open + terms.orders_open) if terms else ZERO
        after = now + (d.gross_total if credit.committed_once_released(d) else ZERO)
        open_unpaid, settled_unpaid = unpaid.get(c.id, (0, 0))
        rows.append(HeldRow(d.id, c.id, c.display_name, rules.display_number(d.kind, d.year, d.number), d.kind,
                            d.document_date, d.gross_total, parse_reasons(d.held_reasons), name or "", c.block_level,
                            terms.credit_limit if terms else None, now, after, open_unpaid,
                            open_unpaid + settled_unpaid))
    return rows


def _held(session: Session, document_id: object) -> tuple[SalesDocument, Customer]:
    wanted = parse_id(document_id)
    document = session.get(SalesDocument, wanted) if wanted else None
    if document is None:
        raise DomainError(N_("sales.err.not_found"))
    customer = customers.locked_customer(session, document.customer_id)
    if document.status != DocumentStatus.HELD.value:
        raise DomainError(N_("sales.err.not_held"))
    return document, customer


def _note(note: object) -> str | None:
    data, errors = LiftInput.read({"note": note})
    check_text(data.note, "note", 500, errors)
    if errors:
        raise DomainError(errors)
    return data.note


def release_document(
    *, session: Session, actor: Actor, document_id: int, note: object = None, reasons: object = None,
) -> SalesDocument:
    """The credit manager releases some or all of a held document's reasons (all when none are named);
    once none is left it proceeds as the draft it would have been."""
    require(actor, Perm.BLOCKS_MANAGE)
    document, customer = _held(session, document_id)
    text = _note(note)
    waiting = parse_reasons(document.held_reasons)
    if reasons is None:
        released = waiting
    else:
        named = [HoldReason.parse(reason) for reason in reasons] if isinstance(reasons, list | tuple) else [None]
        if not named or None in named or not set(named) <= set(waiting):
            raise DomainError({"reasons": N_("held.err.reasons")})
        released = tuple(reason for reason in waiting if reason in named)
    left = tuple(reason for reason in waiting if reason not in released)
    document.held_reasons = join_reasons(left)
    if not left:
        document.status = DocumentStatus.DRAFT.value
    document.version, document.updated_at = document.version + 1, utcnow()
    session.add(document)
    _moved(session, document, ZERO)
    number = rules.display_number(document.kind, document.year, document.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.released",
                     summary=" · ".join(p for p in (number, ", ".join(r.value for r in released), text) if p))
    if not left:
        webhooks.enqueue(session, "document.released", f"document:{document.id}:v{document.version}",
                         {"customer_id": customer.id, "document_id": document.id, "number": number})
    return document


def reject_document(*, session: Session, actor: Actor, document_id: int, note: object = None) -> SalesDocument:
    """The credit manager refuses a held document; whoever entered it is told by e-mail, with the note."""
    require(actor, Perm.BLOCKS_MANAGE)
    document, customer = _held(session, document_id)
    text = _note(note)
    document.status, document.version, document.updated_at = DocumentStatus.REJECTED.value, document.version + 1, \
        utcnow()
    session.add(document)
    number = rules.display_number(document.kind, document.year, document.number)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="sales.rejected",
                     summary=" · ".join(p for p in (number, text) if p))
    author = session.get(User, document.created_by_user_id) if document.created_by_user_id else None
    if author is not None and author.is_active and author.id != actor.user_id:
        lang = normalize_language(author.language)
        subject, body = mail_templates.render(session, "document_rejected", lang, name=author.full_name,
                                              number=number, customer=customer.display_name, note=text or "-",
                                              by=actor.name, app=t("app.name", lang))
        outbox.enqueue(session=session, dedupe_key=f"document-rejected:{document.id}", to_address=author.email,
                       subject=subject, body_text=body, kind="document")
    return document


@dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: str
    number: str
    document_date: date
    status: str
    gross_total: Decimal
    held: bool


def list_documents(
    *, session: Session, actor: Actor, customer_id: int, before_id: int | None = None, limit: int = 30,
) -> tuple[list[DocumentRow], int | None]:
    """A customer's documents, newest first, a page at a time."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    limit = max(1, min(int(limit), 100))
    statement = select(SalesDocument).where(SalesDocument.customer_id == customer_id)
    if before_id is not None:
        statement = statement.where(SalesDocument.id < before_id)
    found = list(session.exec(statement.order_by(col(SalesDocument.id).desc()).limit(limit + 1)))
    rows = [DocumentRow(d.id, d.kind, rules.display_number(d.kind, d.year, d.number), d.document_date, d.status,
                        d.gross_total, d.status == DocumentStatus.HELD) for d in found[:limit]]
    return rows, (rows[-1].id if len(found) > limit else None)


def get_document(*, session: Session, actor: Actor, customer_id: int, document_id: int) -> SalesDocument:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    return _own_document(session, customer_id, document_id)


def document_lines(*, session: Session, actor: Actor, customer_id: int, document_id: int) -> list[SalesLine]:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    document = _own_document(session, customer_id, document_id)
    return list(session.exec(select(SalesLine).where(SalesLine.document_id == document.id)
                             .order_by(SalesLine.position)))
