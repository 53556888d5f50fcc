from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime
from sqlmodel import Field, SQLModel

from app.models.base import utcnow


def _ts(nullable: bool = True, **kw) -> Column:  # noqa: ANN003
    return Column(DateTime(timezone=True), nullable=nullable, **kw)


class User(SQLModel, table=True):
    """Staff member or customer user. A customer user belongs to exactly one customer."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(
            "(role = 'customer' AND customer_id IS NOT NULL) OR (role <> 'customer' AND customer_id IS NULL)",
            name="ck_user_customer_matches_role",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True, ondelete="RESTRICT")
    password_hash: str | None = Field(default=None, max_length=512)
    is_active: bool = Field(default=True)
    language: str = Field(default="it", max_length=5)
    # Rights given to this staff user on top of the role, space-separated (see permissions.GRANTABLE).
    grants: str = Field(default="", max_length=200)
    # Wrong passwords in a row, when the latest was, and until when the next attempt waits (domain/throttle.py).
    failed_logins: int = Field(default=0)
    failure_window_start: datetime | None = Field(default=None, sa_column=_ts())
    locked_until: datetime | None = Field(default=None, sa_column=_ts())
    last_login_at: datetime | None = Field(default=None, sa_column=_ts())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of its token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    ended_at: datetime | None = Field(default=None, sa_column=_ts())
    end_reason: str | None = Field(default=None, max_length=20)
    user_agent: str | None = Field(default=None, max_length=300)


class PasswordToken(SQLModel, table=True):
    """A single-use link to set a password (reset or invitation)."""

    __tablename__ = "password_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    purpose: str = Field(max_length=10)  # reset | invite
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    used_at: datetime | None = Field(default=None, sa_column=_ts())


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins and password-reset requests of one client address (an IPv6 /64), in the current window."""

    __tablename__ = "sign_in_throttle"

    address: str = Field(primary_key=True, max_length=64)
    attempts: int = Field(default=0)
    window_start: datetime = Field(sa_column=_ts(False))
    blocked_until: datetime | None = Field(default=None, sa_column=_ts())


class UserEvent(SQLModel, table=True):
    """The log of what administrators did to accounts: created, role changed, switched on or off,
    a password reset sent, a right given or taken back. Rows are only ever added."""

    __tablename__ = "user_event"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)  # see app.services.users.USER_EVENT_KINDS
    before: str | None = Field(default=None, max_length=100)
    after: str | None = Field(default=None, max_length=100)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    actor_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
