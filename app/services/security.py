"""Password hashing and opaque tokens. One CryptContext for the whole product."""

from __future__ import annotations

import hashlib
import secrets

from passlib.context import CryptContext

# argon2id for every new hash; bcrypt only verifies hashes imported from older systems,
# which verify_and_update then replaces with argon2id at the next successful sign-in.
PASSWORDS = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash to store or None). With no hash, spends the same work and fails."""
    if not password_hash:
        PASSWORDS.dummy_verify()
        return False, None
    try:
        return PASSWORDS.verify_and_update(password, password_hash)
    except (ValueError, TypeError):
        PASSWORDS.dummy_verify()
        return False, None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
