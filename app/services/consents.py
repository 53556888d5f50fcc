"""Consents: types with versioned texts, and an append-only ledger from which every current state
is derived. A consent never asked is "unknown", never silently "refused"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.domain import consent_rules as rules
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Actor, Perm, has_perm, require, require_customer_record
from app.models import ConsentEvent, ConsentText, ConsentType, Contact, Customer, User
from app.models.base import as_utc, utcnow
from app.services import customers, movements, webhooks

# Realistic Italian purposes for a new installation (GDPR art. 6 and 7; D.Lgs. 196/2003).
DEFAULT_TYPES = [
    {"code": "trattamento_dati", "title": "Trattamento dei dati personali", "channel": "none", "position": 10,
     "requires_signature": True,
     "body": "Acconsento al trattamento dei miei dati personali per l'esecuzione del contratto e per gli "
             "adempimenti di legge, secondo l'informativa ai sensi degli artt. 13 e 14 del Regolamento UE "
             "2016/679."},
    {"code": "newsletter", "title": "Newsletter", "channel": "email", "position": 20,
     "body": "Acconsento a ricevere via e-mail la newsletter con novità sui prodotti e sui servizi. "
             "Posso revocare il consenso in qualsiasi momento."},
    {"code": "marketing", "title": "Comunicazioni commerciali", "channel": "phone", "position": 30,
     "body": "Acconsento a essere contattato per telefono per offerte commerciali e promozioni."},
    {"code": "profilazione", "title": "Profilazione", "channel": "none", "position": 40,
     "body": "Acconsento all'analisi delle mie preferenze e abitudini di acquisto per ricevere proposte "
             "personalizzate."},
    {"code": "fattura_email", "title": "Fattura elettronica via e-mail", "channel": "email", "position": 50,
     "body": "Chiedo di ricevere in copia via e-mail le fatture elettroniche emesse nei miei confronti."},
]


def ensure_default_types(session: Session) -> None:
    """Creates the default types that do not exist yet (by code); existing ones are left alone."""
    existing = set(session.exec(select(ConsentType.code)))
    for raw in DEFAULT_TYPES:
        if raw["code"] not in existing:
            _create_type(session, rules.validate_type(raw), user_id=None)


def _create_type(session: Session, data: dict, user_id: int | None) -> ConsentType:
    consent_type = ConsentType(**{k: v for k, v in data.items() if k != "body"})
    session.add(consent_type)
    session.flush()
    session.add(ConsentText(consent_type_id=consent_type.id, version=1, body=data["body"],
                            sha256=rules.text_hash(data["body"]), created_by_user_id=user_id))
    session.flush()
    return consent_type


def latest_text(session: Session, type_id: int) -> ConsentText | None:
    return session.exec(select(ConsentText).where(ConsentText.consent_type_id == type_id)
                        .order_by(col(ConsentText.version).desc()).limit(1)).first()


def save_type(*, session: Session, actor: Actor, raw: dict, type_id: int | None = None) -> ConsentType:
    """Creates or changes a consent type. A changed text becomes a new version; the old ones stay."""
    require(actor, Perm.SETTINGS_MANAGE)
    data = rules.validate_type(raw)
    holder = session.exec(select(ConsentType.id).where(ConsentType.code == data["code"])).first()
    if holder is not None and holder != type_id:
        raise DomainError({"code": "consents.err.code_taken"})
    if type_id is None:
        return _create_type(session, data, actor.user_id)
    consent_type = session.get(ConsentType, type_id)
    if consent_type is None:
        raise DomainError("consents.err.type_not_found")
    for name, value in data.items():
        if name != "body":
            setattr(consent_type, name, value)
    session.add(consent_type)
    current = latest_text(session, type_id)
    if current is None or current.body != data["body"]:
        session.add(ConsentText(consent_type_id=type_id, version=(current.version if current else 0) + 1,
                                body=data["body"], sha256=rules.text_hash(data["body"]),
                                created_by_user_id=actor.user_id))
    session.flush()
    return consent_type


# Recording --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    customer_id: int
    contact_id: int | None
    name: str
    contact_data: dict


def _subject(session: Session, customer_id: int, contact_id: int | None) -> Subject:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    if contact_id is None:
        data = {k: getattr(customer, k) for k in ("email", "phone", "mobile", "street", "city")}
        return Subject(customer_id, None, customer.display_name, data)
    contact = session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer_id:
        raise DomainError("consents.err.subject_not_found")
    data = {"email": contact.email, "phone": contact.phone, "mobile": None,
            "street": customer.street, "city": customer.city}
    return Subject(customer_id, contact_id, f"{contact.first_name} {contact.last_name}", data)


def _latest_event(session: Session, customer_id: int, contact_id: int | None, type_id: int) -> ConsentEvent | None:
    return session.exec(
        select(ConsentEvent).where(
            ConsentEvent.customer_id == customer_id, ConsentEvent.contact_id == contact_id,
            ConsentEvent.consent_type_id == type_id,
        ).order_by(col(ConsentEvent.id).desc()).limit(1)
    ).first()


def own_subjects(session: Session, actor: Actor) -> list[int | None]:
    """What a customer user answers for: their company (None) and the contact person with their e-mail."""
    require(actor, Perm.CONSENTS_OWN)
    user = session.get(User, actor.user_id)
    contacts = session.exec(select(Contact.id).where(
        Contact.customer_id == actor.customer_id, func.lower(Contact.email) == (user.email or "").lower(),
    ).order_by(Contact.id)).all() if user is not None and user.email else []
    return [None, *contacts]


def _require_recorder(session: Session, actor: Actor, customer_id: int, contact_id: int | None, source: str) -> None:
    """Staff with the right record for anyone; a customer user only their own, from the reserved area."""
    if has_perm(actor, Perm.CONSENTS_RECORD):
        require_customer_record(actor, Perm.CONSENTS_RECORD, customer_id)
        return
    require_customer_record(actor, Perm.CONSENTS_OWN, customer_id)
    if source != "portal" or contact_id not in own_subjects(session, actor):
        raise Forbidden()


def record_consent(
    *, session: Session, actor: Actor, customer_id: int, contact_id: int | None, type_id: int, state: str,
    source: str = "office", signature_collected: bool = False,
) -> ConsentEvent | None:
    """Appends one event to the ledger, against the type's current text. Returns None when the
    state, text and signature are already what is asked (nothing to prove twice)."""
    _require_recorder(session, actor, customer_id, contact_id, source)
    if state not in rules.STATES:
        raise DomainError({"state": "consents.err.state"})
    if source not in rules.SOURCES:
        raise DomainError("consents.err.source")
    consent_type = session.get(ConsentType, type_id)
    if consent_type is None or not consent_type.active:
        raise DomainError("consents.err.type_not_found")
    subject = _subject(session, customer_id, contact_id)
    customers.refuse_anonymized(session.get(Customer, customer_id))
    if state == rules.GRANTED:
        missing = rules.channel_needs(consent_type.channel, subject.contact_data)
        if missing:
            raise DomainError({"state": missing})
    text = latest_text(session, type_id)
    current = _latest_event(session, customer_id, contact_id, type_id)
    signature = signature_collected is True
    if current is not None and (current.state, current.consent_text_id, current.signature_collected) == (
            state, text.id, signature):
        return None
    values, actor_name = movements.personal_values(customer_id=customer_id, contact_id=contact_id, actor=actor,
                                                   subject_name=subject.name)
    now = utcnow()
    event = ConsentEvent(
        customer_id=customer_id, contact_id=contact_id, values=values, consent_type_id=type_id,
        consent_text_id=text.id, text_sha256=text.sha256, state=state, source=source,
        signature_collected=signature, actor_user_id=actor.user_id, actor_name=actor_name, created_at=now,
        proof_sha256=rules.proof_hash(customer_id=customer_id, contact_id=contact_id, subject_name=subject.name,
                                      text_sha256=text.sha256, state=state, source=source,
                                      signature_collected=signature, created_at=now.isoformat()),
    )
    session.add(event)
    movements.record(
        session=session, customer_id=customer_id, actor=actor, source=source, kind="consent.changed",
        # No `field`: the timeline labels a field through the catalog, and a consent type is data, not a field.
        before=current.state if current else rules.UNKNOWN, after=state,
        summary=f"{consent_type.title} · {subject.name} · v{text.version}", contact_id=contact_id,
    )
    session.flush()
    webhooks.enqueue(session, "consent.changed", f"consent-event:{event.id}",
                     {"customer_id": customer_id, "contact_id": contact_id, "type": consent_type.code,
                      "state": state, "source": source})
    return event


def proof_matches(event: ConsentEvent, subject_name: str) -> bool:
    """Whether `subject_name` is the name the event was recorded for: the proof that stays after anonymization."""
    return event.proof_sha256 == rules.proof_hash(
        customer_id=event.customer_id, contact_id=event.contact_id, subject_name=subject_name,
        text_sha256=event.text_sha256, state=event.state, source=event.source,
        signature_collected=event.signature_collected, created_at=as_utc(event.created_at).isoformat())


# Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentStatus:
    type_id: int
    code: str
    title: str
    channel: str
    state: str
    version: int | None
    text_id: int | None
    latest_version: int
    text_sha256: str | None
    signature_missing: bool
    recorded_at: datetime | None
    recorded_by: str | None
    source: str | None


def current_consents(*, session: Session, actor: Actor, customer_id: int) -> dict[int | None, list[ConsentStatus]]:
    """For the customer (key None) and each of its contacts: every active type's current state,
    derived from the newest event; a type never recorded is unknown."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    return _current(session, customer_id)


