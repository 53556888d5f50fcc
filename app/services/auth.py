"""Sign-in, sessions and single-use password links.

Unknown user, wrong password, disabled and locked accounts all get the same answer after
the same amount of hashing work, so the sign-in form does not reveal which accounts exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.domain.errors import DomainError
from app.domain.passwords import MAX_LENGTH, validate_new_password
from app.domain.permissions import Actor, Role, parse_grants
from app.domain.throttle import account_delay, address_key, device_knows, device_mark, streak_is_over
from app.i18n import normalize_language, t
from app.models import AuthSession, PasswordToken, SignInThrottle, User
from app.models.base import as_utc, utcnow
from app.services import mail_templates, outbox
from app.services.security import hash_password, new_token, spend_equal_work, token_hash, verify_password
from app.settings import Settings, get_settings

# The browser holds the session token and the language in these cookies; the app and the
# download routes read them.
SESSION_COOKIE = "registry_session"
LANGUAGE_COOKIE = "registry_lang"
DEVICE_COOKIE = "registry_device"
# Don't write last_seen_at on every event: once a minute is precise enough for an 8-hour idle limit.
TOUCH_EVERY = timedelta(minutes=1)
RESET_REQUEST_INTERVAL = timedelta(minutes=2)


def normalize_email(raw: object) -> str:
    """Lower-cased, syntax-checked address; no DNS lookup (the network may be closed)."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 254:
        raise DomainError({"email": "email.invalid"})
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError({"email": "email.invalid"}) from exc
    return checked.normalized.lower()


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        customer_id=user.customer_id,
        name=user.full_name,
        language=normalize_language(user.language),
        grants=parse_grants(user.grants),
    )


@dataclass(frozen=True)
class SignIn:
    token: str
    actor: Actor
    # What the browser keeps to be known again by this account while it waits after failures.
    device: str


def _find_user_for_update(session: Session, email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == email)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def _address_wait(session: Session, client: str, now: datetime) -> timedelta | None:
    """How long the client address still waits before it may try again, or None."""
    row = session.get(SignInThrottle, address_key(client)) if client else None
    blocked = as_utc(row.blocked_until) if row is not None else None
    return blocked - now if blocked is not None and blocked > now else None


def _refuse_waiting_address(wait: timedelta) -> DomainError:
    return DomainError("login.address_waits", count=max(1, math.ceil(wait.total_seconds() / 60)))


def _count_address_attempt(session: Session, client: str, settings: Settings, now: datetime) -> None:
    """One more failed sign-in or reset request from this address; past the limit it waits the window out."""
    if not client:
        return
    key, window = address_key(client), timedelta(minutes=settings.login_window_minutes)
    row = session.get(SignInThrottle, key)
    if row is None:
        # The rows of addresses that stopped long ago go when a new one comes: the table stays small.
        session.execute(delete(SignInThrottle).where(SignInThrottle.window_start < now - 4 * window))
        row = SignInThrottle(address=key, attempts=0, window_start=now)
    elif now - as_utc(row.window_start) > window:
        row.attempts, row.window_start = 0, now
    row.attempts += 1
    if row.attempts >= settings.login_address_max_attempts:
        row.blocked_until = now + window
    session.add(row)


def authenticate(
    *, sessions, email: object, password: object, user_agent: str | None = None,  # noqa: ANN001
    client: str = "", device: object = None, settings: Settings | None = None, now: datetime | None = None,
) -> SignIn:
    """Checks the credentials and opens a session. Raises DomainError("login.invalid") on any refusal about
    the account, and "login.address_waits" while the client address (`client`) has failed too often.

    `sessions` opens transactions (session_scope). The password is hashed between a read and a short
    write transaction: on SQLite no write lock is held during the fraction of a second the hashing takes.
    An account that failed several times in a row makes the next attempt wait (domain/throttle.py), except
    with the right password from a browser whose `device` mark says it signed in to the account before."""
    settings = settings or get_settings()
    now = now or utcnow()
    if not isinstance(password, str) or not password or not isinstance(email, str) or not email.strip():
        raise DomainError("login.required")
    password = password[: MAX_LENGTH + 1]
    with sessions() as session:
        wait = _address_wait(session, client, now)
    if wait is not None:
        raise _refuse_waiting_address(wait)
    try:
        address = normalize_email(email)
    except DomainError:
        address = None
    if address is not None:
        with sessions() as session:
            found = session.exec(
                select(User.id, User.password_hash).where(func.lower(User.email) == address)).first()
    else:
        found = None
    matches, new_hash = verify_password(password, found.password_hash if found else None)

    with sessions(write=True) as session:
        user = _find_user_for_update(session, address) if found is not None else None
        if user is None or user.id != found.id or user.password_hash != found.password_hash:
            # No such account, or it changed while the password was checked.
            _count_address_attempt(session, client, settings, now)
            session.commit()
            raise DomainError("login.invalid")
        if streak_is_over(now, as_utc(user.failure_window_start), as_utc(user.locked_until),
                          timedelta(minutes=settings.login_window_minutes)):
            user.failed_logins, user.failure_window_start, user.locked_until = 0, None, None
        waiting = user.locked_until is not None and as_utc(user.locked_until) > now
        known = device_knows(settings.secret_key, device, user.id)
        if not user.is_active or not matches or (waiting and not known):
            if user.is_active and not matches and (known or not waiting):
                _record_failure(user, settings, now)
            _count_address_attempt(session, client, settings, now)
            session.add(user)
            session.commit()  # the failure must count even though sign-in is refused
            raise DomainError("login.invalid")

        user.failed_logins = 0
        user.failure_window_start = None
        user.locked_until = None
        user.last_login_at = now
        if new_hash:
            user.password_hash = new_hash
        session.add(user)
        token = new_token()
        session.add(
            AuthSession(
                user_id=user.id,
                token_hash=token_hash(token),
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(days=settings.session_absolute_days),
                user_agent=(user_agent or "")[:300] or None,
            )
        )
        session.flush()
        mark = device if known else device_mark(settings.secret_key, user.id)
        return SignIn(token=token, actor=actor_of(user), device=mark)


