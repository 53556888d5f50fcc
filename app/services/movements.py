"""The customer's timeline: every change, request, decision, consent, block, document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.domain.permissions import Actor, Perm, Role, require_customer_record
from app.domain.vocabularies import AccessVisibility, BlockLevel, DocumentStatus, MovementGroup, MovementKind, Source
from app.models import LedgerValue, Movement, PaymentTerm, PortalProfile, User

# How the timeline reads what is recorded for a field; any other field's values are shown as recorded.
YES_NO_FIELDS = frozenset({
    "block_automatic_emails", "is_default", "unpaid_auto_block", "access.active", "access.receives_reminders",
    "access.receives_signed_sheets", "access.may_see_contracts",
})
MONEY_FIELDS = frozenset({"credit_limit", "shipping_costs"})
PHONE_FIELDS = frozenset({"phone", "mobile"})
LANGUAGE_FIELDS = frozenset({"access.language"})
VOCABULARY_FIELDS = {"block_level": BlockLevel, "sales_status": DocumentStatus, "access.visibility": AccessVisibility}

# Fields whose movements store the id or code of another row: the timeline shows that row's name.
REFERENCES = {
    "assigned_user_id": (User, User.id, User.full_name),
    "access.profile_id": (PortalProfile, PortalProfile.id, PortalProfile.name),
    "payment_term": (PaymentTerm, PaymentTerm.code, PaymentTerm.description),
}


def personal_values(
    *, customer_id: int, contact_id: int | None, actor: Actor | None, **values: object,
) -> tuple[LedgerValue | None, str]:
    """The values of a ledger row that may name a person, kept apart (None when there are none), and the
    actor name the row itself may hold: a staff member's, never a customer user's."""
    kept = {name: str(value) for name, value in values.items() if value is not None}
    actor_name = actor.name if actor else ""
    if actor is not None and actor.role is Role.CUSTOMER:
        kept["actor_name"], actor_name = actor.name, ""
    if not kept:
        return None, actor_name
    data = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    return LedgerValue(customer_id=customer_id, contact_id=contact_id, data=data), actor_name


def record(
    *, session: Session, customer_id: int, actor: Actor | None, source: str, kind: str, field: str | None = None,
    before: object = None, after: object = None, summary: str | None = None, customer_version: int | None = None,
    contact_id: int | None = None,
) -> Movement:
    """Appends one movement. `contact_id`: the contact the values are about, so that anonymizing that
    contact alone clears them."""
    if source not in Source.values():
        raise ValueError(f"unknown movement source {source!r}")
    if kind not in MovementKind.values():
        raise ValueError(f"unknown movement kind {kind!r}")
    values, actor_name = personal_values(customer_id=customer_id, contact_id=contact_id, actor=actor,
                                         before=before, after=after, summary=summary)
    movement = Movement(
        customer_id=customer_id, kind=kind, field=field, values=values,
        actor_user_id=actor.user_id if actor else None,
        # Only a person's name is stored; work done by the app itself is labelled in the reader's language.
        actor_name=actor_name, source=source, customer_version=customer_version,
    )
    session.add(movement)
    return movement


@dataclass(frozen=True)
class MovementRow:
    id: int
    kind: str
    field: str | None
    before: str | None
    after: str | None
    summary: str | None
    actor_name: str | None  # None: the app itself, not a person
    source: str
    created_at: datetime
    erased: bool = False  # its personal values were cleared by an anonymization


@dataclass(frozen=True)
class MovementPage:
    rows: list[MovementRow]
    next_before_id: int | None
    # (field, stored value) -> the name of the row it refers to, for the fields in REFERENCES.
    names: dict[tuple[str, str], str]


def list_movements(
    *, session: Session, actor: Actor, customer_id: int, group: str = "", before_id: int | None = None,
    limit: int = 30,
) -> MovementPage:
    """Newest first, keyset-paginated on id, optionally one group of kinds."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    limit = max(1, min(int(limit), 100))
    query = (
        select(Movement).where(Movement.customer_id == customer_id)
        .order_by(col(Movement.id).desc()).limit(limit + 1)
    )
    if MovementGroup.parse(group):
        query = query.where(col(Movement.kind).in_(MovementKind.of_group(MovementGroup(group))))
    if before_id is not None:
        query = query.where(Movement.id < before_id)
    found = list(session.exec(query))
    rows = [
        MovementRow(m.id, m.kind, m.field, m.before, m.after, m.summary,
                    m.actor_label if m.actor_user_id is not None else None, m.source, m.created_at, m.erased)
        for m in found[:limit]
    ]
    return MovementPage(rows=rows, next_before_id=rows[-1].id if len(found) > limit else None,
                        names=_referenced_names(session, rows))


def _referenced_names(session: Session, rows: list[MovementRow]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for name, (_, key, label) in REFERENCES.items():
        wanted = {v for r in rows if r.field == name for v in (r.before, r.after) if v is not None}
        if not wanted:
            continue
        keys = [int(v) for v in wanted if v.isdigit()] if key.type.python_type is int else list(wanted)
        for found_key, found_label in session.exec(select(key, label).where(col(key).in_(keys))):
            names[(name, str(found_key))] = found_label
    return names