@dataclass(frozen=True)
class PortalConsents:
    subjects: dict[int | None, tuple[str, list[ConsentStatus]]]  # subject -> (name, consents)
    texts: dict[int, str]  # type id -> the current text, the one a new answer is given to


def portal_consents(*, session: Session, actor: Actor) -> PortalConsents:
    """A customer user's view: their company's consents and their own as a contact person."""
    subjects = own_subjects(session, actor)
    current = _current(session, actor.customer_id)
    names = {subject: _subject(session, actor.customer_id, subject).name for subject in subjects}
    texts = {row.type_id: latest_text(session, row.type_id).body for row in current[None]}
    return PortalConsents({s: (names[s], current[s]) for s in subjects if s in current}, texts)


def _current(session: Session, customer_id: int) -> dict[int | None, list[ConsentStatus]]:
    types = list(session.exec(select(ConsentType).where(col(ConsentType.active))
                              .order_by(ConsentType.position, ConsentType.id)))
    versions = {t.id: v for t, v in ((t, latest_text(session, t.id)) for t in types)}
    texts = {x.id: x.version for x in session.exec(select(ConsentText).where(
        col(ConsentText.consent_type_id).in_([t.id for t in types])))}
    newest: dict[tuple[int | None, int], ConsentEvent] = {}
    for event in session.exec(select(ConsentEvent).where(ConsentEvent.customer_id == customer_id)
                              .order_by(ConsentEvent.id)):
        newest[(event.contact_id, event.consent_type_id)] = event
    subjects = [None, *session.exec(select(Contact.id).where(Contact.customer_id == customer_id)
                                     .order_by(Contact.last_name, Contact.first_name, Contact.id))]
    result: dict[int | None, list[ConsentStatus]] = {}
    for contact_id in subjects:
        rows = []
        for t in types:
            event = newest.get((contact_id, t.id))
            state = event.state if event else rules.UNKNOWN
            rows.append(ConsentStatus(
                type_id=t.id, code=t.code, title=t.title, channel=t.channel, state=state,
                version=texts.get(event.consent_text_id) if event else None,
                text_id=event.consent_text_id if event else None, latest_version=versions[t.id].version,
                text_sha256=event.text_sha256 if event else None,
                signature_missing=t.requires_signature and state == rules.GRANTED and not event.signature_collected,
                recorded_at=event.created_at if event else None, recorded_by=event.actor_label if event else None,
                source=event.source if event else None,
            ))
        result[contact_id] = rows
    return result


