"""Anonymization of a customer, or of one of its contacts (contact persons, family members): administrators only.

`plan` is a dry run: one line per place that holds the subject's personal data, with how many records and
what happens to them, erased, or kept because the law requires it and until when. `execute` does exactly
what the plan says, in the caller's one transaction; stored files are removed once that transaction commits
(a rollback leaves them, and `documents.remove_orphans` would catch any left by a crash).

The registry of places
----------------------
`PLACES` holds one `Place` per table or kind of data. A place knows which subjects it concerns (the whole
customer, one contact, or both), what happens to it (`ERASED`, `PSEUDONYMIZED`, `KEPT`), the message keys of
its name and of the reason it is kept, and three functions of the session and the `Subject`: how many records
it holds (`count`), until when it must be kept (`kept_until`, for kept places), and how to erase or
pseudonymize them (`erase`, which may add stored files to `subject.files`). A capability that stores personal
data adds its place with `register(Place(...))` in its own service module, imported by the app (for example
the interventions' signed sheets and photos: erase the photos, add the files to `subject.files`), and the
plan, the execution and the test that scans every table and file take it in without further change. The
test fails for a table that holds the subject's data and has no place.

How the append-only ledgers lose their personal data
----------------------------------------------------
Movements and consent events are never updated or deleted (database triggers refuse it to everyone). What
they say about a person (values before and after, summaries, subject names, a customer user's name) is kept
in a separate table, `ledger_value`, keyed by customer and contact, and the ledger row holds only its id;
anonymization deletes those rows. The ledger rows stay, with what happened, when, from which source and by
which staff member, and a reader shows their values as anonymized. Chosen over per-subject encryption keys
destroyed at anonymization (crypto-shredding) because it needs no cryptography library (none is installed
here) and no key management, every reader keeps reading plain values, and it is provable by looking: after an
anonymization a scan of every table finds nothing, whereas ciphertext would be found nowhere even before.
A consent event also keeps `proof_sha256`, a hash of the subject's name with the event's facts
(`consent_rules.proof_hash`): whoever brings the name again can show that the consent was given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import delete, event, func, or_, update
from sqlmodel import Session, col, select

from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm, Role, require
from app.domain.text import fold
from app.domain.vocabularies import CustomerStatus, DocumentKind
from app.i18n import N_
from app.models import (
    Attachment,
    AuthSession,
    ChangeRequest,
    ChangeRequestItem,
    ConsentEvent,
    Contact,
    Contract,
    Customer,
    CustomerBlock,
    LedgerValue,
    Movement,
    OutboxMessage,
    PasswordToken,
    Payment,
    Receivable,
    RecordVersion,
    Reminder,
    Report,
    SalesDocument,
    Site,
    Ticket,
    TicketMessage,
    UnpaidItem,
    User,
    UserEvent,
)
from app.models.base import utcnow
from app.services import customers, movements
from app.services.documents import INTERVENTION_KINDS
from app.settings import Settings, get_settings

PSEUDONYM = "Cliente anonimizzato {number}"
# Documents the law keeps (art. 2220 c.c.: accounting records, invoices and correspondence for ten years from
# the last entry); the other kinds lose their notes, which are free text about the customer.
FISCAL_KINDS = frozenset({DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value,
                          DocumentKind.DELIVERY_NOTE.value})
FISCAL_YEARS = 10
# Ordinary limitation period for claims under a contract (art. 2946 c.c.), from its expiry.
CONTRACT_YEARS = 10


class Outcome(StrEnum):
    ERASED = "erased"
    PSEUDONYMIZED = "pseudonymized"
    KEPT = "kept"


class Scope(StrEnum):
    CUSTOMER = "customer"
    CONTACT = "contact"


@dataclass
class Subject:
    """Whom an anonymization is about: the whole customer, or one contact of it (`contact` set)."""

    customer: Customer
    contact: Contact | None
    pseudonym: str
    # The customer's reserved-area users concerned (all of them, or those with the contact's e-mail).
    user_ids: list[int]
    user_names: list[str]
    # What identifies the person in free text (names, e-mails, phones, codes): messages holding it go.
    identifiers: list[str]
    upload_dir: Path | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return Scope.CONTACT if self.contact is not None else Scope.CUSTOMER


@dataclass(frozen=True)
class Place:
    key: str
    label: str  # message key
    outcome: Outcome
    scopes: frozenset[Scope]
    count: Callable[[Session, Subject], int]
    erase: Callable[[Session, Subject], None]
    reason: str | None = None  # message key: why it is kept, or what stays
    kept_until: Callable[[Session, Subject], date | None] | None = None


PLACES: list[Place] = []


def register(place: Place, *, before: str | None = None) -> Place:
    """Adds a place to the plan; a later place with the same key replaces the earlier one. `before` names the
    place whose erasure must come after this one's (rows of this place refer to that place's rows)."""
    PLACES[:] = [p for p in PLACES if p.key != place.key]
    keys = [p.key for p in PLACES]
    PLACES.insert(keys.index(before) if before in keys else len(PLACES), place)
    return place


@dataclass(frozen=True)
class PlanLine:
    key: str
    label: str
    count: int
    outcome: Outcome
    reason: str | None
    kept_until: date | None


@dataclass(frozen=True)
class Plan:
    customer_id: int
    contact_id: int | None
    code: str  # what the administrator types to confirm
    pseudonym: str
    subject_label: str  # who is anonymized, as the card shows it now
    lines: list[PlanLine]


# The subject ----------------------------------------------------------------------------------------------


def pseudonym_of(customer: Customer) -> str:
    digits = "".join(ch for ch in customer.code if ch.isdigit())
    return PSEUDONYM.format(number=(digits or str(customer.id)).zfill(6))


def _texts(*values: str | None) -> list[str]:
    return [v for v in values if v and len(v.strip()) >= 3]


def _subject(session: Session, actor: Actor, customer_id: object, contact_id: object) -> Subject:
    require(actor, Perm.ANONYMIZE)
    customer = session.get(Customer, customer_id) if isinstance(customer_id, int) else None
    if customer is None:
        raise DomainError("customer.not_found")
    if customer.status == CustomerStatus.ANONYMIZED:
        raise DomainError(N_("anon.err.already"))
    contact = None
    if contact_id is not None:
        contact = session.get(Contact, contact_id) if isinstance(contact_id, int) else None
        if contact is None or contact.customer_id != customer.id:
            raise DomainError("customer.contact_not_found")
    users = list(session.exec(select(User).where(User.customer_id == customer.id, User.role == Role.CUSTOMER.value)))
    if contact is not None:
        users = [u for u in users if contact.email and u.email == contact.email]
        identifiers = _texts(f"{contact.first_name} {contact.last_name}", contact.email, contact.phone,
                             *(u.email for u in users), *(u.full_name for u in users))
    else:
        people = list(session.exec(select(Contact).where(Contact.customer_id == customer.id)))
        identifiers = _texts(
            customer.display_name if customer.display_name != customer.code else None, customer.company_name,
            customer.email, customer.pec, customer.phone, customer.mobile, customer.tax_code, customer.vat_number,
            *(text for c in people for text in (f"{c.first_name} {c.last_name}", c.email, c.phone)),
            *(u.email for u in users), *(u.full_name for u in users),
        )
    return Subject(customer, contact, pseudonym_of(customer), [u.id for u in users], [u.full_name for u in users],
                   sorted(set(identifiers)))


def _whole(subject: Subject) -> bool:
    return subject.contact is None


def _count(session: Session, model: type, *where: object) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _add_years(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# The places -------------------------------------------------------------------------------------------------


def _erase_registry(session: Session, s: Subject) -> None:
    c = s.customer
    for name in ("first_name", "vat_number", "tax_code", "sdi_code", "pec", "email", "phone", "mobile", "street",
                 "cap", "city", "province", "external_code", "notes"):
        setattr(c, name, None)
    if c.kind == "business":
        c.company_name, c.last_name = s.pseudonym, None
    else:
        c.company_name, c.last_name = None, s.pseudonym
    c.status, c.block_automatic_emails = CustomerStatus.ANONYMIZED.value, True
    c.assigned_user_id = None
    # Out of the text search altogether; in name order under its pseudonym.
    c.sort_name, c.search_text = fold(s.pseudonym)[:120], ""
    c.version += 1
    c.updated_at = utcnow()
    session.add(c)
    session.flush()
    customers.place_in_search_order(session, c)
    session.add(c)
    session.flush()


def _erase_contacts(session: Session, s: Subject) -> None:
    where = [Contact.id == s.contact.id] if s.contact else [Contact.customer_id == s.customer.id]
    session.execute(delete(Contact).where(*where))


def _versions_where(s: Subject) -> list:
    where = [RecordVersion.customer_id == s.customer.id]
    if s.contact is not None:
        where += [RecordVersion.subject == "contact", RecordVersion.subject_id == s.contact.id]
    return where


def _ledger_where(s: Subject) -> list:
    where = [LedgerValue.customer_id == s.customer.id]
    if s.contact is not None:
        where.append(LedgerValue.contact_id == s.contact.id)
    return where


def _values_of(ledger: type):  # noqa: ANN202
    """The ledger_value rows a ledger's rows point to."""
    return col(LedgerValue.id).in_(select(ledger.values_id).where(ledger.customer_id == LedgerValue.customer_id))


