"""Articles, payment terms and sales documents with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class Scaled(TypeDecorator):
    """An exact Decimal kept as a whole number of hundredths (money) or thousandths (quantities):
    SQLite has no exact decimal type, and sums of integers stay exact and fast on both databases."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self.factor = Decimal(10) ** places

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        return int((Decimal(value) * self.factor).to_integral_value())

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is None:
            return None
        return (Decimal(value) / self.factor).quantize(Decimal(1).scaleb(-self.places))


def _money(nullable: bool = False) -> Column:
    return Column(Scaled(2), nullable=nullable)


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    ean: str | None = Field(default=None, max_length=14, index=True)
    description: str = Field(max_length=300)
    unit_price: Decimal = Field(sa_column=_money())
    vat_rate: Decimal = Field(sa_column=_money())
    # "taglia=M; colore=blu", as the office typed it.
    properties: str | None = Field(default=None, max_length=300)
    active: bool = Field(default=True)


class PaymentTerm(SQLModel, table=True):
    """How a customer pays: the instalments' days after the invoice date ("0", "30", "60,90")."""

    __tablename__ = "payment_term"

    code: str = Field(primary_key=True, max_length=20)
    description: str = Field(max_length=120)
    days: str = Field(max_length=60)
    position: int = Field(default=0)


class SalesDocument(SQLModel, table=True):
    __tablename__ = "sales_document"
    __table_args__ = (
        UniqueConstraint("kind", "year", "number", name="uq_sales_document_number"),
        Index("ix_sales_document_customer", "customer_id", "kind", "id"),
        Index("ix_sales_document_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    year: int
    number: int
    document_date: date
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    status: str = Field(max_length=12)
    # Why a document waits for the credit manager ("block", later "over_limit", ...), comma-separated.
    held_reasons: str | None = Field(default=None, max_length=200)
    payment_term: str | None = Field(default=None, foreign_key="payment_term.code", max_length=20)
    shipping_site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    shipping_costs: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    net_total: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    vat_total: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    gross_total: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    # The document this one was made from (an order's delivery note, a delivery note's invoice).
    source_document_id: int | None = Field(default=None, foreign_key="sales_document.id", ondelete="SET NULL")
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # A complaint about faulty goods (rather than, say, a wrong delivery).
    defective: bool = Field(default=False)
    version: int = Field(default=1)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class SalesLine(SQLModel, table=True):
    __tablename__ = "sales_line"
    __table_args__ = (Index("ix_sales_line_document", "document_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="sales_document.id", ondelete="CASCADE")
    position: int
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="RESTRICT")
    description: str = Field(max_length=300)
    quantity: Decimal = Field(sa_column=Column(Scaled(3), nullable=False))
    unit_price: Decimal = Field(sa_column=_money())
    discount: Decimal = Field(default=Decimal("0.00"), sa_column=_money())
    vat_rate: Decimal = Field(sa_column=_money())
    net: Decimal = Field(sa_column=_money())
    vat: Decimal = Field(sa_column=_money())
    gross: Decimal = Field(sa_column=_money())
