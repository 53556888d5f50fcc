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


# A phone number as people type it: digits with spaces, dots, dashes, slashes, brackets, a leading +.
_PHONE_TYPED = re.compile(r"\+?[\d\s().\-/]+")
PHONE_MIN_DIGITS = 6


def phone_digits(text: str | None) -> str:
    """The digits of a typed phone number, as the search text keeps them ('+39 02 4851 2210' ->
    '390248512210', '0039 02...' the same); '' when the text is not a phone number (letters, or fewer
    than six digits)."""
    typed = (text or "").strip()
    if not _PHONE_TYPED.fullmatch(typed):
        return ""
    digits = "".join(c for c in typed if c.isdigit())
    if typed.startswith("00"):  # 0039 ...: the international prefix written out
        digits = digits[2:]
    return digits if len(digits) >= PHONE_MIN_DIGITS else ""


def compact_code(text: str | None) -> str:
    """A code compared without case and spaces: ' ab 12-x ' -> 'AB12-X'."""
    return "".join((text or "").split()).upper()


# How many trigrams of a long text an FTS5 trigram index is asked for (measured best at 1M customers).
TRIGRAMS = 5


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def fts_query(folded: str, prefer_words: bool = True) -> str:
    """Up to 5 characters: the exact phrase. Longer: five trigrams spread from first to last,
    which the index answers far faster than a long phrase; rows are then checked with LIKE.
    Trigrams across a space or punctuation (" s.", ".l.", "i s" in company names) are in a large
    share of all customers and select little: they are asked for only when there is nothing else."""
    if len(folded) <= 5:
        return _fts_phrase(folded)
    grams = [folded[i:i + 3] for i in range(len(folded) - 2)]
    within_words = [gram for gram in grams if gram.isalnum()]
    # Codes and document numbers ("ft-2019/00") are told apart by their punctuation: keep it there.
    if prefer_words and len(within_words) >= 2:
        grams = within_words
    last = len(grams) - 1
    picked = dict.fromkeys(grams[round(last * k / (TRIGRAMS - 1))] for k in range(TRIGRAMS))
    return " AND ".join(_fts_phrase(gram) for gram in picked)


def _unsafe_characters() -> re.Pattern[str]:
    noncharacters = "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000))
    return re.compile(
        "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters; tab and line breaks stay
        "\ud800-\udfff"  # surrogates: alone they cannot be encoded, so no database or browser takes them
        "\ufdd0-\ufdef" + re.escape(noncharacters) + "]"  # noncharacters, U+10FFFF among them
    )


_UNSAFE = _unsafe_characters()


def drop_unsafe(text: str) -> str:
    """Text without the characters no field has a use for and some layer refuses: NUL breaks SQLite's
    full-text query and PostgreSQL refuses it, a lone surrogate cannot be encoded as UTF-8 (the update
    to the browser would fail), U+10FFFF has no character after it for a prefix search."""
    return _UNSAFE.sub("", text)
