"""What customers owe: an approved invoice's instalments, and the payments that settle them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from app.models.base import utcnow
from app.models.sales import Scaled


class Receivable(SQLModel, table=True):
    __table_args__ = (
        Index("ix_receivable_customer_open", "customer_id", "settled", "due_on"),
        Index("ix_receivable_invoice", "invoice_id", "instalment"),
        # The credit manager's ageing and the overdue-items rule read open receivables by due date.
        Index("ix_receivable_open_due", "settled", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    invoice_id: int = Field(foreign_key="sales_document.id", ondelete="RESTRICT")
    instalment: int
    due_on: date
    amount: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))
    paid: Decimal = Field(default=Decimal("0.00"), sa_column=Column(Scaled(2), nullable=False))
    settled: bool = Field(default=False)


class UnpaidItem(SQLModel, table=True):
    """A payment that came back (a returned Ri.Ba., a bounced direct debit): the instalment is owed again,
    with the bank's charges. Settled when the instalment is paid again."""

    __tablename__ = "unpaid_item"
    __table_args__ = (Index("ix_unpaid_item_customer_open", "customer_id", "settled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    receivable_id: int = Field(foreign_key="receivable.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)  # riba | direct_debit | other
    returned_on: date
    amount: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))
    charges: Decimal = Field(default=Decimal("0.00"), sa_column=Column(Scaled(2), nullable=False))
    note: str | None = Field(default=None, max_length=500)
    registered_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    registered_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    settled_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class Payment(SQLModel, table=True):
    __table_args__ = (Index("ix_payment_receivable", "receivable_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    receivable_id: int = Field(foreign_key="receivable.id", ondelete="RESTRICT")
    amount: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))
    paid_on: date
    # Set when the payment is a credit note set against the invoice it corrects.
    credit_note_id: int | None = Field(default=None, foreign_key="sales_document.id", ondelete="RESTRICT")
    recorded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    recorded_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
