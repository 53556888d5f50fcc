"""Rules of interventions that need no database: times, the customer's signature, the sheet's
fingerprint and when a reminder is due."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from collections.abc import Iterable
from datetime import datetime, timedelta

from PIL import Image, UnidentifiedImageError

from app.domain.errors import DomainError
from app.i18n import N_

# Longer than any visit; a longer one is a typing mistake (a wrong month or year).
MAX_DURATION = timedelta(days=14)
# A finger-drawn signature on a tablet is a few tens of kilobytes; far more is not a signature.
MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_MINUTES = 24 * 60 * 7
_PNG_PREFIX = "data:image/png;base64,"


def check_times(starts_at: datetime | None, ends_at: datetime | None, errors: dict[str, str]) -> None:
    if starts_at is None:
        errors.setdefault("starts_at", N_("form.err.time"))
    if ends_at is None:
        errors.setdefault("ends_at", N_("form.err.time"))
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"] = N_("interventions.err.ends_before_start")
        elif ends_at - starts_at > MAX_DURATION:
            errors["ends_at"] = N_("interventions.err.too_long")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Two visits overlap when each starts before the other ends; back to back is not a clash."""
    return a_start < b_end and b_start < a_end


def decode_signature(data_url: object) -> bytes:
    """The PNG of a signature drawn on the screen. Refused: anything that is not a PNG image, one too
    large, and an empty canvas (no pixel drawn), so a sheet is never signed by a blank box."""
    if not isinstance(data_url, str) or not data_url.startswith(_PNG_PREFIX):
        raise DomainError({"signature": N_("interventions.err.signature_missing")})
    try:
        raw = base64.b64decode(data_url[len(_PNG_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError({"signature": N_("interventions.err.signature_invalid")}) from None
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise DomainError({"signature": N_("interventions.err.signature_invalid")})
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width * image.height > 4096 * 4096:
                raise DomainError({"signature": N_("interventions.err.signature_invalid")})
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DomainError({"signature": N_("interventions.err.signature_invalid")}) from None
    # Ink is any pixel that is not transparent and not white: a canvas cleared to white counts as empty.
    alpha = rgba.getchannel("A").point(lambda v: 255 if v > 16 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 235 else 0)
    ink = Image.composite(dark, Image.new("L", rgba.size, 0), alpha)
    if ink.getbbox() is None:
        raise DomainError({"signature": N_("interventions.err.signature_empty")})
    return raw


def sheet_digest(lines: Iterable[str], signature_png: bytes) -> str:
    """The SHA-256 printed on the sheet: of every line of content shown on it and of the signature image,
    so that anyone holding the sheet and the stored data can check that neither was changed."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    digest.update(hashlib.sha256(signature_png).digest())
    return digest.hexdigest()


def parse_offsets(text: str) -> tuple[int, ...]:
    """The reminder offsets setting ("30,7"): whole days before the visit, largest first."""
    days = {int(part) for part in text.replace(" ", "").split(",") if part.isdigit() and 0 < int(part) <= 365}
    return tuple(sorted(days, reverse=True))


def due_offset(starts_at: datetime, now: datetime, offsets: tuple[int, ...]) -> int | None:
    """Which reminder is due now, if any. The reminder for N days before is due from then until the next
    smaller offset's moment (or the visit), so a visit planned or moved close to its date gets only the
    reminder that still makes sense, never the 30-day one five days before."""
    for index, days in enumerate(offsets):
        opens = starts_at - timedelta(days=days)
        closes = starts_at - timedelta(days=offsets[index + 1]) if index + 1 < len(offsets) else starts_at
        if opens <= now < closes:
            return days
    return None
