"""A reserved-area user's personal reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class Reminder(SQLModel, table=True):
    """A reserved-area user's own reminder: nobody else sees it."""

    __table_args__ = (Index("ix_reminder_user_due", "user_id", "due_on", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    due_on: date
    text: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
