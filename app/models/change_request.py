from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class AppSetting(SQLModel, table=True):
    """Office-wide switches, one row per key (for example whether customer edits are reviewed)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class FieldPolicy(SQLModel, table=True):
    """What happens to a change of one customer field coming from one source. Only choices that
    differ from the built-in defaults need a row; a row the office saved always wins."""

    __tablename__ = "field_policy"

    field: str = Field(primary_key=True, max_length=40)
    source: str = Field(primary_key=True, max_length=12)  # portal | api | import
    action: str = Field(max_length=10)  # auto | review | refuse


class ChangeRequest(SQLModel, table=True):
    """One submission of changes by a customer (from the reserved area, a web shop, an import)."""

    __tablename__ = "change_request"
    __table_args__ = (
        Index("ix_change_request_customer", "customer_id", "id"),
        Index("ix_change_request_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    source: str = Field(max_length=12)
    requested_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    requested_by_name: str = Field(max_length=200)
    status: str = Field(default="open", max_length=12)  # open (some item pending) | processed
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    processed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ChangeRequestItem(SQLModel, table=True):
    """One field of a request: the value when it was asked, the value asked for, and its outcome."""

    __tablename__ = "change_request_item"
    __table_args__ = (
        # At most one item per customer and field waits for a decision: a newer request supersedes
        # the older item, and the database holds that even for two submissions at the same moment.
        # An upstream registry's value held beside it (policy "upstream") is the one exception: one of each.
        Index("ux_change_item_one_pending", "customer_id", "field", "policy", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_change_item_request", "request_id", "id"),
        Index("ix_change_item_state", "state", "customer_id", "field", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="change_request.id", ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    field: str = Field(max_length=40)
    # JSON: a plain value, or a dict of the address columns.
    value_at_request: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    requested_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # What the rules said when it was asked: auto | review | refuse; upstream: an upstream registry's value held
    # because a customer's request waits on the same field.
    policy: str = Field(max_length=10)
    state: str = Field(max_length=12)  # applied | pending | accepted | ignored | refused | superseded
    decided_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_by_name: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    superseded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("change_request_item.id"), nullable=True)
    )


class EmailTemplate(SQLModel, table=True):
    """The office's own wording of one e-mail in one language; without a row the standard text is used."""

    __tablename__ = "email_template"

    key: str = Field(primary_key=True, max_length=40)
    lang: str = Field(primary_key=True, max_length=5)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
