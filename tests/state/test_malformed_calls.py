"""Events as the browser could send them, through Reflex's own event processing: a call whose arguments
do not fit its handler, or Reflex's built-in setvar, is refused with one log line and a message, never
a traceback, and its handler does not run."""

import asyncio
import dataclasses
import logging

import pytest
import reflex as rx
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event import Event
from reflex_base.utils.format import format_event_handler

import app.app as application
from app.state.customers import CustomerListState
from app.state.outbox import OutboxState


def _name(state_class: type[rx.State], handler: str) -> str:
    return format_event_handler(state_class.event_handlers[handler])


@pytest.fixture
async def send(monkeypatch):
    """Sends one event the way the websocket hands it to Reflex; returns the events sent back to the tab.
    The tab's state is kept in memory for the test's own event loop, whatever REDIS_URL says: a Redis
    client made on an earlier test's loop cannot serve this one."""
    app = application.app
    monkeypatch.setattr(app, "_state_manager", StateManagerMemory())
    with app.set_contexts():
        async with app._setup_event_processor():
            processor = app.event_processor
            sent_back: list[Event] = []

            async def emit_event(token, *events):  # noqa: ANN001, ANN202, ARG001
                sent_back.extend(events)

            async def emit_delta(token, delta):  # noqa: ANN001, ANN202, ARG001
                return None

            async def send_one(name: str, payload: object) -> list[Event]:
                sent_back.clear()
                context = dataclasses.replace(processor._root_context.fork(token="test-tab"),
                                              emit_event_impl=emit_event, emit_delta_impl=emit_delta)
                done = await processor.enqueue("test-tab", Event(name=name, payload=payload), ev_ctx=context)
                await asyncio.wait_for(done, 10)
                return list(sent_back)

            yield send_one


MALFORMED = [
    pytest.param(_name(CustomerListState, "search"), {"text": "acme", "extra": 1}, id="extra argument"),
    pytest.param(_name(CustomerListState, "search"), {}, id="missing argument"),
    pytest.param(_name(CustomerListState, "search"), ["acme"], id="arguments not a mapping"),
    pytest.param(_name(OutboxState, "dialog_changed"), {"name": "message"}, id="ui-only handler, missing argument"),
    pytest.param(_name(OutboxState, "setvar"), {"var_name": "nothing_like_it", "value": 1}, id="setvar unknown"),
    pytest.param(_name(OutboxState, "setvar"), {"var_name": "outbox_search", "value": "x"}, id="setvar known var"),
    pytest.param(_name(OutboxState, "setvar"), {"var_name": 5, "value": 1}, id="setvar not a name"),
    pytest.param(format_event_handler(rx.State.event_handlers["hydrate"]), {"x": 1}, id="reflex's own handler"),
]


@pytest.mark.parametrize("name, payload", MALFORMED)
async def test_a_malformed_call_is_refused_in_one_line(send, caplog, name, payload):
    caplog.set_level(logging.INFO)
    sent_back = await send(name, payload)
    assert [r for r in caplog.records if r.exc_info] == []
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "app.state.calls"]
    assert len(refusals) == 1 and "\n" not in refusals[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Richiesta non valida" in str([e.payload for e in sent_back])


async def test_a_call_that_fits_reaches_its_handler(send, caplog):
    """The same handler with the right arguments runs (and refuses an unsigned visitor the usual way)."""
    with pytest.raises(Exception, match="signed_out"):
        await send(_name(CustomerListState, "search"), {"text": "acme"})
    assert not [r for r in caplog.records if r.name == "app.state.calls"]
    await send(_name(OutboxState, "dialog_changed"), {"name": "message", "is_open": False})
    await send(format_event_handler(rx.State.event_handlers["hydrate"]), {})
    assert not [r for r in caplog.records if r.name == "app.state.calls"]
