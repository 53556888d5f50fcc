"""Password hashing and opaque tokens. One CryptContext for the whole product."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from passlib.context import CryptContext

# argon2id for every new hash; bcrypt only verifies hashes imported from older systems,
# which verify_and_update then replaces with argon2id at the next successful sign-in.
PASSWORDS = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


@cache
def _dummy_hash(scheme: str) -> str:
    """A hash of nothing anyone knows, made with the same settings as the real ones of its scheme."""
    return PASSWORDS.handler(scheme).hash(secrets.token_urlsafe(16))


def _spend(scheme: str, password: str) -> None:
    PASSWORDS.verify(password, _dummy_hash(scheme))


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash to store or None).

    Whatever the account (argon2id, a bcrypt hash imported from an older system, none at all), the same work
    is spent: one argon2id and one bcrypt computation, real or dummy. Otherwise the answer's time would tell
    an address with an account from one without, and an imported account from a native one. A right
    password on a bcrypt hash spends its argon2id on the new hash instead."""
    scheme = PASSWORDS.identify(password_hash, required=False) if password_hash else None
    if scheme not in ("argon2", "bcrypt"):
        spend_equal_work(password)
        return False, None
    try:
        matches, new_hash = PASSWORDS.verify_and_update(password, password_hash)
    except (ValueError, TypeError):
        spend_equal_work(password)
        return False, None
    if scheme == "argon2":
        _spend("bcrypt", password)
    elif new_hash is None:
        _spend("argon2", password)
    return matches, new_hash


def spend_equal_work(password: str = "") -> None:
    """The work of checking a password against an account that has none: for unknown addresses and for
    requests (a forgotten password) whose answer must take as long whether the account exists or not."""
    _spend("argon2", password)
    _spend("bcrypt", password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