def _record_failure(user: User, settings: Settings, now: datetime) -> None:
    """One more wrong password in a row: from the login_max_failures-th on, the next attempt waits."""
    if streak_is_over(now, as_utc(user.failure_window_start), as_utc(user.locked_until),
                      timedelta(minutes=settings.login_window_minutes)):
        user.failed_logins = 0
    user.failed_logins += 1
    user.failure_window_start = now  # the latest failure
    delay = account_delay(user.failed_logins, free=settings.login_max_failures,
                          first=timedelta(seconds=settings.login_first_delay_seconds),
                          longest=timedelta(minutes=settings.login_lock_minutes))
    if delay:
        user.locked_until = now + delay


def resolve_session(
    *, session: Session, token: object, settings: Settings | None = None, now: datetime | None = None
) -> Actor | None:
    """The actor behind a browser's token, or None when the session is over for any reason."""
    if not isinstance(token, str) or not (20 <= len(token) <= 100):
        return None
    settings = settings or get_settings()
    now = now or utcnow()
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == token_hash(token), col(AuthSession.ended_at).is_(None))
    ).first()
    if row is None:
        return None
    auth_session, user = row
    reason = None
    if not user.is_active:
        reason = "disabled"
    elif now >= as_utc(auth_session.expires_at):
        reason = "expired"
    elif now - as_utc(auth_session.last_seen_at) > timedelta(minutes=settings.session_idle_minutes):
        reason = "idle"
    if reason:
        _best_effort(session, lambda: _end_sessions(session, now, reason, AuthSession.id == auth_session.id))
        return None
    if now - as_utc(auth_session.last_seen_at) >= TOUCH_EVERY:
        _best_effort(
            session,
            lambda: session.execute(
                update(AuthSession).where(AuthSession.id == auth_session.id).values(last_seen_at=now)
            ),
        )
    return actor_of(user)


def _best_effort(session: Session, write) -> None:  # noqa: ANN001
    """Bookkeeping writes inside a read transaction. If SQLite cannot upgrade the lock because
    another writer got there first, skip: the next event records it, and the answer is the same."""
    try:
        with session.begin_nested():
            write()
    except OperationalError:
        pass


def _end_sessions(session: Session, now: datetime, reason: str, *where) -> int:  # noqa: ANN002
    result = session.execute(
        update(AuthSession)
        .where(col(AuthSession.ended_at).is_(None), *where)
        .values(ended_at=now, end_reason=reason)
    )
    return result.rowcount


def logout(*, session: Session, token: object) -> None:
    if isinstance(token, str) and token:
        _end_sessions(session, utcnow(), "logout", AuthSession.token_hash == token_hash(token))


def end_all_sessions(*, session: Session, user_id: int, reason: str, keep_token: str | None = None) -> int:
    conditions = [AuthSession.user_id == user_id]
    if keep_token:
        conditions.append(AuthSession.token_hash != token_hash(keep_token))
    return _end_sessions(session, utcnow(), reason, *conditions)


# Single-use links -------------------------------------------------------------------------


def void_password_links(*, session: Session, user_id: int, now: datetime | None = None) -> None:
    """Links sent before a password change, a reset or a disabling must not work afterwards."""
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user_id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now or utcnow())
    )


