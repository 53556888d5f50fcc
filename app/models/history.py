"""The transaction history's lines: a copy of each article line of a customer's visible documents, with
what the history shows and filters on, kept by the sales services as documents move."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

from app.models.sales import Scaled


class HistoryLine(SQLModel, table=True):
    __tablename__ = "history_line"
    __table_args__ = (
        # Newest first, a page at a time: every filter is read along this index for one customer.
        Index("ix_history_line_customer_date", "customer_id", "document_date", "line_id"),
        # The same order within one status, and among the few defective lines, which a scan of all would
        # look for in vain; text goes through history_search (created by the migration).
        Index("ix_history_line_customer_status", "customer_id", "status", "document_date", "line_id"),
        Index("ix_history_line_customer_defective", "customer_id", "document_date", "line_id",
              sqlite_where=text("defective = 1"), postgresql_where=text("defective")),
    )

    line_id: int = Field(primary_key=True, foreign_key="sales_line.id", ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", ondelete="CASCADE")
    document_id: int = Field(foreign_key="sales_document.id", ondelete="CASCADE")
    document_kind: str = Field(max_length=20)
    document_number: str = Field(max_length=30)
    source_number: str | None = Field(default=None, max_length=30)
    document_date: date
    document_created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(max_length=20)  # HistoryStatus
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    article_code: str | None = Field(default=None, max_length=40)
    ean: str | None = Field(default=None, max_length=14)
    description: str = Field(max_length=300)
    properties: str | None = Field(default=None, max_length=300)
    quantity: Decimal = Field(sa_column=Column(Scaled(3), nullable=False))
    unit_price: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))  # the list price, before discount
    unit_discount: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))  # per unit, net
    final_unit_gross: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))  # per unit, discount and VAT in
    document_gross: Decimal = Field(sa_column=Column(Scaled(2), nullable=False))
    defective: bool = Field(default=False)
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))
