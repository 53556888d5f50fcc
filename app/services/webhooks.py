"""Outgoing webhooks: each API key with a webhook URL is told of the events its scopes let it read.

An event is a row written in the same transaction as the change it tells of (so a change rolled back tells
nothing), unique per event, object, version and key (so nothing is told twice), then delivered by the jobs
with retries and a growing wait. Each delivery is signed: `Webhook-Signature: v1=<hex HMAC-SHA256 of
"<Webhook-Timestamp>.<body>" with the key's webhook secret>`."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain.permissions import Scope, parse_scopes
from app.models import ApiKey, WebhookDelivery
from app.models.base import as_utc, utcnow

log = logging.getLogger(__name__)

# Who may hear of what: the scope a key needs for each event.
EVENT_SCOPES = {
    "customer.changed": Scope.CUSTOMERS_READ,
    "request.decided": Scope.CUSTOMERS_READ,
    "consent.changed": Scope.CONSENTS_READ,
    "document.held": Scope.DOCUMENTS_WRITE,
    "document.released": Scope.DOCUMENTS_WRITE,
}
MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
CLAIM = timedelta(minutes=2)
TIMEOUT_SECONDS = 10
BATCH = 50


def enqueue(session: Session, event: str, subject: str, data: dict) -> int:
    """Stores `event` about `subject` ("customer:42:v3", unique per occurrence) for every key that may hear of
    it; returns how many deliveries were added (none when the same event was stored before)."""
    scope = EVENT_SCOPES[event]
    now = utcnow()
    keys = session.exec(select(ApiKey).where(col(ApiKey.webhook_url).is_not(None), col(ApiKey.revoked_at).is_(None)))
    added = 0
    for key in keys:
        if scope not in parse_scopes(key.scopes) or (key.expires_at is not None and as_utc(key.expires_at) <= now):
            continue
        dedupe_key = f"{event}:{subject}:{key.id}"[:200]
        if session.exec(select(WebhookDelivery.id).where(WebhookDelivery.dedupe_key == dedupe_key)).first():
            continue
        event_id = f"evt_{uuid.uuid4().hex}"
        body = json.dumps({"id": event_id, "type": event, "created_at": now.isoformat(), "data": data},
                          ensure_ascii=False, separators=(",", ":"), default=str)
        try:
            with session.begin_nested():
                session.add(WebhookDelivery(api_key_id=key.id, event_id=event_id, dedupe_key=dedupe_key, event=event,
                                            body=body, created_at=now, next_attempt_at=now))
            added += 1
        except IntegrityError:  # a concurrent transaction stored the same event first
            continue
    return added


def signature(secret: str, timestamp: str, body: str) -> str:
    return "v1=" + hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    return min(FIRST_WAIT * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


def _claim(session_factory: Callable, now: datetime) -> list[tuple[int, str, str, str, str]]:
    """Due deliveries, marked as taken by this worker for CLAIM (another worker skips them meanwhile)."""
    with session_factory(write=True) as session:
        due = session.exec(
            select(WebhookDelivery, ApiKey).join(ApiKey, ApiKey.id == WebhookDelivery.api_key_id)
            .where(col(WebhookDelivery.sent_at).is_(None), WebhookDelivery.attempts < MAX_ATTEMPTS,
                   WebhookDelivery.next_attempt_at <= now,
                   or_(col(WebhookDelivery.claimed_until).is_(None), WebhookDelivery.claimed_until < now))
            .order_by(WebhookDelivery.id).limit(BATCH)).all()
        taken = []
        for delivery, key in due:
            claimed = session.execute(update(WebhookDelivery).where(
                WebhookDelivery.id == delivery.id,
                or_(col(WebhookDelivery.claimed_until).is_(None), WebhookDelivery.claimed_until < now),
            ).values(claimed_until=now + CLAIM))
            if claimed.rowcount == 1 and key.webhook_url and key.revoked_at is None:
                taken.append((delivery.id, key.webhook_url, key.webhook_secret or "", delivery.event_id,
                              delivery.body))
        return taken


def deliver_due(*, session_factory: Callable, now: datetime | None = None,
                client: httpx.Client | None = None) -> int:
    """Sends the due deliveries; a 2xx answer delivers one, anything else waits longer each time. Returns
    how many were delivered."""
    now = now or utcnow()
    taken = _claim(session_factory, now)
    delivered = 0
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
    try:
        for delivery_id, url, secret, event_id, body in taken:
            timestamp = str(int(now.timestamp()))
            error = None
            try:
                answer = client.post(url, content=body.encode(), headers={
                    "Content-Type": "application/json", "Webhook-Id": event_id, "Webhook-Timestamp": timestamp,
                    "Webhook-Signature": signature(secret, timestamp, body), "User-Agent": "anagrafica-webhooks/1"})
                if not 200 <= answer.status_code < 300:
                    error = f"HTTP {answer.status_code}"
            except httpx.HTTPError as failure:
                error = f"{type(failure).__name__}: {failure}"[:500]
            with session_factory(write=True) as session:
                row = session.get(WebhookDelivery, delivery_id)
                row.attempts += 1
                row.claimed_until = None
                if error is None:
                    row.sent_at = utcnow()
                    delivered += 1
                else:
                    row.last_error = error
                    row.next_attempt_at = now + backoff(row.attempts)
                    log.warning("webhook %s to %s failed (attempt %s): %s", event_id, url, row.attempts, error)
                session.add(row)
    finally:
        if own:
            client.close()
    return delivered
