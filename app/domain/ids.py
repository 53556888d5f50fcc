"""Record ids arrive from the browser as anything: a string, a list, a float, a huge number."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # fits every database's integer key


def parse_id(value: object) -> int | None:
    """A positive integer id, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def parse_choice(value: object, allowed: object) -> str:
    """One of the allowed strings, or "" for anything else (lists and dicts included)."""
    return value if isinstance(value, str) and value in allowed else ""
