"""E-mail outbox: every message is a row first (deduplicated), then delivered by SMTP when configured."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import aiosmtplib
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain.permissions import Actor, Perm, require
from app.models import OutboxAttachment, OutboxMessage
from app.models.base import utcnow
from app.services.lists import COUNT_CAP, CappedCount, capped_count
from app.settings import Settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300
# What stands for a link's token in the stored body, where the Outbox page shows it.
MASKED_TOKEN = "••••••••"


def enqueue(
    *, session: Session, dedupe_key: str, to_address: str, subject: str, body_text: str, kind: str,
    link_token: str | None = None,
) -> OutboxMessage:
    """Adds a message unless one with the same key exists; returns the stored one either way.

    `link_token`, the secret of a link in the body, is stored apart and masked in the body."""
    existing = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()
    if existing is not None:
        return existing
    if link_token:
        body_text = body_text.replace(link_token, MASKED_TOKEN)
    message = OutboxMessage(
        dedupe_key=dedupe_key, to_address=to_address, subject=subject, body_text=body_text, kind=kind,
        link_token=link_token or None,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # A concurrent transaction stored the same key first: theirs is the message.
        return session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).one()
    return message


def delivered_body(message: OutboxMessage) -> str:
    """The body as the recipient gets it: with the link's token in place of its mask."""
    if not message.link_token:
        return message.body_text
    return message.body_text.replace(MASKED_TOKEN, message.link_token)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    to_address: str
    subject: str
    kind: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    next_before_id: int | None


def _searched(query, search: str):  # noqa: ANN001, ANN202
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(col(OutboxMessage.to_address).ilike(pattern), col(OutboxMessage.subject).ilike(pattern))
        )
    return query


def count_messages(*, session: Session, actor: Actor, search: str = "", cap: int = COUNT_CAP) -> CappedCount:
    require(actor, Perm.OUTBOX_READ)
    return capped_count(session, _searched(select(OutboxMessage.id), search), cap)


def list_messages(
    *, session: Session, actor: Actor, before_id: int | None = None, limit: int = 25, search: str = ""
) -> OutboxPage:
    """Newest first, keyset-paginated on id."""
    require(actor, Perm.OUTBOX_READ)
    limit = max(1, min(int(limit), 100))
    query = _searched(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit + 1), search)
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    found = list(session.exec(query))
    rows = [
        OutboxRow(m.id, m.to_address, m.subject, m.kind, m.created_at, m.sent_at, m.attempts, m.last_error)
        for m in found[:limit]
    ]
    return OutboxPage(rows=rows, next_before_id=rows[-1].id if len(found) > limit else None)


def get_message(*, session: Session, actor: Actor, message_id: int) -> OutboxMessage | None:
    require(actor, Perm.OUTBOX_READ)
    return session.get(OutboxMessage, message_id)


def _claim(session: Session, message_id: int, now: datetime) -> bool:
    """Marks a message as being sent by this worker; False if another worker has it."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            col(OutboxMessage.sent_at).is_(None),
            or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    return result.rowcount == 1


def _as_email(message: OutboxMessage, settings: Settings, attachments: list[OutboxAttachment] = ()) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}-{message.dedupe_key[:40].replace(' ', '')}@registry>"
    email.set_content(delivered_body(message))
    for attachment in attachments:
        main, _, sub = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=main, subtype=sub or "octet-stream",
                             filename=attachment.filename)
    return email


async def deliver_pending(*, session_factory, settings: Settings, limit: int = 50) -> int:  # noqa: ANN001
    """Sends due messages over SMTP; returns how many were sent. Safe to run on several workers."""
    if not settings.smtp_configured:
        return 0
    now = utcnow()
    with session_factory() as session:
        due_ids = list(
            session.exec(
                select(OutboxMessage.id)
                .where(
                    col(OutboxMessage.sent_at).is_(None),
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            )
        )
    sent = 0
    for message_id in due_ids:
        with session_factory(write=True) as session:
            if not _claim(session, message_id, utcnow()):
                continue
        with session_factory() as session:
            message = session.get(OutboxMessage, message_id)
            files = list(session.exec(select(OutboxAttachment).where(OutboxAttachment.message_id == message_id)
                                      .order_by(OutboxAttachment.id)))
            email = _as_email(message, settings, files)
        error: str | None = None
        try:
            await aiosmtplib.send(
                email,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=settings.smtp_password,
                start_tls=settings.smtp_starttls,
                use_tls=settings.smtp_ssl,
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("outbox message %s not delivered: %s", message_id, error)
        with session_factory(write=True) as session:
            message = session.get(OutboxMessage, message_id)
            message.claimed_until = None
            if error is None:
                message.sent_at = utcnow()
                message.last_error = None
                message.link_token = None
                sent += 1
            else:
                message.attempts += 1
                message.last_error = error
                # Back off: 1, 2, 4 ... minutes, so a down mail server is not hammered.
                message.next_attempt_at = utcnow() + timedelta(minutes=2 ** (message.attempts - 1))
            session.add(message)
    return sent
