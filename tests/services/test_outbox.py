import asyncio
import dataclasses
from email.header import decode_header, make_header

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import OutboxMessage
from app.services import outbox
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


async def test_delivered_reset_links_are_removed_from_the_stored_copy(db, smtp_server):
    controller, handler = smtp_server
    with db(write=True) as s:
        outbox.enqueue(session=s, dedupe_key="reset-1", to_address="a@example.com", subject="Reset",
                       body_text="Apri http://localhost/set-password?token=SECRET123 entro 60 minuti", kind="password_reset")
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
    assert await outbox.deliver_pending(session_factory=db, settings=settings) == 1
    assert "token=SECRET123" in handler.messages[0].get_payload()
    with db() as s:
        stored = s.exec(select(OutboxMessage)).one().body_text
    assert "SECRET123" not in stored and outbox.REDACTED_LINK in stored
