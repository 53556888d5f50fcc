"""The shapes the REST API answers with and accepts (they make its OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from app.domain.vocabularies import CustomerKind
from app.models import Contact, Customer, Site
from app.models.base import as_utc


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` names each wrong field with its message in the caller's language."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class CustomerSummary(BaseModel):
    id: int
    code: str
    external_code: str | None
    kind: str
    display_name: str
    company_name: str | None
    first_name: str | None
    last_name: str | None
    vat_number: str | None
    tax_code: str | None
    email: str | None
    pec: str | None
    phone: str | None
    city: str | None
    province: str | None
    status: str
    version: int
    updated_at: datetime


class CustomerRecord(CustomerSummary):
    """A customer's every field, without its contacts and sites (the changes feed's items)."""

    sdi_code: str | None
    mobile: str | None
    street: str | None
    cap: str | None
    country: str
    assigned_user_id: int | None
    block_automatic_emails: bool
    notes: str | None
    block_level: str | None
    created_at: datetime


class ContactOut(BaseModel):
    id: int
    kind: str
    first_name: str
    last_name: str
    role: str | None
    email: str | None
    phone: str | None


class SiteOut(BaseModel):
    id: int
    name: str
    street: str | None
    cap: str | None
    city: str | None
    province: str | None
    country: str
    is_default: bool
    notes: str | None


class CustomerDetail(CustomerRecord):
    contacts: list[ContactOut]
    sites: list[SiteOut]


class CustomerPage(BaseModel):
    items: list[CustomerSummary]
    next_cursor: str | None


class ChangesPage(BaseModel):
    items: list[CustomerRecord]
    next: str


class Duplicate(BaseModel):
    id: int
    code: str
    display_name: str
    matched: list[str]


class DuplicatesProblem(Problem):
    duplicates: list[Duplicate] = []


_SUMMARY = tuple(CustomerSummary.model_fields)
_RECORD = tuple(CustomerRecord.model_fields)


def _values(customer: Customer, names: tuple[str, ...]) -> dict:
    values = {name: getattr(customer, name) for name in names}
    values["updated_at"] = as_utc(customer.updated_at)
    if "created_at" in values:
        values["created_at"] = as_utc(customer.created_at)
    return values


def summary(customer: Customer) -> CustomerSummary:
    return CustomerSummary(**_values(customer, _SUMMARY))


def record(customer: Customer) -> CustomerRecord:
    return CustomerRecord(**_values(customer, _RECORD))


def detail(customer: Customer, contacts: list[Contact], sites: list[Site]) -> CustomerDetail:
    return CustomerDetail(
        **_values(customer, _RECORD),
        contacts=[ContactOut(id=c.id, kind=c.kind, first_name=c.first_name, last_name=c.last_name, role=c.role,
                             email=c.email, phone=c.phone) for c in contacts],
        sites=[SiteOut(id=s.id, name=s.name, street=s.street, cap=s.cap, city=s.city, province=s.province,
                       country=s.country, is_default=s.is_default, notes=s.notes) for s in sites],
    )


# Writing a customer ----------------------------------------------------------------------------------

_TEXT = Field(default=None, max_length=4000)


class CustomerPatch(BaseModel):
    """The fields a change request may ask for; each is applied, held for review or refused by the
    field rules for the source "api". Fields left out stay as they are; null empties one."""

    model_config = ConfigDict(extra="forbid")

    company_name: str | None = _TEXT
    first_name: str | None = _TEXT
    last_name: str | None = _TEXT
    vat_number: str | None = _TEXT
    tax_code: str | None = _TEXT
    sdi_code: str | None = _TEXT
    pec: str | None = _TEXT
    email: str | None = _TEXT
    phone: str | None = _TEXT
    mobile: str | None = _TEXT
    street: str | None = _TEXT
    cap: str | None = _TEXT
    city: str | None = _TEXT
    province: str | None = _TEXT
    country: str | None = _TEXT


class CustomerCreate(CustomerPatch):
    kind: CustomerKind = CustomerKind.BUSINESS
    external_code: str | None = _TEXT
    assigned_user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    block_automatic_emails: bool = False
    notes: str | None = _TEXT


class ChangeOutcome(BaseModel):
    """What became of each asked field: applied at once, pending a reviewer, or refused by the rules.
    `request_id` is null when nothing asked differs from the customer's data."""

    request_id: int | None
    applied: list[str]
    pending: list[str]
    refused: list[str]
    customer: CustomerDetail


# Consents --------------------------------------------------------------------------------------------


class ConsentState(BaseModel):
    type_code: str
    type_title: str
    channel: str
    state: str
    text_version: int | None
    latest_text_version: int
    signature_missing: bool
    recorded_at: datetime | None
    source: str | None


class ConsentSubject(BaseModel):
    contact_id: int | None  # null: the customer itself
    consents: list[ConsentState]


class ConsentEventOut(BaseModel):
    id: int
    contact_id: int | None
    type_code: str
    state: str
    text_version: int
    text_sha256: str
    source: str
    signature_collected: bool
    recorded_by: str | None
    recorded_at: datetime


class ConsentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=40, description="The consent type's code")
    state: str = Field(min_length=1, max_length=10, description="granted | refused | unknown")
    contact_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    signature_collected: bool = False


class ConsentRecorded(BaseModel):
    recorded: bool  # false: the consent already stood so, nothing was recorded
    event: ConsentEventOut | None


# Orders ----------------------------------------------------------------------------------------------

_AMOUNT = Field(default=None, max_digits=18, decimal_places=3)


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    description: str | None = Field(default=None, max_length=300)
    quantity: Decimal | None = _AMOUNT
    unit_price: Decimal | None = _AMOUNT
    discount: Decimal | None = _AMOUNT
    vat_rate: Decimal | None = _AMOUNT


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    payment_term: str | None = Field(default=None, max_length=20)
    shipping_site_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    shipping_costs: Decimal | None = _AMOUNT
    notes: str | None = Field(default=None, max_length=4000)
    lines: list[OrderLine] = Field(default=[], max_length=500)


class OrderLineOut(BaseModel):
    position: int
    article_id: int | None
    description: str
    quantity: str
    unit_price: str
    discount: str
    vat_rate: str
    gross: str


class HoldReasonOut(BaseModel):
    code: str
    label: str


class OrderOut(BaseModel):
    id: int
    number: str
    kind: str
    status: str
    held: bool
    reasons: list[HoldReasonOut]
    customer_id: int
    document_date: date
    payment_term: str | None
    net_total: str
    vat_total: str
    gross_total: str
    lines: list[OrderLineOut]


# Interventions ---------------------------------------------------------------------------------------


class InterventionOut(BaseModel):
    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    site_name: str
    site_address: str
    type_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    technicians: list[str]
    description: str


class InterventionPage(BaseModel):
    items: list[InterventionOut]
    next_cursor: str | None


class MaterialOut(BaseModel):
    description: str
    quantity: str
    unit: str | None


class InterventionDetailOut(InterventionOut):
    version: int
    site_id: int
    contact_id: int | None
    cancel_reason: str | None
    started_at: datetime | None
    closed_at: datetime | None
    work_done: str | None
    minutes_spent: int | None
    signer_name: str | None
    sheet_sha256: str | None
    materials: list[MaterialOut]

