from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class Movement(SQLModel, table=True):
    """One entry of a customer's timeline. Rows are only ever added: the database refuses
    UPDATE and DELETE on this table (triggers in the migration)."""

    __table_args__ = (
        Index("ix_movement_customer", "customer_id", "id"),
        Index("ix_movement_customer_kind", "customer_id", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    kind: str = Field(max_length=40)  # customer.created, customer.updated, contact.added, site.removed, ...
    field: str | None = Field(default=None, max_length=60)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    summary: str | None = Field(default=None, max_length=300)
    # The customer's version after this change: a stale edit is shown exactly what came after it.
    customer_version: int | None = Field(default=None)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_name: str = Field(max_length=200)
    source: str = Field(max_length=12)  # office | portal | api | import | system
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
