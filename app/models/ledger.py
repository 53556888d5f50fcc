"""Personal values of the append-only ledgers' rows, kept apart from the ledgers themselves."""

from __future__ import annotations

import json

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class LedgerValue(SQLModel, table=True):
    """What a movement or a consent event says about a person (values before and after, a summary naming
    them, the name of the subject or of the customer user who acted), as JSON. The ledger row points here by
    id without a foreign key: anonymization deletes these rows, and the ledgers, which nobody may update or
    delete, keep what happened, when and by which staff member (see app.services.anonymization)."""

    __tablename__ = "ledger_value"
    __table_args__ = (Index("ix_ledger_value_subject", "customer_id", "contact_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    # The contact the values are about, when they are about one: anonymizing that contact alone clears them.
    contact_id: int | None = Field(default=None)
    data: str = Field(sa_column=Column(Text, nullable=False))

    def get(self, name: str) -> str | None:
        return json.loads(self.data).get(name)


def value_of(values: LedgerValue | None, name: str) -> str | None:
    """A ledger row's personal value, None when it never had one or it was anonymized."""
    return values.get(name) if values is not None else None
