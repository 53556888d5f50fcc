import dataclasses
from datetime import timedelta

import bcrypt
import pytest
from sqlmodel import select

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.models import AuthSession, OutboxMessage, PasswordToken, User
from app.models.base import as_utc, utcnow
from app.services import auth, outbox
from app.services.security import PASSWORDS, hash_password, verify_password
from app.settings import get_settings
from tests import factories
from tests.factories import PASSWORD


def test_new_hashes_are_argon2id():
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert verify_password(PASSWORD, hashed) == (True, None)
    assert verify_password("wrong-password-1", hashed)[0] is False


def test_old_bcrypt_hash_verifies_and_is_rehashed_once(db):
    old = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    with db(write=True) as s:
        user = factories.user(s, Role.OFFICE, email="legacy@example.com")
        user.password_hash = old
        s.add(user)
    auth.authenticate(sessions=db, email="legacy@example.com", password=PASSWORD)
    with db() as s:
        upgraded = s.exec(select(User).where(User.email == "legacy@example.com")).one().password_hash
    assert upgraded.startswith("$argon2id$") and not PASSWORDS.needs_update(upgraded)
    auth.authenticate(sessions=db, email="LEGACY@example.com", password=PASSWORD)
    with db() as s:
        assert s.exec(select(User).where(User.email == "legacy@example.com")).one().password_hash == upgraded


def _attempt(db, email, password):
    with pytest.raises(DomainError) as err:
        auth.authenticate(sessions=db, email=email, password=password)
    return err.value.message_key


def _attempt_at(db, email, password, now, **kw):
    with pytest.raises(DomainError) as err:
        auth.authenticate(sessions=db, email=email, password=password, now=now, **kw)
    return err.value.message_key


def test_unknown_wrong_and_disabled_get_the_same_answer(db):
    with db(write=True) as s:
        factories.user(s, email="active@example.com")
        disabled = factories.user(s, email="off@example.com")
        disabled.is_active = False
    assert _attempt(db, "nobody@example.com", PASSWORD) == "login.invalid"
    assert _attempt(db, "active@example.com", "not-the-password") == "login.invalid"
    assert _attempt(db, "off@example.com", PASSWORD) == "login.invalid"
    assert _attempt(db, "not an email", PASSWORD) == "login.invalid"
    assert _attempt(db, "", "") == "login.required"
    with db() as s:
        assert s.exec(select(AuthSession)).all() == []


def _user_row(db, email):
    with db() as s:
        return s.exec(select(User).where(User.email == email)).one()


def test_failures_in_a_row_make_each_next_attempt_wait_longer_up_to_fifteen_minutes(db):
    with db(write=True) as s:
        factories.user(s, email="target@example.com")
    at = utcnow()
    for _ in range(4):  # the first four cost nothing
        _attempt_at(db, "target@example.com", "bad-password!", at)
        at += timedelta(seconds=1)
    assert _user_row(db, "target@example.com").locked_until is None
    waits = []
    for _ in range(7):
        _attempt_at(db, "target@example.com", "bad-password!", at)
        waits.append(as_utc(_user_row(db, "target@example.com").locked_until) - at)
        # While it waits, even the right password is refused (same message) and nothing is counted.
        assert _attempt_at(db, "target@example.com", PASSWORD, at + waits[-1] / 2) == "login.invalid"
        at += waits[-1] + timedelta(seconds=1)
    assert [w.total_seconds() / 60 for w in waits] == [0.5, 1, 2, 4, 8, 15, 15]
    assert _user_row(db, "target@example.com").failed_logins == 11
    # Once the wait is over the right password opens the account, and the row starts again.
    assert auth.authenticate(sessions=db, email="target@example.com", password=PASSWORD, now=at).actor
    assert _user_row(db, "target@example.com").failed_logins == 0


def test_the_row_starts_again_after_a_quiet_quarter_of_an_hour(db):
    with db(write=True) as s:
        factories.user(s, email="slow@example.com")
    start = utcnow()
    for i in range(4):
        _attempt_at(db, "slow@example.com", "bad-password!", start + timedelta(minutes=i))
    for i in range(4):
        _attempt_at(db, "slow@example.com", "bad-password!", start + timedelta(minutes=20 + i))
    assert _user_row(db, "slow@example.com").locked_until is None
    assert auth.authenticate(sessions=db, email="slow@example.com", password=PASSWORD,
                             now=start + timedelta(minutes=24))


def test_a_browser_that_signed_in_before_gets_through_the_wait(db):
    """Whoever knows the address can make the account wait, but not its owner's own browser."""
    with db(write=True) as s:
        factories.user(s, email="owner@example.com")
    mine = auth.authenticate(sessions=db, email="owner@example.com", password=PASSWORD).device
    at = utcnow()
    for _ in range(8):
        _attempt_at(db, "owner@example.com", "guessing-123", at)
        at = as_utc(_user_row(db, "owner@example.com").locked_until)
    during = at - timedelta(seconds=5)
    assert _attempt_at(db, "owner@example.com", PASSWORD, during) == "login.invalid"  # another browser
    assert _attempt_at(db, "owner@example.com", "guessing-123", during, device=mine) == "login.invalid"
    for forged in (mine.replace(mine[-4:], "0000"), f"999.{mine.split('.', 1)[1]}", "garbage", 12):
        assert _attempt_at(db, "owner@example.com", PASSWORD, during, device=forged) == "login.invalid"
    signed = auth.authenticate(sessions=db, email="owner@example.com", password=PASSWORD, now=during, device=mine)
    assert signed.actor.name and signed.device == mine
    assert _user_row(db, "owner@example.com").locked_until is None


