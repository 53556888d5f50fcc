"""What a customer's registry record, contacts and sites held from a moment on, for the card as of a date."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


class RecordVersion(SQLModel, table=True):
    """One state of one record from `valid_from` until the next version of the same record; `data` is
    None once the record was removed. Written by app.services.versions on every flush that changes a
    tracked field, whichever service made the change."""

    __tablename__ = "record_version"
    __table_args__ = (Index("ix_record_version_customer", "customer_id", "subject", "valid_from", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    subject: str = Field(max_length=10)  # customer | contact | site
    subject_id: int
    valid_from: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The tracked fields as JSON; personal data, which only anonymization may clear.
    data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
