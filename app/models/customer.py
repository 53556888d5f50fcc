from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


class Customer(SQLModel, table=True):
    """A customer of the company. The registry extends this; here it anchors customer users."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    kind: str = Field(default="business", max_length=10)  # business | private
    company_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    status: str = Field(default="active", max_length=12)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))

    @property
    def display_name(self) -> str:
        if self.kind == "business" and self.company_name:
            return self.company_name
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.code
