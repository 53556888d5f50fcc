"""What a consent is: three states told apart, a channel that needs its contact data, and a text
whose exact wording is proved by its hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from app.domain.errors import DomainError
from app.domain.inputs import ConsentTypeInput, check_text
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


def proof_hash(*, customer_id: int, contact_id: int | None, subject_name: str, text_sha256: str, state: str,
               source: str, signature_collected: bool, created_at: str) -> str:
    """What proves a consent event once the subject's name is gone: whoever brings the name again (the
    person, or an authority) can recompute it from the kept event and compare."""
    canonical = "\n".join([str(customer_id), str(contact_id or ""), " ".join(subject_name.split()).casefold(),
                           text_sha256, state, source, "1" if signature_collected else "0", created_at])
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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


# The field of a contact person's form that gives what a refused consent lacks; the address is the
# customer's, not the contact's, so it opens no contact form.
CONTACT_FIELD_NEEDED = {
    N_("consents.err.needs_email"): "email",
    N_("consents.err.needs_mobile"): "phone",
    N_("consents.err.needs_phone"): "phone",
}


def validate_type(raw: ConsentTypeInput | Mapping) -> dict:
    """A consent type from the settings form: code, title, channel, text, signature, active, order."""
    data, errors = ConsentTypeInput.read(raw)
    code = (data.code or "").lower()
    if not _CODE.match(code):
        errors["code"] = N_("consents.err.code")
    check_text(data.title, "title", 200, errors, required=True)
    channel = data.channel or "none"
    if channel not in CHANNELS:
        errors["channel"] = N_("consents.err.channel")
    body = (data.body or "").replace("\r\n", "\n")
    check_text(body, "body", 20000, errors, required=True)
    try:
        position = int(data.position or 0)
    except ValueError:
        errors["position"] = N_("consents.err.position")
        position = 0
    if errors:
        raise DomainError(errors)
    return {
        "code": code, "title": data.title, "channel": channel, "body": body, "position": position,
        "requires_signature": data.requires_signature, "active": data.active,
    }
