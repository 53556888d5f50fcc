"""A reserved-area user's personal reminders: each user sees and changes only their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.domain.errors import DomainError
from app.domain.inputs import DATE_INVALID, ReminderInput, check_text
from app.domain.permissions import Actor, Perm, require
from app.i18n import N_
from app.models import Reminder

MAX_REMINDERS = 500


@dataclass(frozen=True)
class ReminderRow:
    id: int
    due_on: date
    text: str


def _clean(raw: object, today: date, kept: date | None = None) -> tuple[date, str]:
    """A reminder is for today or later; one whose day has passed may keep that day while its text changes."""
    data, errors = ReminderInput.read(raw)
    if data.due_on is None:
        errors.setdefault("due_on", DATE_INVALID)
    elif data.due_on < today and data.due_on != kept:
        errors["due_on"] = N_("reminders.err.past")
    check_text(data.text, "text", 500, errors, required=True)
    if errors:
        raise DomainError(errors)
    return data.due_on, data.text


def list_reminders(*, session: Session, actor: Actor) -> list[ReminderRow]:
    require(actor, Perm.PORTAL_ACCESS)
    return [
        ReminderRow(r.id, r.due_on, r.text)
        for r in session.exec(select(Reminder).where(Reminder.user_id == actor.user_id)
                              .order_by(Reminder.due_on, Reminder.id).limit(MAX_REMINDERS))
    ]


def _own(session: Session, actor: Actor, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id) if isinstance(reminder_id, int) else None
    if reminder is None or reminder.user_id != actor.user_id:
        raise DomainError("reminders.not_found")
    return reminder


def save_reminder(
    *, session: Session, actor: Actor, raw: ReminderInput | Mapping, reminder_id: int | None = None,
    today: date | None = None,
) -> Reminder:
    require(actor, Perm.PORTAL_ACCESS)
    today = today or date.today()
    if reminder_id is None:
        due_on, text = _clean(raw, today)
        count = session.exec(select(func.count()).select_from(Reminder).where(Reminder.user_id == actor.user_id)).one()
        if count >= MAX_REMINDERS:
            raise DomainError("reminders.too_many")
        reminder = Reminder(user_id=actor.user_id, due_on=due_on, text=text)
    else:
        reminder = _own(session, actor, reminder_id)
        reminder.due_on, reminder.text = _clean(raw, today, kept=reminder.due_on)
    session.add(reminder)
    session.flush()
    return reminder


def delete_reminder(*, session: Session, actor: Actor, reminder_id: int) -> None:
    require(actor, Perm.PORTAL_ACCESS)
    session.delete(_own(session, actor, reminder_id))