def _users(s: Subject) -> list:
    return [col(User.id).in_(s.user_ids)]


def _erase_users(session: Session, s: Subject) -> None:
    for user in session.exec(select(User).where(*_users(s))):
        user.email = f"anonimizzato-{user.id}@anonimizzato.invalid"
        user.full_name, user.password_hash, user.is_active = s.pseudonym, None, False
        user.failed_logins, user.failure_window_start, user.locked_until, user.last_login_at = 0, None, None, None
        session.add(user)
    session.flush()


def _sessions_where(s: Subject) -> list:
    return [col(AuthSession.user_id).in_(s.user_ids)]


def _erase_sessions(session: Session, s: Subject) -> None:
    now = utcnow()
    session.execute(update(AuthSession).where(*_sessions_where(s), col(AuthSession.ended_at).is_(None))
                    .values(ended_at=now, end_reason="anonymized"))
    session.execute(update(AuthSession).where(*_sessions_where(s)).values(user_agent=None))


def _outbox_where(s: Subject) -> list:
    if not s.identifiers:
        return [False]
    lowered = [x.lower() for x in s.identifiers]
    return [or_(col(OutboxMessage.to_address).in_(lowered),
                *(func.lower(OutboxMessage.subject).contains(x, autoescape=True) for x in lowered),
                *(func.lower(OutboxMessage.body_text).contains(x, autoescape=True) for x in lowered))]