def history(*, session: Session, actor: Actor, customer_id: int, contact_id: int | None, type_id: int) -> list:
    """Every event of one consent of one subject, newest first, with its text version."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    return list(session.exec(
        select(ConsentEvent, ConsentText.version).join(ConsentText, ConsentText.id == ConsentEvent.consent_text_id)
        .where(ConsentEvent.customer_id == customer_id, ConsentEvent.contact_id == contact_id,
               ConsentEvent.consent_type_id == type_id)
        .order_by(col(ConsentEvent.id).desc())
    ).all())


def reconsent_list(*, session: Session, actor: Actor, type_id: int, limit: int = 100) -> list[ConsentEvent]:
    """Subjects whose consent stands on an older text than the current one: they need asking again."""
    require(actor, Perm.CUSTOMERS_READ)
    current = latest_text(session, type_id)
    if current is None:
        return []
    newest = (
        select(func.max(ConsentEvent.id))
        .where(ConsentEvent.consent_type_id == type_id)
        .group_by(ConsentEvent.customer_id, ConsentEvent.contact_id)
    )
    return list(session.exec(
        select(ConsentEvent).where(
            col(ConsentEvent.id).in_(newest), ConsentEvent.state == rules.GRANTED,
            ConsentEvent.consent_text_id != current.id,
        ).order_by(ConsentEvent.id).limit(max(1, min(int(limit), 500)))
    ).all())


def consent_subjects(*, session: Session, actor: Actor, customer_id: int) -> dict[int | None, tuple]:
    """(name, e-mail, phone) of the customer (key None) and of each of its contacts."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    subjects: dict[int | None, tuple] = {None: (customer.display_name, customer.email,
                                                customer.phone or customer.mobile)}
    for c in session.exec(select(Contact).where(Contact.customer_id == customer_id)):
        subjects[c.id] = (f"{c.first_name} {c.last_name}", c.email, c.phone)
    return subjects


