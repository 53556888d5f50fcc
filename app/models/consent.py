from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, Relationship, SQLModel

from app.models.base import utcnow
from app.models.ledger import LedgerValue, value_of


def _ts() -> Column:
    return Column(DateTime(timezone=True), nullable=False)


class ConsentType(SQLModel, table=True):
    """A purpose a customer may consent to: data processing, newsletter, marketing, ..."""

    __tablename__ = "consent_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=200)
    channel: str = Field(default="none", max_length=10)  # none | email | sms | phone | post
    requires_signature: bool = Field(default=False)
    active: bool = Field(default=True)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ConsentText(SQLModel, table=True):
    """One version of a consent type's text. A changed text is a new version; old ones stay."""

    __tablename__ = "consent_text"
    __table_args__ = (Index("ux_consent_text_version", "consent_type_id", "version", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    consent_type_id: int = Field(foreign_key="consent_type.id", ondelete="RESTRICT")
    version: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class ConsentEvent(SQLModel, table=True):
    """The proof ledger: every change of a consent, never updated or deleted (the database refuses
    both). The subject is the customer itself or one of its contacts; the contact is kept by id without a
    foreign key, so the proof outlives the contact's removal. The subject's name (and a customer user's, when
    one recorded it) lives in `values`, which anonymization alone deletes; `proof_sha256` stays and proves
    the event for whoever brings the subject's identity again (app.domain.consent_rules.proof_hash)."""

    __tablename__ = "consent_event"
    __table_args__ = (
        Index("ix_consent_event_subject", "customer_id", "contact_id", "consent_type_id", "id"),
        Index("ix_consent_event_type", "consent_type_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", ondelete="RESTRICT")
    contact_id: int | None = Field(default=None)
    consent_type_id: int = Field(foreign_key="consent_type.id", ondelete="RESTRICT")
    consent_text_id: int = Field(foreign_key="consent_text.id", ondelete="RESTRICT")
    text_sha256: str = Field(max_length=64)
    state: str = Field(max_length=10)  # granted | refused | unknown
    source: str = Field(max_length=12)  # office | portal | import | api
    signature_collected: bool = Field(default=False)  # signed in an external system
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # A staff member's name; empty for a customer user, whose name is personal data and goes to `values`.
    actor_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    proof_sha256: str | None = Field(default=None, max_length=64)
    values_id: int | None = Field(default=None)
    values: LedgerValue | None = Relationship(sa_relationship_kwargs={
        "primaryjoin": "foreign(ConsentEvent.values_id) == LedgerValue.id", "lazy": "selectin", "uselist": False})

    @property
    def subject_name(self) -> str:
        return value_of(self.values, "subject_name") or ""

    @property
    def actor_label(self) -> str:
        return value_of(self.values, "actor_name") or self.actor_name
