import asyncio
import dataclasses
from email.header import decode_header, make_header

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import OutboxMessage
from app.services import auth, outbox, portal_accesses
from app.settings import get_settings
from tests import factories
from tests.smtp import free_port
from tests.smtp import smtp_server as real_smtp_server


@pytest.fixture
def smtp_server():
    with real_smtp_server() as (controller, collector):
        yield controller, collector


def _enqueue(db, key, to="anna@example.com"):
    with db(write=True) as s:
        return outbox.enqueue(session=s, dedupe_key=key, to_address=to, subject="Àvviso", body_text="Testo è qui", kind="test").id


def test_same_dedupe_key_stores_one_message(db):
    first = _enqueue(db, "contract-expiry:42")
    second = _enqueue(db, "contract-expiry:42")
    assert first == second
    with db() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 1


async def test_delivery_to_a_real_smtp_server_happens_once(db, smtp_server):
    controller, handler = smtp_server
    _enqueue(db, "a", "anna@example.com")
    _enqueue(db, "b", "bruno@example.com")
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
    sent = await outbox.deliver_pending(session_factory=db, settings=settings)
    assert sent == 2
    assert sorted(m["To"] for m in handler.messages) == ["anna@example.com", "bruno@example.com"]
    assert str(make_header(decode_header(handler.messages[0]["Subject"]))) == "Àvviso"
    # Several workers running the job again send nothing more.
    results = await asyncio.gather(*(outbox.deliver_pending(session_factory=db, settings=settings) for _ in range(3)))
    assert results == [0, 0, 0] and len(handler.messages) == 2
    with db() as s:
        assert all(m.sent_at is not None for m in s.exec(select(OutboxMessage)))


async def test_without_smtp_messages_stay_in_the_outbox(db):
    _enqueue(db, "kept")
    assert await outbox.deliver_pending(session_factory=db, settings=get_settings()) == 0
    with db() as s:
        assert s.exec(select(OutboxMessage)).one().sent_at is None


async def test_unreachable_server_is_retried_later(db):
    _enqueue(db, "retry")
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=free_port())
    assert await outbox.deliver_pending(session_factory=db, settings=settings) == 0
    with db() as s:
        message = s.exec(select(OutboxMessage)).one()
    assert message.attempts == 1 and message.last_error and message.sent_at is None
    # Not due again before the back-off.
    assert await outbox.deliver_pending(session_factory=db, settings=settings) == 0
    with db() as s:
        assert s.exec(select(OutboxMessage)).one().attempts == 1


def test_only_admins_read_the_outbox(db):
    for key in ("k1", "k2", "k3"):
        _enqueue(db, key)
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        office = factories.actor(s, Role.OFFICE)
        customer = factories.actor(s, Role.CUSTOMER)
    with db() as s:
        page = outbox.list_messages(session=s, actor=admin, limit=2)
        assert len(page.rows) == 2 and page.next_before_id is not None
        rest = outbox.list_messages(session=s, actor=admin, limit=2, before_id=page.next_before_id)
        assert len(rest.rows) == 1 and rest.next_before_id is None
        for intruder in (office, customer, None):
            with pytest.raises(Exception) as err:
                outbox.list_messages(session=s, actor=intruder)
            assert isinstance(err.value, Forbidden) or err.value.message_key == "auth.signed_out"


def _reset_requested(s) -> str:
    user = factories.user(s, Role.TECHNICIAN)
    auth.request_password_reset(session=s, email=user.email)
    return user.email


def _invited(s) -> str:
    office = factories.actor(s, Role.OFFICE)
    customer = factories.customer(s)
    portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={
        "full_name": "Anna Neri", "email": "anna.neri@example.com", "active": "on"})
    return "anna.neri@example.com"


@pytest.mark.parametrize("cause", [_reset_requested, _invited])
async def test_a_link_is_masked_where_admins_read_it_and_whole_in_the_e_mail_sent(db, smtp_server, cause):
    controller, handler = smtp_server
    with db(write=True) as s:
        email = cause(s)
        admin = factories.actor(s, Role.ADMIN)
    with db() as s:
        listed = outbox.list_messages(session=s, actor=admin)
        shown = outbox.get_message(session=s, actor=admin, message_id=listed.rows[0].id)
        token, shown_body = shown.link_token, shown.body_text
    assert token and len(token) >= 20
    assert token not in shown_body and f"token={outbox.MASKED_TOKEN}" in shown_body
    assert token not in repr(listed)

    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
    assert await outbox.deliver_pending(session_factory=db, settings=settings) == 1
    sent = handler.messages[0].get_payload(decode=True).decode()
    assert f"/set-password?token={token}" in sent and outbox.MASKED_TOKEN not in sent
    with db() as s:
        assert auth.check_password_token(session=s, token=token) == email  # the link sent works
        stored = s.exec(select(OutboxMessage)).one()
    # Once delivered the token is gone from the database too.
    assert stored.link_token is None and token not in stored.body_text
