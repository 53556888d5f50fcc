from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


def _ts(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


def _user_ref() -> Column:
    # Users point at customers and customers at users: one side is created after both tables.
    return Column(Integer, ForeignKey("app_user.id", ondelete="SET NULL", use_alter=True), nullable=True)


class Customer(SQLModel, table=True):
    """A customer of the company: a business or a private person."""

    __table_args__ = (
        Index("ix_customer_sort", "sort_name", "id"),
        Index("ux_customer_external_code", "external_code", unique=True),
        Index("ux_customer_search_rank", "search_rank", unique=True),
        Index("ix_customer_kind_sort", "kind", "sort_name", "id"),
        Index("ix_customer_status_sort", "status", "sort_name", "id"),
        Index("ix_customer_assigned_sort", "assigned_user_id", "sort_name", "id"),
        Index("ix_customer_block_sort", "block_level", "sort_name", "id"),
        # The REST API's changes feed reads customers in the order they last changed.
        Index("ix_customer_changes", "updated_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    # The customer's code in another system, stored compact and upper case so that the unique
    # index compares codes without case and spaces, also for two saves at the same moment.
    external_code: str | None = Field(default=None, max_length=40)
    kind: str = Field(default="business", max_length=10)
    company_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    vat_number: str | None = Field(default=None, max_length=20, index=True)
    tax_code: str | None = Field(default=None, max_length=16, index=True)
    sdi_code: str | None = Field(default=None, max_length=7)
    pec: str | None = Field(default=None, max_length=254)
    email: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=20)
    mobile: str | None = Field(default=None, max_length=20)
    street: str | None = Field(default=None, max_length=200)
    cap: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    province: str | None = Field(default=None, max_length=2)
    country: str = Field(default="IT", max_length=2)
    assigned_user_id: int | None = Field(default=None, sa_column=_user_ref())
    block_automatic_emails: bool = Field(default=False)
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="active", max_length=12)
    # The highest active block, kept by the blocks service: the list's badge and filter read it here.
    block_level: str | None = Field(default=None, max_length=20)
    # Whether an unpaid item blocks this customer by itself; None follows the UNPAID_AUTO_BLOCK setting.
    unpaid_auto_block: bool | None = Field(default=None)
    version: int = Field(default=1)
    sort_name: str = Field(default="", max_length=120)
    # Position in (sort_name, id) order, with gaps: the search index is keyed on it, so text search
    # reads matches already in name order and stops after one page.
    search_rank: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=text("''")))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by_user_id: int | None = Field(default=None, sa_column=_user_ref())

    @property
    def display_name(self) -> str:
        from app.domain.customer_rules import display_name

        return display_name(self.kind, self.company_name, self.first_name, self.last_name) or self.code


class Contact(SQLModel, table=True):
    """A person of a customer: a contact person of a business or a family member of a private customer."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="contact_person", max_length=20)  # contact_person | family_member
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    role: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Site(SQLModel, table=True):
    """An extra location of a customer, where interventions happen. At most one is the default."""

    __table_args__ = (
        Index("ux_site_one_default", "customer_id", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    street: str | None = Field(default=None, max_length=200)
    cap: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    province: str | None = Field(default=None, max_length=2)
    country: str = Field(default="IT", max_length=2)
    is_default: bool = Field(default=False)
    notes: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CodeSequence(SQLModel, table=True):
    """Counters for numbered codes (customer codes, later contract numbers)."""

    __tablename__ = "code_sequence"

    name: str = Field(primary_key=True, max_length=40)
    next_value: int = Field(default=1)
