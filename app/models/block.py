"""Customer blocks and what each level of block does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class CustomerBlock(SQLModel, table=True):
    """One block on a customer, from when it was set until it is lifted. Lifted blocks stay as history."""

    __tablename__ = "customer_block"
    __table_args__ = (Index("ix_customer_block_customer", "customer_id", "lifted_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    level: str = Field(max_length=20)  # assistance | unpaid | overdue | stuck | bad_debt
    reason: str = Field(max_length=500)
    # Set by a rule (an unpaid item registered) rather than by a person: the same rule lifts it.
    automatic: bool = Field(default=False)
    set_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    set_by_name: str = Field(max_length=200)
    set_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    lifted_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    lifted_by_name: str | None = Field(default=None, max_length=200)
    lifted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    lift_note: str | None = Field(default=None, max_length=500)


class BlockEffect(SQLModel, table=True):
    """What a level of block does to one action, as the administrators chose it; the built-in
    defaults fill the cells nobody chose."""

    __tablename__ = "block_effect"

    level: str = Field(primary_key=True, max_length=20)
    action: str = Field(primary_key=True, max_length=30)
    effect: str = Field(max_length=10)  # allow | hold | refuse