def _attachments_where(s: Subject) -> list:
    # An intervention's photos and signed sheet are counted and erased with the intervention.
    return [Attachment.customer_id == s.customer.id, col(Attachment.owner_kind).not_in(INTERVENTION_KINDS)]


def _erase_attachments(session: Session, s: Subject) -> None:
    folder = (s.upload_dir or get_settings().upload_dir) / "files"
    s.files += [folder / name for name in session.exec(select(Attachment.stored_name).where(*_attachments_where(s)))]
    session.execute(delete(Attachment).where(*_attachments_where(s)))


def _erase_change_requests(session: Session, s: Subject) -> None:
    now = utcnow()
    session.execute(update(ChangeRequestItem).where(ChangeRequestItem.customer_id == s.customer.id,
                                                    ChangeRequestItem.state == "pending")
                    .values(state="ignored", decided_at=now))
    session.execute(update(ChangeRequestItem).where(ChangeRequestItem.customer_id == s.customer.id)
                    .values(value_at_request=None, requested_value=None))
    session.execute(update(ChangeRequestItem).where(ChangeRequestItem.customer_id == s.customer.id,
                                                    or_(col(ChangeRequestItem.decided_by_user_id).in_(s.user_ids),
                                                        col(ChangeRequestItem.decided_by_name).in_(s.user_names)))
                    .values(decided_by_name=s.pseudonym))
    session.execute(update(ChangeRequest).where(ChangeRequest.customer_id == s.customer.id)
                    .values(requested_by_name=s.pseudonym, status="processed"))


def _erase_tickets(session: Session, s: Subject) -> None:
    tickets = select(Ticket.id).where(Ticket.customer_id == s.customer.id)
    session.execute(delete(TicketMessage).where(col(TicketMessage.ticket_id).in_(tickets)))
    session.execute(delete(Ticket).where(Ticket.customer_id == s.customer.id))


def _erase_document_notes(session: Session, s: Subject) -> None:
    session.execute(update(SalesDocument).where(SalesDocument.customer_id == s.customer.id,
                                                col(SalesDocument.kind).not_in(FISCAL_KINDS))
                    .values(notes=None))


def _latest_fiscal_date(session: Session, s: Subject) -> date | None:
    return _add_years(session.exec(select(func.max(SalesDocument.document_date)).where(
        SalesDocument.customer_id == s.customer.id, col(SalesDocument.kind).in_(FISCAL_KINDS))).one(), FISCAL_YEARS)


