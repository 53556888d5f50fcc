"""The upstream registry (the headquarters' instance of this app): when the list offers to search it, what
its answer shows, and how an upstream customer becomes local values. Pure rules: no HTTP, no database."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.change_rules import REQUEST_FIELDS, field_value
from app.i18n import N_

# Up to this many upstream results are shown; one more is asked for to know there are too many.
MAX_SHOWN = 6
ASK_FOR = MAX_SHOWN + 1

OFFER_NONE = N_("upstream.offer.none")
OFFER_FEW = N_("upstream.offer.few")
TOO_MANY = N_("upstream.too_many")
NOTHING_FOUND = N_("upstream.nothing_found")
UNREACHABLE = N_("upstream.unreachable")
CANCELLED = N_("upstream.cancelled")


def offer(local_count: int) -> str | None:
    """The invitation shown under the local results: none found, or no more than six (not precise enough)."""
    if local_count <= 0:
        return OFFER_NONE
    if local_count <= MAX_SHOWN:
        return OFFER_FEW
    return None


@dataclass(frozen=True)
class Verdict:
    """What the list shows after asking upstream: its rows (at most six) and a message, or neither."""

    show: tuple
    message: str | None


def verdict(found: list | None) -> Verdict:
    """`found` is what upstream answered (None: unreachable or slower than the timeout). The local results
    always stay on screen; upstream rows join them only when there are at most six."""
    if found is None:
        return Verdict((), UNREACHABLE)
    if not found:
        return Verdict((), NOTHING_FOUND)
    if len(found) > MAX_SHOWN:
        return Verdict((), TOO_MANY)
    return Verdict(tuple(found), None)


# The customer fields another instance of this app sends and this one keeps.
COPIED_FIELDS = ("kind", "company_name", "first_name", "last_name", "vat_number", "tax_code", "sdi_code", "pec",
                 "email", "phone", "mobile", "street", "cap", "city", "province", "country")


def local_values(upstream: dict) -> dict:
    """The raw customer input for a local copy of an upstream customer, linked by its code."""
    values = {name: _text(upstream.get(name)) for name in COPIED_FIELDS}
    values["kind"] = values["kind"] or "business"
    values["country"] = values["country"] or "IT"
    values["external_code"] = _text(upstream.get("code"))
    return values


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def changed_fields(current: dict, upstream: dict) -> dict[str, object]:
    """The request fields (an address counts as one) whose upstream value differs from the local one,
    both cleaned the same way (`upstream` already validated)."""
    return {
        field: field_value(upstream, field)
        for field in REQUEST_FIELDS
        if field_value(upstream, field) != field_value(current, field)
    }


def split_collisions(changes: dict[str, object], pending_fields: set[str]) -> tuple[dict, dict]:
    """Changes to apply at once, and those colliding with a field a customer asked to change and the
    office has not decided yet: those go to the same review."""
    apply = {f: v for f, v in changes.items() if f not in pending_fields}
    held = {f: v for f, v in changes.items() if f in pending_fields}
    return apply, held
