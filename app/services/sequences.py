"""Numbered things (customer codes, document numbers) take their numbers from counter rows."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import CodeSequence


def take(session: Session, name: str, skip: object = None) -> int:
    """The counter's next value. The row stays locked by the transaction until it commits, so two
    transactions never take the same number; `skip(value)` passes over values already used elsewhere."""
    locked = select(CodeSequence).where(CodeSequence.name == name).with_for_update()
    counter = session.exec(locked).first()
    if counter is None:
        try:  # the first value ever: two transactions may both try to start the counter
            with session.begin_nested():
                session.add(CodeSequence(name=name, next_value=1))
        except IntegrityError:
            pass
        counter = session.exec(locked).one()
    value = counter.next_value
    while skip is not None and skip(value):
        value += 1
    counter.next_value = value + 1
    session.add(counter)
    return value


def advance(session: Session, name: str, next_value: int) -> None:
    """Moves the counter (locked by a `take` of this transaction) past values taken in a batch."""
    counter = session.exec(select(CodeSequence).where(CodeSequence.name == name).with_for_update()).one()
    counter.next_value = max(counter.next_value, next_value)
    session.add(counter)