def _erase_contracts(session: Session, s: Subject) -> None:
    for contract in session.exec(select(Contract).where(Contract.customer_id == s.customer.id)):
        contract.title, contract.notes, contract.shared = contract.number, None, False
        session.add(contract)


def _nothing(_session: Session, _s: Subject) -> None:
    """Kept as it is: the name it is shown with is the customer's, now the pseudonym."""


_BOTH = frozenset({Scope.CUSTOMER, Scope.CONTACT})
_CUSTOMER = frozenset({Scope.CUSTOMER})
_CONTACT = frozenset({Scope.CONTACT})

register(Place(
    "registry", N_("anon.place.registry"), Outcome.PSEUDONYMIZED, _CUSTOMER, lambda _session, _s: 1,
    _erase_registry, reason=N_("anon.reason.registry"),
))
register(Place(
    "contacts", N_("anon.place.contacts"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, Contact, Contact.customer_id == s.customer.id), _erase_contacts,
))
register(Place(
    "contact", N_("anon.place.contact"), Outcome.ERASED, _CONTACT, lambda _session, _s: 1, _erase_contacts,
))
register(Place(
    "sites", N_("anon.place.sites"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, Site, Site.customer_id == s.customer.id),
    lambda session, s: session.execute(delete(Site).where(Site.customer_id == s.customer.id)),
))
register(Place(
    "users", N_("anon.place.users"), Outcome.PSEUDONYMIZED, _BOTH,
    lambda session, s: _count(session, User, *_users(s)), _erase_users, reason=N_("anon.reason.users"),
))
register(Place(
    "sessions", N_("anon.place.sessions"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, AuthSession, *_sessions_where(s)), _erase_sessions,
))
register(Place(
    "password_tokens", N_("anon.place.password_tokens"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, PasswordToken, col(PasswordToken.user_id).in_(s.user_ids)),
    lambda session, s: session.execute(delete(PasswordToken).where(col(PasswordToken.user_id).in_(s.user_ids))),
))
register(Place(
    "user_events", N_("anon.place.user_events"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, UserEvent, col(UserEvent.user_id).in_(s.user_ids)),
    lambda session, s: session.execute(delete(UserEvent).where(col(UserEvent.user_id).in_(s.user_ids))),
))
register(Place(
    "reminders", N_("anon.place.reminders"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, Reminder, col(Reminder.user_id).in_(s.user_ids)),
    lambda session, s: session.execute(delete(Reminder).where(col(Reminder.user_id).in_(s.user_ids))),
))
register(Place(
    "change_requests", N_("anon.place.change_requests"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, ChangeRequestItem, ChangeRequestItem.customer_id == s.customer.id),
    _erase_change_requests,
))
register(Place(
    "movements", N_("anon.place.movements"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, LedgerValue, *_ledger_where(s), _values_of(Movement)),
    lambda session, s: session.execute(delete(LedgerValue).where(*_ledger_where(s), _values_of(Movement))),
    reason=N_("anon.reason.movements"),
))
register(Place(
    "consent_events", N_("anon.place.consent_events"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, ConsentEvent, ConsentEvent.customer_id == s.customer.id,
                              *([ConsentEvent.contact_id == s.contact.id] if s.contact else [])),
    lambda session, s: session.execute(delete(LedgerValue).where(*_ledger_where(s), _values_of(ConsentEvent))),
    reason=N_("anon.reason.consent_events"),
))
register(Place(
    "record_versions", N_("anon.place.record_versions"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, RecordVersion, *_versions_where(s)), lambda _session, _s: None,
    reason=N_("anon.reason.record_versions"),
))
register(Place(
    "tickets", N_("anon.place.tickets"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, Ticket, Ticket.customer_id == s.customer.id), _erase_tickets,
))
register(Place(
    "outbox", N_("anon.place.outbox"), Outcome.ERASED, _BOTH,
    lambda session, s: _count(session, OutboxMessage, *_outbox_where(s)),
    lambda session, s: session.execute(delete(OutboxMessage).where(*_outbox_where(s))),
))
register(Place(
    "attachments", N_("anon.place.attachments"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, Attachment, *_attachments_where(s)), _erase_attachments,
))
register(Place(
    "reports", N_("anon.place.reports"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, Report, Report.customer_id == s.customer.id),
    lambda session, s: session.execute(delete(Report).where(Report.customer_id == s.customer.id)),
))
register(Place(
    "contracts", N_("anon.place.contracts"), Outcome.KEPT, _CUSTOMER,
    lambda session, s: _count(session, Contract, Contract.customer_id == s.customer.id), _erase_contracts,
    reason=N_("anon.reason.contracts"),
    kept_until=lambda session, s: _add_years(session.exec(select(func.max(Contract.expires_on)).where(
        Contract.customer_id == s.customer.id)).one(), CONTRACT_YEARS),
))
register(Place(
    "blocks", N_("anon.place.blocks"), Outcome.ERASED, _CUSTOMER,
    lambda session, s: _count(session, CustomerBlock, CustomerBlock.customer_id == s.customer.id),
    lambda session, s: session.execute(update(CustomerBlock).where(CustomerBlock.customer_id == s.customer.id)
                                       .values(reason="", lift_note=None)),
    reason=N_("anon.reason.blocks"),
))
register(Place(
    "documents", N_("anon.place.documents"), Outcome.KEPT, _CUSTOMER,
    lambda session, s: _count(session, SalesDocument, SalesDocument.customer_id == s.customer.id),
    _erase_document_notes, reason=N_("anon.reason.documents"), kept_until=_latest_fiscal_date,
))
register(Place(
    "receivables", N_("anon.place.receivables"), Outcome.KEPT, _CUSTOMER,
    lambda session, s: (_count(session, Receivable, Receivable.customer_id == s.customer.id)
                        + _count(session, Payment, Payment.customer_id == s.customer.id)
                        + _count(session, UnpaidItem, UnpaidItem.customer_id == s.customer.id)),
    lambda session, s: session.execute(update(UnpaidItem).where(UnpaidItem.customer_id == s.customer.id)
                                       .values(note=None)),
    reason=N_("anon.reason.receivables"), kept_until=_latest_fiscal_date,
))