def test_a_client_address_that_fails_too_often_waits_whatever_account_it_tries(db):
    settings = dataclasses.replace(get_settings(), login_address_max_attempts=4)
    with db(write=True) as s:
        factories.user(s, email="real@example.com")
    at = utcnow()
    for email in ("a@example.com", "b@example.com", "real@example.com"):
        _attempt_at(db, email, "bad-password!", at, client="203.0.113.7", settings=settings)
    auth.ask_for_password_reset(sessions=db, email="c@example.com", client="203.0.113.7", settings=settings,
                                now=at)
    refused = _attempt_at(db, "real@example.com", PASSWORD, at, client="203.0.113.7", settings=settings)
    assert refused == "login.address_waits"
    with pytest.raises(DomainError) as err:
        auth.ask_for_password_reset(sessions=db, email="real@example.com", client="203.0.113.7",
                                    settings=settings, now=at)
    assert err.value.message_key == "login.address_waits" and err.value.params["count"] == 15
    # Other addresses are not affected, nor is this one once the quarter of an hour has passed.
    assert auth.authenticate(sessions=db, email="real@example.com", password=PASSWORD, client="198.51.100.1",
                             settings=settings, now=at)
    assert auth.authenticate(sessions=db, email="real@example.com", password=PASSWORD, client="203.0.113.7",
                             settings=settings, now=at + timedelta(minutes=16))
    # An IPv6 client has its whole /64: changing the last bits does not start a new count.
    for host in range(4):
        _attempt_at(db, "a@example.com", "bad-password!", at, client=f"2001:db8:1:2::{host + 1}", settings=settings)
    assert _attempt_at(db, "real@example.com", PASSWORD, at, client="2001:db8:1:2:ffff::9",
                       settings=settings) == "login.address_waits"


def _sign_in(db, role=Role.OFFICE, **kw):
    with db(write=True) as s:
        user = factories.user(s, role, **kw)
    return user, auth.authenticate(sessions=db, email=user.email, password=PASSWORD)


def test_session_stores_only_a_hash_and_resolves_to_the_actor(db):
    user, signed = _sign_in(db, Role.CUSTOMER)
    with db() as s:
        stored = s.exec(select(AuthSession)).one()
        assert signed.token not in stored.token_hash
        actor = auth.resolve_session(session=s, token=signed.token)
    assert actor.user_id == user.id and actor.role is Role.CUSTOMER and actor.customer_id == user.customer_id


@pytest.mark.parametrize("token", [None, "", "short", 12, ["x"] * 30, "x" * 43, "y" * 500])
def test_garbage_tokens_resolve_to_nobody(db, token):
    with db() as s:
        assert auth.resolve_session(session=s, token=token) is None


def test_idle_and_absolute_expiry(db):
    _, signed = _sign_in(db)
    settings = get_settings()
    now = utcnow()
    with db(write=True) as s:
        assert auth.resolve_session(session=s, token=signed.token, now=now + timedelta(hours=7, minutes=59))
    with db(write=True) as s:
        # 8 hours after the last activity (just recorded) the session is over for good.
        assert auth.resolve_session(session=s, token=signed.token, now=now + timedelta(hours=16)) is None
    with db() as s:
        assert auth.resolve_session(session=s, token=signed.token) is None
        assert s.exec(select(AuthSession)).one().end_reason == "idle"

    _, active = _sign_in(db)
    moment = utcnow()
    absolute = timedelta(days=settings.session_absolute_days)
    step = timedelta(hours=6)
    elapsed = step
    while elapsed < absolute:  # active every 6 hours: never idle
        with db(write=True) as s:
            assert auth.resolve_session(session=s, token=active.token, now=moment + elapsed) is not None
        elapsed += step
    with db(write=True) as s:
        assert auth.resolve_session(session=s, token=active.token, now=moment + absolute + timedelta(seconds=1)) is None


def test_logout_and_disabling_end_sessions(db):
    user, signed = _sign_in(db)
    with db(write=True) as s:
        auth.logout(session=s, token=signed.token)
    with db() as s:
        assert auth.resolve_session(session=s, token=signed.token) is None

    other, signed_other = _sign_in(db)
    with db(write=True) as s:
        s.get(User, other.id).is_active = False
    with db(write=True) as s:
        assert auth.resolve_session(session=s, token=signed_other.token) is None


def _reset_token(db, email, now=None):
    with db(write=True) as s:
        auth.request_password_reset(session=s, email=email, now=now)
    with db() as s:
        message = s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return outbox.delivered_body(message).split("/set-password?token=")[1].split()[0], message