@dataclass(frozen=True)
class ConsentDetail:
    title: str
    subject_name: str
    state: str
    requires_signature: bool
    signed: bool
    version: int
    body: str
    sha256: str
    events: list


def consent_detail(
    *, session: Session, actor: Actor, customer_id: int, contact_id: int | None, type_id: int,
) -> ConsentDetail:
    """One consent of one subject: the exact text its current state stands on (the current text
    when it was never recorded), and its whole history."""
    events = history(session=session, actor=actor, customer_id=customer_id, contact_id=contact_id, type_id=type_id)
    consent_type = session.get(ConsentType, type_id)
    if consent_type is None:
        raise DomainError("consents.err.type_not_found")
    subject = _subject(session, customer_id, contact_id)
    newest = events[0][0] if events else None
    text = session.get(ConsentText, newest.consent_text_id) if newest else latest_text(session, type_id)
    return ConsentDetail(
        title=consent_type.title, subject_name=subject.name, state=newest.state if newest else rules.UNKNOWN,
        requires_signature=consent_type.requires_signature, signed=bool(newest and newest.signature_collected),
        version=text.version, body=text.body, sha256=text.sha256, events=events,
    )


@dataclass(frozen=True)
class TypeRow:
    id: int
    code: str
    title: str
    channel: str
    requires_signature: bool
    active: bool
    position: int
    version: int
    body: str
    to_ask_again: int


def list_types(*, session: Session, actor: Actor) -> list[TypeRow]:
    """Every consent type with its current text and how many subjects stand on an older one."""
    require(actor, Perm.SETTINGS_MANAGE)
    rows = []
    for t in session.exec(select(ConsentType).order_by(ConsentType.position, ConsentType.id)):
        text = latest_text(session, t.id)
        stale = len(reconsent_list(session=session, actor=actor, type_id=t.id, limit=500))
        rows.append(TypeRow(t.id, t.code, t.title, t.channel, t.requires_signature, t.active, t.position,
                            text.version if text else 0, text.body if text else "", stale))
    return rows


@dataclass(frozen=True)
class ReconsentRow:
    customer_id: int
    customer: str
    subject: str
    version: int
    granted_at: datetime


def reconsent_rows(*, session: Session, actor: Actor, type_id: int) -> list[ReconsentRow]:
    """The re-consent list with names, for the office to call or write to."""
    events = reconsent_list(session=session, actor=actor, type_id=type_id, limit=500)
    customers_by_id = {c.id: c for c in session.exec(select(Customer).where(
        col(Customer.id).in_({e.customer_id for e in events})))} if events else {}
    versions = {x.id: x.version for x in session.exec(select(ConsentText).where(
        ConsentText.consent_type_id == type_id))}
    rows = []
    for e in events:
        customer = customers_by_id[e.customer_id]
        rows.append(ReconsentRow(e.customer_id, f"{customer.code} {customer.display_name}", e.subject_name,
                                 versions.get(e.consent_text_id, 0), e.created_at))
    return rows
