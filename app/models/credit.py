"""A customer's credit terms and the running figures the credit check reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from app.models.base import utcnow
from app.models.sales import Scaled


class CustomerCredit(SQLModel, table=True):
    """One row per customer with credit terms or any credit history. The two running figures are changed
    by every document, payment and unpaid item in the same transaction, under the customer's row lock,
    so the credit check of an order reads them instead of summing (the credit job checks them)."""

    __tablename__ = "customer_credit"

    customer_id: int = Field(primary_key=True, foreign_key="customer.id", ondelete="CASCADE")
    # The fido: how much the customer may owe and have on order; None is no limit.
    credit_limit: Decimal | None = Field(default=None, sa_column=Column(Scaled(2), nullable=True))
    # The customer's usual terms and shipping costs: an order that departs from them waits for release.
    # None: the customer has none, and orders are not checked for it.
    payment_term: str | None = Field(default=None, foreign_key="payment_term.code", max_length=20)
    shipping_costs: Decimal | None = Field(default=None, sa_column=Column(Scaled(2), nullable=True))
    # What is still owed on open receivables, the bank's charges of unpaid items included.
    receivables_open: Decimal = Field(default=Decimal("0.00"), sa_column=Column(Scaled(2), nullable=False))
    # What is ordered and not invoiced yet (see app.domain.credit.committed).
    orders_open: Decimal = Field(default=Decimal("0.00"), sa_column=Column(Scaled(2), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