# The use cases ----------------------------------------------------------------------------------------------


def _places(subject: Subject) -> list[Place]:
    return [p for p in PLACES if subject.scope in p.scopes]


def plan(*, session: Session, actor: Actor, customer_id: int, contact_id: int | None = None) -> Plan:
    """What `execute` would do, touching nothing."""
    subject = _subject(session, actor, customer_id, contact_id)
    lines = []
    for place in _places(subject):
        count = place.count(session, subject)
        if count == 0:
            continue
        until = place.kept_until(session, subject) if place.kept_until else None
        lines.append(PlanLine(place.key, place.label, count, place.outcome, place.reason, until))
    c = subject.contact
    label = f"{c.first_name} {c.last_name}" if c else subject.customer.display_name
    return Plan(subject.customer.id, c.id if c else None, subject.customer.code, subject.pseudonym, label, lines)


def execute(
    *, session: Session, actor: Actor, customer_id: int, contact_id: int | None = None, confirmation_code: object,
    settings: Settings | None = None,
) -> Plan:
    """Anonymizes the customer (or one contact) as `plan` says, and records a movement holding no personal data.
    `confirmation_code` must be the customer's code, as the administrator typed it. Returns the plan carried out."""
    require(actor, Perm.ANONYMIZE)
    locked = customers.locked_customer(session, customer_id) if isinstance(customer_id, int) else None
    if locked is None:
        raise DomainError("customer.not_found")
    typed = confirmation_code.strip().upper() if isinstance(confirmation_code, str) else ""
    if typed != locked.code.upper():
        raise DomainError({"confirmation": N_("anon.err.confirmation")})
    carried_out = plan(session=session, actor=actor, customer_id=customer_id, contact_id=contact_id)
    subject = _subject(session, actor, customer_id, contact_id)
    subject.upload_dir = (settings or get_settings()).upload_dir
    for place in _places(subject):
        place.erase(session, subject)
    session.flush()
    # Last: the flushes above wrote versions of the rows they changed.
    session.execute(delete(RecordVersion).where(*_versions_where(subject)))
    movements.record(session=session, customer_id=subject.customer.id, actor=actor, source="office",
                     kind="contact.anonymized" if subject.contact else "customer.anonymized")
    session.flush()
    _remove_after_commit(session, subject.files)
    return carried_out


def _remove_after_commit(session: Session, files: list[Path]) -> None:
    if not files:
        return

    def remove(_session: object) -> None:
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    event.listen(session, "after_commit", remove, once=True)


def is_anonymized(customer: Customer | None) -> bool:
    return customer is not None and customer.status == CustomerStatus.ANONYMIZED
