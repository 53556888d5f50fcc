from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import SQLModel

# Named constraints, so that migrations can alter them on SQLite (which rebuilds tables) too.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes even for timezone-aware columns; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
