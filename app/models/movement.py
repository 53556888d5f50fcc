from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, Relationship, SQLModel

from app.models.base import utcnow
from app.models.ledger import LedgerValue, value_of


class Movement(SQLModel, table=True):
    """One entry of a customer's timeline. Rows are only ever added: the database refuses
    UPDATE and DELETE on this table (triggers in the migration). The values before and after, the summary
    and a customer user's name live in `values` (a LedgerValue), which anonymization alone deletes."""

    __table_args__ = (
        Index("ix_movement_customer", "customer_id", "id"),
        Index("ix_movement_customer_kind", "customer_id", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    kind: str = Field(max_length=40)  # customer.created, customer.updated, contact.added, site.removed, ...
    field: str | None = Field(default=None, max_length=60)
    # The customer's version after this change: a stale edit is shown exactly what came after it.
    customer_version: int | None = Field(default=None)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # A staff member's name; empty for a customer user, whose name is personal data and goes to `values`.
    actor_name: str = Field(max_length=200)
    source: str = Field(max_length=12)  # office | portal | api | import | system
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    values_id: int | None = Field(default=None)
    values: LedgerValue | None = Relationship(sa_relationship_kwargs={
        "primaryjoin": "foreign(Movement.values_id) == LedgerValue.id", "lazy": "selectin", "uselist": False})

    @property
    def before(self) -> str | None:
        return value_of(self.values, "before")

    @property
    def after(self) -> str | None:
        return value_of(self.values, "after")

    @property
    def summary(self) -> str | None:
        return value_of(self.values, "summary")

    @property
    def actor_label(self) -> str:
        """Who acted, as recorded: the staff member's name, or the customer user's while it is not anonymized."""
        return value_of(self.values, "actor_name") or self.actor_name

    @property
    def erased(self) -> bool:
        """Whether the personal values this row had were cleared by an anonymization."""
        return self.values_id is not None and self.values is None
