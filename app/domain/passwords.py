"""Password policy: length bounds and a list of passwords attackers try first."""

from __future__ import annotations

from functools import lru_cache

from app.domain.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most used passwords from public breach corpora.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in _common_passwords():
        return True
    # "password123", "qwerty2024!": a common word padded with digits or symbols is just as weak.
    stripped = lowered.rstrip("0123456789!?.@#$%&*_-+")
    return len(stripped) >= 3 and stripped in _common_passwords() and len(set(lowered) - set(stripped)) <= 4


def validate_new_password(password: str, *, email: str | None = None, field: str = "password") -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise DomainError({field: "password.too_short"}, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise DomainError({field: "password.too_long"}, max=MAX_LENGTH)
    if is_common(password):
        raise DomainError({field: "password.common"})
    if email and password.lower() in {email.lower(), email.split("@")[0].lower()}:
        raise DomainError({field: "password.like_email"})
    if len(set(password)) < 4:
        raise DomainError({field: "password.common"})