def test_password_reset_link_is_single_use(db):
    user, signed = _sign_in(db, email="reset@example.com", language="en")
    token, message = _reset_token(db, "reset@example.com")
    assert message.to_address == "reset@example.com" and "reset your password" in message.subject
    with db() as s:
        assert auth.check_password_token(session=s, token=token) == "reset@example.com"
    with db(write=True) as s:
        auth.set_password_with_token(session=s, token=token, password="Nuova-Password-77", confirm="Nuova-Password-77")
    with pytest.raises(DomainError) as err, db(write=True) as s:
        auth.set_password_with_token(session=s, token=token, password="Altra-Password-88", confirm="Altra-Password-88")
    assert err.value.message_key == "setpw.link_invalid"
    with db(write=True) as s:
        assert auth.resolve_session(session=s, token=signed.token) is None  # old sessions ended
    assert auth.authenticate(sessions=db, email="reset@example.com", password="Nuova-Password-77")


def test_password_reset_link_expires(db):
    _sign_in(db, email="late@example.com")
    token, _ = _reset_token(db, "late@example.com", now=utcnow() - timedelta(minutes=61))
    with db() as s:
        assert auth.check_password_token(session=s, token=token) is None
    with pytest.raises(DomainError), db(write=True) as s:
        auth.set_password_with_token(session=s, token=token, password="Nuova-Password-77", confirm="Nuova-Password-77")


def test_a_newer_link_replaces_the_older_one_but_not_within_two_minutes(db):
    _sign_in(db, email="twice@example.com")
    first, _ = _reset_token(db, "twice@example.com", now=utcnow() - timedelta(minutes=5))
    with db(write=True) as s:  # asked again at once: nothing new is sent, the first link still works
        auth.request_password_reset(session=s, email="twice@example.com", now=utcnow() - timedelta(minutes=4))
    with db() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 1
        assert auth.check_password_token(session=s, token=first) == "twice@example.com"
    second, _ = _reset_token(db, "twice@example.com")
    with db() as s:
        assert auth.check_password_token(session=s, token=first) is None
        assert auth.check_password_token(session=s, token=second) == "twice@example.com"


def test_bad_new_password_writes_nothing(db):
    _sign_in(db, email="weak@example.com")
    token, _ = _reset_token(db, "weak@example.com")
    for password, confirm, field in [("short", "short", "password"), ("password123", "password123", "password"),
                                     ("Nuova-Password-77", "Nuova-Password-78", "confirm")]:
        with pytest.raises(DomainError) as err, db(write=True) as s:
            auth.set_password_with_token(session=s, token=token, password=password, confirm=confirm)
        assert field in err.value.errors
    with db() as s:
        assert s.exec(select(PasswordToken)).one().used_at is None


def test_reset_for_unknown_address_sends_nothing(db):
    with db(write=True) as s:
        auth.request_password_reset(session=s, email="ghost@example.com")
    with pytest.raises(DomainError) as err, db(write=True) as s:
        auth.request_password_reset(session=s, email="not-an-address")
    assert err.value.errors == {"email": "email.invalid"}
    with db() as s:
        assert s.exec(select(OutboxMessage)).all() == []


def test_links_stop_working_after_a_password_change_or_disabling(db):
    user, signed = _sign_in(db, email="links@example.com")
    token, _ = _reset_token(db, "links@example.com")
    with db(write=True) as s:
        auth.change_password(session=s, actor=signed.actor, current=PASSWORD, new="Nuova-Password-77",
                             confirm="Nuova-Password-77", keep_token=signed.token)
    with db() as s:
        assert auth.check_password_token(session=s, token=token) is None
    token, _ = _reset_token(db, "links@example.com")
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
    from app.services import users
    with db(write=True) as s:
        users.set_active(session=s, actor=admin, user_id=user.id, active=False)
    with db(write=True) as s:
        users.set_active(session=s, actor=admin, user_id=user.id, active=True)
    with db() as s:
        assert auth.check_password_token(session=s, token=token) is None


def test_guessing_the_current_password_counts_and_locks(db):
    user, signed = _sign_in(db, email="guess@example.com")
    for _ in range(5):
        with pytest.raises(DomainError), db(write=True) as s:
            auth.change_password(session=s, actor=signed.actor, current="wrong-guess-123", new="Nuova-Password-77",
                                 confirm="Nuova-Password-77", keep_token=signed.token)
    with db() as s:
        assert auth.resolve_session(session=s, token=signed.token) is None  # locked: the session is over
        assert s.get(User, user.id).locked_until is not None


def test_no_write_lock_is_held_while_the_password_is_hashed(db, engine, monkeypatch):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    import sqlite3

    _sign_in(db, email="lock@example.com")
    seen = []

    def hashing(password, password_hash):
        other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked" under a held write lock
        other.execute("ROLLBACK")
        other.close()
        seen.append(True)
        return verify_password(password, password_hash)

    monkeypatch.setattr(auth, "verify_password", hashing)
    assert auth.authenticate(sessions=db, email="lock@example.com", password=PASSWORD)
    assert seen == [True]
