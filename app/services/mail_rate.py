"""How many e-mails a reserved-area user may cause in an hour.

Every support request a customer user opens, and every reply they add, is e-mailed to staff. Nothing but
this limit stops one account (or a script holding its session) from filling the office's mailbox. The
count is read from the messages themselves, so it needs no bookkeeping of its own and cannot drift; an
action of the reserved area that starts e-mailing staff adds its own rows to `sent_in_window`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.domain.errors import DomainError
from app.domain.permissions import Actor, Role
from app.models import TicketMessage, User
from app.models.base import as_utc, utcnow
from app.settings import Settings, get_settings

WINDOW = timedelta(hours=1)


def _window_start(now: datetime) -> datetime:
    return now - WINDOW


def sent_in_window(session: Session, user_id: int, now: datetime) -> tuple[int, datetime | None]:
    """How many e-mailing actions the user took in the last hour, and when the oldest of them was."""
    count, oldest = session.exec(
        select(func.count(), func.min(TicketMessage.created_at)).where(
            TicketMessage.author_user_id == user_id, col(TicketMessage.from_office).is_(False),
            TicketMessage.created_at > _window_start(now),
        )
    ).one()
    return count, as_utc(oldest)


def require_mail_allowance(
    *, session: Session, actor: Actor, settings: Settings | None = None, now: datetime | None = None
) -> None:
    """Refuses a reserved-area user's action that would e-mail staff once the hour's allowance is used up.
    Staff are not limited: their answers go to one customer user each, and they are accountable."""
    if actor.role is not Role.CUSTOMER:
        return
    limit = (settings or get_settings()).portal_mail_per_hour
    if limit <= 0:
        return
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        # Two tabs sending at once must not both see the last free place (SQLite writes one at a time anyway).
        session.exec(select(User.id).where(User.id == actor.user_id).with_for_update()).first()
    count, oldest = sent_in_window(session, actor.user_id, now)
    if count < limit:
        return
    wait = (oldest + WINDOW - now) if oldest is not None else WINDOW
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    raise DomainError({"": "limits.mail_per_hour"}, limit=limit, count=minutes)
