"""Reserved-area accesses: what each customer user receives and sees, and the profiles that order their sections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class PortalAccess(SQLModel, table=True):
    """What one reserved-area user of a customer receives and may see. Whether they may sign in at
    all is the user's own active flag, so that turning access off and disabling the user are one thing."""

    __tablename__ = "portal_access"

    user_id: int = Field(primary_key=True, foreign_key="app_user.id", ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="RESTRICT")
    receives_reminders: bool = Field(default=True)
    receives_signed_sheets: bool = Field(default=True)
    may_see_contracts: bool = Field(default=False)
    visibility: str = Field(default="own", max_length=10)  # own (records about them) | company
    # None: the default profile.
    profile_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("portal_profile.id", ondelete="SET NULL"), nullable=True))
    invited_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class PortalProfile(SQLModel, table=True):
    """Which reserved-area modules a user sees and in what order. Exactly one is the default,
    used for every access without a profile."""

    __tablename__ = "portal_profile"
    __table_args__ = (
        Index("ux_portal_profile_one_default", "is_default", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    modules: str = Field(max_length=400)  # ordered, comma-separated module keys
    is_default: bool = Field(default=False)
