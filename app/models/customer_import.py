from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class ImportJob(SQLModel, table=True):
    """One customer import: the file a clerk uploaded (kept privately), how its columns map to fields,
    and how far the work done off the request has gone. The page reads this row to show progress."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False))
    file_name: str = Field(max_length=200)
    # The file's random name in the private store (upload_dir/imports), never served as it is.
    stored_name: str = Field(max_length=64)
    file_kind: str = Field(max_length=8)  # csv | xlsx
    size: int = Field(default=0)
    headers: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    mapping: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list, one field per column
    # uploaded -> running -> done | failed
    status: str = Field(default="uploaded", max_length=12)
    total: int = Field(default=0)
    done: int = Field(default=0)
    created: int = Field(default=0)
    updated: int = Field(default=0)
    held: int = Field(default=0)
    unchanged: int = Field(default=0)
    failed: int = Field(default=0)
    # The rows that failed with their errors (CSV), in the private store; None until one fails.
    error_stored_name: str | None = Field(default=None, max_length=64)
    message: str | None = Field(default=None, max_length=200)  # a message key when the whole job failed
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    started_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # Moved at each chunk: a "running" job whose heartbeat stopped belongs to a process that died.
    heartbeat_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
