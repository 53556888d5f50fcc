from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Contract(SQLModel, table=True):
    """A customer's contract; its state (active, expiring, expired) follows from its dates."""

    __table_args__ = (
        Index("ix_contract_customer", "customer_id", "expires_on", "id"),
        Index("ix_contract_expiry", "expires_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    number: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=200)
    start_on: date
    expires_on: date
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    shared: bool = Field(default=False)  # shown to the customer's users who may see contracts
    # Set when the expiry warning for the current expiry date was queued: exactly once, whoever runs the job.
    expiry_notice_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Report(SQLModel, table=True):
    """A verification or report about a customer's installation."""

    __table_args__ = (Index("ix_report_customer", "customer_id", "report_date", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # verification | report | certificate | other
    report_date: date
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    shared: bool = Field(default=False)
    # The intervention it reports on: then a user who sees only what concerns them sees it with that intervention.
    intervention_id: int | None = Field(default=None, foreign_key="intervention.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Attachment(SQLModel, table=True):
    """A file of a contract or report, stored privately under a random name outside any public folder."""

    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    owner_kind: str = Field(max_length=20)  # contract | report | intervention (photos) | intervention_sheet
    owner_id: int
    original_name: str = Field(max_length=200)
    stored_name: str = Field(max_length=64, unique=True)
    content_type: str = Field(max_length=120)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    uploaded_by_name: str = Field(max_length=200)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
