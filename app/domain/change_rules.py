"""What a customer may ask to change, what the rules say about each change, and how a requested
value is checked against the registry's rules: once when asked, again when accepted."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.domain.customer_rules import FIELDS, CustomerData, display_phone, validate_customer
from app.domain.errors import DomainError
from app.domain.vocabularies import Source

# A request field is what a reviewer decides on: one column, or the whole address, which is only
# ever valid as a whole (a new city with the old CAP is no address at all).
REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "company_name": ("company_name",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "vat_number": ("vat_number",),
    "tax_code": ("tax_code",),
    "sdi_code": ("sdi_code",),
    "pec": ("pec",),
    "email": ("email",),
    "phone": ("phone",),
    "mobile": ("mobile",),
    "address": ("street", "cap", "city", "province", "country"),
}
FIELD_OF_COLUMN = {column: field for field, columns in REQUEST_FIELDS.items() for column in columns}
EDITABLE_COLUMNS = tuple(FIELD_OF_COLUMN)

# Where a change to a customer can be asked from, each with its own rules.
SOURCES = (Source.PORTAL.value, Source.API.value, Source.IMPORT.value)
AUTO, REVIEW, REFUSE = "auto", "review", "refuse"
ACTIONS = (AUTO, REVIEW, REFUSE)
# What held an upstream registry's change (never an office choice): it collided with a field a customer asked
# to change and the office has not decided yet. Such an item waits beside the customer's own, one of each per field.
UPSTREAM = "upstream"
DEFAULT_ACTIONS: dict[str, str] = {
    "phone": AUTO, "mobile": AUTO, "vat_number": AUTO, "tax_code": AUTO,
    "company_name": REVIEW, "first_name": REVIEW, "last_name": REVIEW, "address": REVIEW,
    "email": REVIEW, "pec": REVIEW, "sdi_code": REVIEW,
}

# An item's life: applied at once, refused at once, or pending until a reviewer accepts or
# ignores it, or a newer request for the same field supersedes it.
APPLIED, PENDING, ACCEPTED, IGNORED, REFUSED, SUPERSEDED = (
    "applied", "pending", "accepted", "ignored", "refused", "superseded",
)
ITEM_STATES = (APPLIED, PENDING, ACCEPTED, IGNORED, REFUSED, SUPERSEDED)


@dataclass(frozen=True)
class Policies:
    """The office's settings: the master switch and each (field, source) choice that differs from the default."""

    review_enabled: bool
    actions: dict[tuple[str, str], str]

    def action(self, field: str, source: str) -> str:
        if not self.review_enabled:
            return AUTO
        return self.actions.get((field, source), DEFAULT_ACTIONS[field])


def clean_policy_choices(raw: dict) -> dict[tuple[str, str], str]:
    """`{"phone:portal": "auto", ...}` from a settings form; anything unknown is refused."""
    if not isinstance(raw, dict):
        raise DomainError("policies.invalid")
    choices: dict[tuple[str, str], str] = {}
    for key, action in raw.items():
        field, _, source = str(key).partition(":")
        if field not in REQUEST_FIELDS or source not in SOURCES or action not in ACTIONS:
            raise DomainError("policies.invalid")
        choices[(field, source)] = action
    return choices


def field_value(values: dict, field: str) -> object:
    """A request field's value: a plain value, or a dict of the address columns."""
    columns = REQUEST_FIELDS[field]
    if len(columns) == 1:
        return values.get(columns[0])
    return {column: values.get(column) for column in columns}


def encode(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def decode(stored: str | None) -> object:
    return None if stored is None else json.loads(stored)


def format_value(field: str, value: object) -> str:
    """What a person reads: 'Via Roma 1, 20121 Milano (MI)' for an address."""
    if field in ("phone", "mobile"):
        return display_phone(value if isinstance(value, str) else None)
    if field != "address":
        return "" if value is None else str(value)
    if not isinstance(value, dict):
        return ""
    place = " ".join(p for p in (value.get("cap"), value.get("city")) if p)
    if value.get("province"):
        place = f"{place} ({value['province']})" if place else value["province"]
    parts = [p for p in (value.get("street"), place) if p]
    if value.get("country") and value.get("country") != "IT":
        parts.append(value["country"])
    return ", ".join(parts)


def _merged(current: dict, columns: dict) -> dict:
    merged = {name: current.get(name) for name in FIELDS}
    merged.update(columns)
    return merged


def _errors_by_field(error: DomainError) -> dict[str, str]:
    return {FIELD_OF_COLUMN.get(column, ""): key for column, key in error.errors.items()}


def requested_changes(current: dict, raw: dict) -> tuple[CustomerData, dict[str, object]]:
    """Checks what a customer typed against the registry's rules, together with the rest of the
    customer's data; returns the cleaned data and the request fields whose value really changes.
    Errors stay on the form's own columns, so each shows next to its input."""
    if not isinstance(raw, dict):
        raise DomainError("form.err.invalid")
    typed = {column: raw[column] for column in EDITABLE_COLUMNS if column in raw}
    data = validate_customer(_merged(current, typed))
    cleaned = data.as_dict()
    changes = {
        field: field_value(cleaned, field)
        for field in REQUEST_FIELDS
        if field_value(cleaned, field) != field_value(current, field)
    }
    return data, changes


def apply_values(current: dict, values: dict[str, object]) -> CustomerData:
    """The customer with these request fields set, checked again with today's rules and data.
    A refusal names the request field, as the reviewer sees it."""
    columns: dict[str, object] = {}
    for field, value in values.items():
        if len(REQUEST_FIELDS[field]) == 1:
            columns[field] = value
        else:
            columns.update(value if isinstance(value, dict) else {})
    try:
        return validate_customer(_merged(current, columns))
    except DomainError as error:
        raise DomainError(_errors_by_field(error), **error.params) from None