def issue_password_token(
    *, session: Session, user: User, purpose: str, valid_for: timedelta, now: datetime | None = None
) -> str:
    """A new link for the user; links issued before for the same purpose stop working."""
    now = now or utcnow()
    session.execute(
        update(PasswordToken)
        .where(
            PasswordToken.user_id == user.id,
            PasswordToken.purpose == purpose,
            col(PasswordToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    token = new_token()
    session.add(
        PasswordToken(
            user_id=user.id, token_hash=token_hash(token), purpose=purpose, created_at=now, expires_at=now + valid_for
        )
    )
    session.flush()
    return token


def ask_for_password_reset(
    *, sessions, email: object, client: str = "", settings: Settings | None = None,  # noqa: ANN001
    now: datetime | None = None,
) -> None:
    """The forgotten-password form: counts against the client address like a failed sign-in, and spends the
    work of a sign-in before anything is looked up, so its answer takes as long for an address that has an
    account as for one that has not (and as long as a sign-in). The hashing runs outside any transaction."""
    settings = settings or get_settings()
    now = now or utcnow()
    normalize_email(email)
    with sessions() as session:
        wait = _address_wait(session, client, now)
    if wait is not None:
        raise _refuse_waiting_address(wait)
    spend_equal_work()
    with sessions(write=True) as session:
        _count_address_attempt(session, client, settings, now)
        request_password_reset(session=session, email=email, settings=settings, now=now)


def request_password_reset(
    *, session: Session, email: object, settings: Settings | None = None, now: datetime | None = None
) -> None:
    """Queues a reset e-mail if the address is an active account; says nothing either way."""
    settings = settings or get_settings()
    address = normalize_email(email)
    user = session.exec(select(User).where(func.lower(User.email) == address)).first()
    if user is None or not user.is_active:
        return
    now = now or utcnow()
    recent = session.exec(
        select(PasswordToken.id).where(
            PasswordToken.user_id == user.id, PasswordToken.purpose == "reset", col(PasswordToken.used_at).is_(None),
            PasswordToken.created_at > now - RESET_REQUEST_INTERVAL,
        )
    ).first()
    if recent is not None:
        return  # a fresh link is already on its way: repeated requests neither flood nor void it
    token = issue_password_token(
        session=session, user=user, purpose="reset",
        valid_for=timedelta(minutes=settings.reset_link_minutes), now=now,
    )
    lang = normalize_language(user.language)
    link = f"{settings.public_base_url}/set-password?token={token}"
    subject, body = mail_templates.render(session, "reset", lang, name=user.full_name,
                                          minutes=settings.reset_link_minutes, link=link, app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"password-reset:{token_hash(token)}", to_address=user.email,
                   subject=subject, body_text=body, kind="password_reset", link_token=token)


def _usable_token(session: Session, token: object, now: datetime) -> tuple[PasswordToken, User] | None:
    if not isinstance(token, str) or not (20 <= len(token) <= 100):
        return None
    query = (
        select(PasswordToken, User)
        .join(User, User.id == PasswordToken.user_id)
        .where(PasswordToken.token_hash == token_hash(token))
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=PasswordToken)
    row = session.exec(query).first()
    if row is None:
        return None
    link, user = row
    if link.used_at is not None or now >= as_utc(link.expires_at) or not user.is_active:
        return None
    return link, user


def check_password_token(*, session: Session, token: object, now: datetime | None = None) -> str | None:
    """The e-mail of the account a link is for, or None if the link cannot be used."""
    found = _usable_token(session, token, now or utcnow())
    return found[1].email if found else None


def set_password_with_token(
    *, session: Session, token: object, password: object, confirm: object, now: datetime | None = None
) -> str:
    """Uses the link once: sets the password, ends the user's sessions, returns the account e-mail."""
    now = now or utcnow()
    found = _usable_token(session, token, now)
    if found is None:
        raise DomainError("setpw.link_invalid")
    link, user = found
    if not isinstance(password, str):
        raise DomainError({"password": "password.too_short"}, min=10)
    validate_new_password(password, email=user.email)
    if password != confirm:
        raise DomainError({"confirm": "setpw.mismatch"})
    # The UPDATE with used_at IS NULL is the single-use guarantee under concurrent requests.
    claimed = session.execute(
        update(PasswordToken)
        .where(PasswordToken.id == link.id, col(PasswordToken.used_at).is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise DomainError("setpw.link_invalid")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.failure_window_start = None
    user.locked_until = None
    session.add(user)
    void_password_links(session=session, user_id=user.id, now=now)
    end_all_sessions(session=session, user_id=user.id, reason="password")
    return user.email


def change_password(
    *, session: Session, actor: Actor, current: object, new: object, confirm: object, keep_token: str
) -> None:
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise DomainError("auth.signed_out")
    matches, _ = verify_password(current if isinstance(current, str) else "", user.password_hash)
    if not matches:
        # Guessing through a stolen session counts like guessing at the sign-in form.
        settings = get_settings()
        _record_failure(user, settings, utcnow())
        session.add(user)
        if user.locked_until is not None and as_utc(user.locked_until) > utcnow():
            end_all_sessions(session=session, user_id=user.id, reason="locked")
        session.commit()
        raise DomainError({"current": "password.wrong_current"})
    if not isinstance(new, str):
        raise DomainError({"password": "password.too_short"}, min=10)
    validate_new_password(new, email=user.email)
    if new != confirm:
        raise DomainError({"confirm": "setpw.mismatch"})
    user.password_hash = hash_password(new)
    session.add(user)
    void_password_links(session=session, user_id=user.id)
    end_all_sessions(session=session, user_id=user.id, reason="password", keep_token=keep_token)
