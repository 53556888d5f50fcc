"""The card as it was at a moment: every change of a customer's registry fields, contacts and sites is kept as
a version (written here, at flush, whichever service made it), and the card of any moment is rebuilt from
those versions, the consent ledger and the blocks' own dates."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.domain import customer_rules
from app.domain.permissions import Actor, Perm, require_customer_record
from app.models import ConsentEvent, ConsentType, Contact, Customer, CustomerBlock, RecordVersion, Site
from app.models.base import utcnow

# What the card shows of each record; a change to anything else (search helpers, versions) is not a version.
TRACKED: dict[type, tuple[str, tuple[str, ...]]] = {
    Customer: ("customer", (*customer_rules.FIELDS, "status")),
    Contact: ("contact", tuple(f.name for f in fields(customer_rules.ContactData))),
    Site: ("site", tuple(f.name for f in fields(customer_rules.SiteData))),
}


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


def _data(record: object, names: tuple[str, ...]) -> str:
    return json.dumps({name: _plain(getattr(record, name)) for name in names}, ensure_ascii=False, sort_keys=True)


@event.listens_for(OrmSession, "after_flush")
def _keep_versions(session: OrmSession, _context: object) -> None:
    """Runs inside the flush's transaction, so a version is written exactly when its change is."""
    rows = []
    now = utcnow()
    for record in list(session.new) + list(session.dirty) + list(session.deleted):
        tracked = TRACKED.get(type(record))
        if tracked is None:
            continue
        subject, names = tracked
        state = inspect(record)
        removed = record in session.deleted
        if not removed and record not in session.new and not any(
                state.attrs[name].history.has_changes() for name in names):
            continue
        customer_id = record.id if subject == "customer" else record.customer_id
        rows.append({"customer_id": customer_id, "subject": subject, "subject_id": record.id, "valid_from": now,
                     "data": None if removed else _data(record, names)})
    if rows:
        session.connection().execute(insert(RecordVersion.__table__), rows)


# The card at a moment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldThen:
    name: str
    then: object
    now: object

    @property
    def changed(self) -> bool:
        return self.then != self.now


@dataclass(frozen=True)
class RecordThen:
    subject_id: int
    then: dict | None  # None: it did not exist yet, or had been removed
    now: dict | None

    @property
    def state(self) -> str:
        """same | changed | added (since then) | removed (since then)."""
        if self.then is None:
            return "added"
        if self.now is None:
            return "removed"
        return "same" if self.then == self.now else "changed"


@dataclass(frozen=True)
class ConsentThen:
    contact_id: int | None
    type_title: str
    then: str
    now: str


@dataclass(frozen=True)
class BlockThen:
    level: str
    reason: str
    active_then: bool
    active_now: bool


@dataclass(frozen=True)
class CardThen:
    at: datetime
    existed: bool
    fields: list[FieldThen]
    contacts: list[RecordThen]
    sites: list[RecordThen]
    consents: list[ConsentThen]
    blocks: list[BlockThen]


_MODELS = {subject: model for model, (subject, _) in TRACKED.items()}


def _states(session: Session, customer_id: int, subject: str, at: datetime | None) -> dict[int, dict | None]:
    """Each record's data at `at` (None: the latest), from its newest version not after it. A record loaded
    in bulk, without versions, counts as it is now from its creation."""
    statement = select(RecordVersion).where(RecordVersion.customer_id == customer_id,
                                            RecordVersion.subject == subject)
    every = list(session.exec(statement.order_by(RecordVersion.valid_from, RecordVersion.id)))
    latest: dict[int, dict | None] = {}
    for version in every:
        if at is None or _aware(version.valid_from) <= _aware(at):
            latest[version.subject_id] = json.loads(version.data) if version.data else None
    model = _MODELS[subject]
    owner = model.id if model is Customer else model.customer_id
    known = {version.subject_id for version in every}
    for record in session.exec(select(model).where(owner == customer_id)):
        if record.id not in known and (at is None or _aware(record.created_at) <= _aware(at)):
            latest[record.id] = json.loads(_data(record, TRACKED[model][1]))
    return latest


def _records(then: dict[int, dict | None], now: dict[int, dict | None]) -> list[RecordThen]:
    ids = sorted(i for i in set(then) | set(now) if then.get(i) is not None or now.get(i) is not None)
    return [RecordThen(i, then.get(i), now.get(i)) for i in ids]


def _consents(session: Session, customer_id: int, at: datetime | None) -> dict[tuple[int | None, int], str]:
    newest: dict[tuple[int | None, int], str] = {}
    for entry in session.exec(select(ConsentEvent).where(ConsentEvent.customer_id == customer_id)
                              .order_by(ConsentEvent.id)):
        if at is None or _aware(entry.created_at) <= at:
            newest[(entry.contact_id, entry.consent_type_id)] = entry.state
    return newest


def _aware(moment: datetime) -> datetime:
    """SQLite hands back timestamps without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def card_as_of(*, session: Session, actor: Actor, customer_id: int, at: datetime) -> CardThen:
    """The card at `at` beside the card today. Read-only by nature: nothing here writes."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    at = _aware(at)
    customer_then = _states(session, customer_id, "customer", at).get(customer_id)
    customer_now = _states(session, customer_id, "customer", None).get(customer_id) or {}
    names = TRACKED[Customer][1]
    field_rows = [FieldThen(name, (customer_then or {}).get(name), customer_now.get(name)) for name in names]
    contacts_then = _states(session, customer_id, "contact", at)
    consents_then, consents_now = _consents(session, customer_id, at), _consents(session, customer_id, None)
    titles = dict(session.exec(select(ConsentType.id, ConsentType.title)).all())
    subjects_then = [None, *(i for i, data in contacts_then.items() if data is not None)]
    consent_rows = [
        ConsentThen(contact_id, titles.get(type_id, ""), consents_then.get((contact_id, type_id), "unknown"),
                    consents_now.get((contact_id, type_id), "unknown"))
        for contact_id in subjects_then for type_id in sorted(titles)
        if (contact_id, type_id) in consents_then or (contact_id, type_id) in consents_now
    ]
    block_rows = [
        BlockThen(b.level, b.reason,
                  _aware(b.set_at) <= at and (b.lifted_at is None or _aware(b.lifted_at) > at), b.lifted_at is None)
        for b in session.exec(select(CustomerBlock).where(CustomerBlock.customer_id == customer_id)
                              .order_by(col(CustomerBlock.id)))
    ]
    return CardThen(
        at=at, existed=customer_then is not None, fields=field_rows,
        contacts=_records(contacts_then, _states(session, customer_id, "contact", None)),
        sites=_records(_states(session, customer_id, "site", at), _states(session, customer_id, "site", None)),
        consents=consent_rows, blocks=[b for b in block_rows if b.active_then or b.active_now],
    )
