"""Interventions at customers' sites: planned by the office, done and signed on site by technicians."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow
from app.models.sales import Scaled


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class InterventionType(SQLModel, table=True):
    """An editable kind of intervention (maintenance, repair, ...), named in both languages."""

    __tablename__ = "intervention_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name_it: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    active: bool = Field(default=True)
    position: int = Field(default=0)


class Intervention(SQLModel, table=True):
    """One visit to one site of a customer. Times are UTC; the pages show them in Europe/Rome."""

    __table_args__ = (
        Index("ix_intervention_starts", "starts_at", "id"),
        Index("ix_intervention_customer", "customer_id", "starts_at", "id"),
        Index("ix_intervention_site", "site_id", "starts_at", "id"),
        Index("ix_intervention_status", "status", "starts_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    site_id: int = Field(foreign_key="site.id", ondelete="RESTRICT")
    type_id: int = Field(foreign_key="intervention_type.id", ondelete="RESTRICT")
    starts_at: datetime = Field(sa_column=_ts())
    ends_at: datetime = Field(sa_column=_ts())
    description: str = Field(sa_column=Column(Text, nullable=False))
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    # The reserved-area user who asked for it (through a support request): they see it with "own" visibility.
    requested_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", ondelete="SET NULL")
    status: str = Field(default="planned", max_length=12)
    cancel_reason: str | None = Field(default=None, max_length=500)
    started_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    work_done: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    minutes_spent: int | None = Field(default=None)
    signer_name: str | None = Field(default=None, max_length=200)
    # The browser's token for one closing: the same token again is the same closing, never a second sheet.
    close_token: str | None = Field(default=None, max_length=64, unique=True)
    sheet_attachment_id: int | None = Field(default=None, foreign_key="attachment.id", ondelete="SET NULL")
    sheet_sha256: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class InterventionTechnician(SQLModel, table=True):
    """A technician assigned to an intervention. The times are copied here so that a technician's
    agenda and the double-booking check read one index, whatever the size of the history."""

    __tablename__ = "intervention_technician"
    __table_args__ = (Index("ix_intervention_technician_agenda", "user_id", "starts_at", "intervention_id"),)

    intervention_id: int = Field(primary_key=True, foreign_key="intervention.id", ondelete="CASCADE")
    user_id: int = Field(primary_key=True, foreign_key="app_user.id", ondelete="RESTRICT")
    starts_at: datetime = Field(sa_column=_ts())
    ends_at: datetime = Field(sa_column=_ts())
    active: bool = Field(default=True)  # False once cancelled: it no longer occupies the technician


class InterventionMaterial(SQLModel, table=True):
    """A material used, as the technician writes it on the sheet."""

    __tablename__ = "intervention_material"
    __table_args__ = (Index("ix_intervention_material", "intervention_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", ondelete="CASCADE")
    position: int = Field(default=0)
    description: str = Field(max_length=200)
    quantity: Decimal = Field(sa_column=Column(Scaled(3), nullable=False))
    unit: str | None = Field(default=None, max_length=10)


class InterventionNote(SQLModel, table=True):
    """A note on an intervention; after closing, the only way to correct it."""

    __tablename__ = "intervention_note"
    __table_args__ = (Index("ix_intervention_note", "intervention_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    intervention_id: int = Field(foreign_key="intervention.id", ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    author_name: str = Field(max_length=200)
    is_correction: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class OutboxAttachment(SQLModel, table=True):
    """A file sent with an e-mail (a signed sheet, a calendar entry), kept with the message until delivered."""

    __tablename__ = "outbox_attachment"
    __table_args__ = (Index("ix_outbox_attachment_message", "message_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outbox_message.id", ondelete="CASCADE")
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
