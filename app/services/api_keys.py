"""The keys other programs call the REST API with: created by an administrator, shown once, kept as a hash,
revocable. A key acts as an Actor of Role.INTEGRATION that may do exactly what its scopes allow."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.domain.errors import DomainError
from app.domain.inputs import check_text
from app.domain.permissions import Actor, Perm, Role, Scope, parse_scopes, require
from app.i18n import N_
from app.models import ApiKey
from app.models.base import as_utc, utcnow

NOT_FOUND = N_("api_keys.not_found")
KEY_PATTERN = re.compile(r"^rk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
# The last use is written at most once in this time per key: a busy integration does not write on every call.
LAST_USE_EVERY = timedelta(minutes=1)
MAX_KEYS_LISTED = 100


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedKey:
    id: int
    name: str
    key: str  # the whole key: shown once, never stored
    webhook_secret: str | None


@dataclass(frozen=True)
class KeyRow:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    webhook_url: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utcnow())


def _check_webhook_url(value: str | None, errors: dict[str, str]) -> None:
    if not value:
        return
    parts = urlsplit(value)
    if len(value) > 500 or parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        errors.setdefault("webhook_url", N_("api_keys.err.webhook_url"))


def create_key(
    *, session: Session, actor: Actor, name: object, scopes: object, expires_on: date | None = None,
    webhook_url: object = None, today: date | None = None,
) -> CreatedKey:
    """A new key; its secret is in the answer and nowhere else. It expires at the end of `expires_on` (UTC)."""
    require(actor, Perm.SETTINGS_MANAGE)
    errors: dict[str, str] = {}
    name = name.strip() if isinstance(name, str) else ""
    check_text(name, "name", 100, errors, required=True)
    chosen = parse_scopes(scopes)
    if not chosen:
        errors["scopes"] = N_("api_keys.err.scopes")
    if expires_on is not None and expires_on <= (today or utcnow().date()):
        errors["expires_on"] = N_("api_keys.err.expiry_past")
    url = webhook_url.strip() if isinstance(webhook_url, str) else ""
    _check_webhook_url(url, errors)
    if errors:
        raise DomainError(errors)
    prefix = secrets.token_hex(4)
    while session.exec(select(ApiKey.id).where(ApiKey.prefix == prefix)).first() is not None:
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    webhook_secret = f"whsec_{secrets.token_urlsafe(32)}" if url else None
    key = ApiKey(
        name=name, prefix=prefix, secret_hash=hash_secret(secret), scopes=" ".join(sorted(chosen)),
        created_by_user_id=actor.user_id, created_by_name=actor.name,
        expires_at=datetime.combine(expires_on, time.max, tzinfo=UTC) if expires_on else None,
        webhook_url=url or None, webhook_secret=webhook_secret,
    )
    session.add(key)
    session.flush()
    return CreatedKey(id=key.id, name=name, key=f"rk_{prefix}_{secret}", webhook_secret=webhook_secret)


def list_keys(*, session: Session, actor: Actor) -> list[KeyRow]:
    """The newest keys first, revoked ones included (they say when)."""
    require(actor, Perm.SETTINGS_MANAGE)
    found = session.exec(select(ApiKey).order_by(col(ApiKey.id).desc()).limit(MAX_KEYS_LISTED))
    return [KeyRow(k.id, k.name, k.prefix, tuple(sorted(parse_scopes(k.scopes))), k.created_by_name,
                   as_utc(k.created_at), as_utc(k.expires_at), as_utc(k.revoked_at), as_utc(k.last_used_at),
                   k.webhook_url) for k in found]


def revoke_key(*, session: Session, actor: Actor, key_id: object) -> None:
    """The key stops working at once; a key already revoked keeps its first revocation time."""
    require(actor, Perm.SETTINGS_MANAGE)
    key = session.get(ApiKey, key_id) if isinstance(key_id, int) else None
    if key is None:
        raise DomainError(NOT_FOUND)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)


def key_actor(key: ApiKey, lang: str) -> Actor:
    return Actor(user_id=None, role=Role.INTEGRATION, customer_id=None, name=f"API · {key.name}", language=lang,
                 scopes=parse_scopes(key.scopes), api_key_id=key.id)


@dataclass(frozen=True)
class Caller:
    actor: Actor
    prefix: str  # the key's public part: what its requests are counted under
    # Whether the key's last use is older than LAST_USE_EVERY: then the caller writes it (`touch`).
    stale_last_use: bool


def authenticate(*, session: Session, token: object, lang: str = "it", now: datetime | None = None) -> Caller | None:
    """Who a presented key stands for, or None for a malformed, unknown, revoked or expired one.
    The secret is compared in constant time against the stored hash. Only reads."""
    match = KEY_PATTERN.match(token) if isinstance(token, str) else None
    if match is None:
        return None
    prefix, secret = match.groups()
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    now = now or utcnow()
    if key.revoked_at is not None or (key.expires_at is not None and as_utc(key.expires_at) <= now):
        return None
    last = as_utc(key.last_used_at)
    return Caller(key_actor(key, lang), key.prefix, stale_last_use=last is None or now - last >= LAST_USE_EVERY)


def touch(*, session: Session, key_id: int, now: datetime | None = None) -> None:
    """Records the key's use. Conditional, so that of several workers seeing the same stale time one writes."""
    now = now or utcnow()
    session.execute(update(ApiKey).where(ApiKey.id == key_id, or_(
        col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < now - LAST_USE_EVERY,
    )).values(last_used_at=now))


def webhook_targets(session: Session) -> list[ApiKey]:
    """The active keys with a webhook: each is told of every event its scopes let it read."""
    now = utcnow()
    return [k for k in session.exec(select(ApiKey).where(col(ApiKey.webhook_url).is_not(None),
                                                        col(ApiKey.revoked_at).is_(None)))
            if k.expires_at is None or as_utc(k.expires_at) > now]


ALL_SCOPES = tuple(Scope)
