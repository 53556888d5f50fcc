"""Text normalisation shared by search, uniqueness checks and the demo data."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower case, accents removed, spaces collapsed: 'Nicolò  D'Àmico' -> "nicolo d'amico"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().lower()


def compact_code(text: str | None) -> str:
    """A code compared without case and spaces: ' ab 12-x ' -> 'AB12-X'."""
    return "".join((text or "").split()).upper()
