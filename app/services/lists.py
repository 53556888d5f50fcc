"""What every office list's query shares: a count that never reads more rows than it can show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

# Counting stops here: past it the list says "more than", and a count never reads a million rows.
COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    count: int  # at most the cap
    more: bool  # there are more than `count`


def capped_count(session: Session, statement, cap: int = COUNT_CAP) -> CappedCount:  # noqa: ANN001
    """How many rows a list's query finds, reading at most `cap + 1` of them (the LIMIT sits inside the
    counted subquery, so the database stops there)."""
    found = session.exec(select(func.count()).select_from(statement.limit(cap + 1).subquery())).one()
    return CappedCount(min(found, cap), found > cap)
