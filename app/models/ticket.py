"""Support requests and their threads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class Ticket(SQLModel, table=True):
    """A support request opened from the reserved area."""

    __table_args__ = (
        Index("ix_ticket_customer", "customer_id", "id"),
        Index("ix_ticket_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    opened_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    assigned_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    subject: str = Field(max_length=200)
    status: str = Field(default="open", max_length=10)  # open (waits for the office) | answered | closed
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class TicketMessage(SQLModel, table=True):
    """One message of a support request's thread, from the customer or from the office."""

    __tablename__ = "ticket_message"
    __table_args__ = (
        Index("ix_ticket_message_ticket", "ticket_id", "id"),
        # What a reserved-area user sent in the last hour, counted before each new message (services/mail_rate.py).
        Index("ix_ticket_message_author", "author_user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    author_name: str = Field(max_length=200)
    from_office: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
