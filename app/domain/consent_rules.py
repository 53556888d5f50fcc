"""What a consent is: three states told apart, a channel that needs its contact data, and a text
whose exact wording is proved by its hash."""

from __future__ import annotations

import hashlib
import re

from app.domain.errors import DomainError
from app.domain.vocabularies import ConsentChannel, ConsentState, Source
from app.i18n import N_

GRANTED, REFUSED, UNKNOWN = ConsentState.GRANTED, ConsentState.REFUSED, ConsentState.UNKNOWN
STATES = ConsentState.values()
CHANNELS = ConsentChannel.values()
# Where a consent can be recorded from.
SOURCES = (Source.OFFICE.value, Source.PORTAL.value, Source.IMPORT.value, Source.API.value)
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def text_hash(body: str) -> str:
    """SHA-256 of the exact text shown to the person, as UTF-8."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def channel_needs(channel: str, subject: dict) -> str | None:
    """The message key saying which contact data is missing to grant a consent on this channel
    (`subject` has email, phone, mobile, street, city), or None when it is there."""
    if channel == "email" and not subject.get("email"):
        return N_("consents.err.needs_email")
    if channel == "sms" and not (subject.get("mobile") or subject.get("phone")):
        return N_("consents.err.needs_mobile")
    if channel == "phone" and not (subject.get("phone") or subject.get("mobile")):
        return N_("consents.err.needs_phone")
    if channel == "post" and not (subject.get("street") and subject.get("city")):
        return N_("consents.err.needs_address")
    return None


def validate_type(raw: dict) -> dict:
    """A consent type from the settings form: code, title, channel, text, signature, active, order."""
    if not isinstance(raw, dict):
        raise DomainError("customer.err.form")
    errors: dict[str, str] = {}
    code = str(raw.get("code") or "").strip().lower()
    if not _CODE.match(code):
        errors["code"] = N_("consents.err.code")
    title = " ".join(str(raw.get("title") or "").split())
    if not title:
        errors["title"] = N_("customer.err.required")
    elif len(title) > 200:
        errors["title"] = N_("customer.err.too_long")
    channel = raw.get("channel") or "none"
    if channel not in CHANNELS:
        errors["channel"] = N_("consents.err.channel")
    body = str(raw.get("body") or "").strip().replace("\r\n", "\n")
    if not body:
        errors["body"] = N_("customer.err.required")
    elif len(body) > 20000:
        errors["body"] = N_("customer.err.too_long")
    position = raw.get("position", 0)
    try:
        position = int(position)
    except (TypeError, ValueError):
        errors["position"] = N_("consents.err.position")
        position = 0
    if errors:
        raise DomainError(errors)
    truthy = (True, "on", "true", "1", 1)
    return {
        "code": code, "title": title, "channel": channel, "body": body, "position": position,
        "requires_signature": raw.get("requires_signature") in truthy, "active": raw.get("active", True) in truthy,
    }
