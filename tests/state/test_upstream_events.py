"""The upstream search through Reflex's own event processing, as the websocket hands events over: [Cerca] starts
a background task that does not hold the tab's lock, so "Annulla" is handled while the request is running."""

import asyncio
import dataclasses

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event import Event
from reflex_base.utils.format import format_event_handler

import app.app as application
from app.domain import upstream as rule
from app.domain.permissions import Role
from app.i18n import t
from app.services import auth, upstream
from app.state.customers import RUNNING_SEARCHES, CustomerListState
from tests import factories
from tests.state.conftest import signed_in_token


def _name(handler):
    return format_event_handler(CustomerListState.event_handlers[handler])


@pytest.fixture
async def tab(app_db, monkeypatch):
    """Sends events from one signed-in office tab; `sent` collects every update sent back to it."""
    _, token = signed_in_token(app_db, Role.OFFICE)
    app = application.app
    monkeypatch.setattr(app, "_state_manager", StateManagerMemory())
    router = {"headers": {"cookie": f"{auth.SESSION_COOKIE}={token}"}, "pathname": "/office/customers",
              "query": {}, "token": "tab-1"}
    with app.set_contexts():
        async with app._setup_event_processor():
            processor = app.event_processor
            sent: list = []

            async def emit_event(token, *events):  # noqa: ANN001, ANN202, ARG001
                sent.extend(events)

            async def emit_delta(token, delta):  # noqa: ANN001, ANN202, ARG001
                sent.append(delta)

            async def send(handler: str, payload: dict | None = None) -> None:
                context = dataclasses.replace(processor._root_context.fork(token="tab-1"),
                                              emit_event_impl=emit_event, emit_delta_impl=emit_delta)
                done = await processor.enqueue("tab-1", Event(name=_name(handler), payload=payload or {},
                                                              router_data=router), ev_ctx=context)
                await asyncio.wait_for(done, 30)

            send.sent = sent
            yield send


async def _until(condition) -> None:  # noqa: ANN001
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


def connect(db, url, key, timeout="3"):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        upstream.save_settings(session=s, actor=admin, base_url=url, api_key=key, timeout=timeout, enabled=True)


async def test_cerca_shows_the_upstream_results_from_a_background_task(app_db, upstream_server, tab):
    upstream_server.add(company_name="Zeta Nord S.r.l.")
    connect(app_db, upstream_server.url, upstream_server.key)
    await tab("load_customers")
    await tab("search", {"text": "zeta"})
    await tab("search_upstream")
    await _until(lambda: "Zeta Nord S.r.l." in str(tab.sent))
    assert "'upstream_searching_rx_state_': False" in str(tab.sent[-1])


async def test_annulla_is_handled_while_the_search_runs_and_abandons_it(app_db, upstream_server, tab):
    upstream_server.delay = 60
    connect(app_db, upstream_server.slow_url, upstream_server.key, timeout="30")
    await tab("load_customers")
    await tab("search", {"text": "zeta"})
    await tab("search_upstream")
    await _until(lambda: RUNNING_SEARCHES)
    request = next(iter(RUNNING_SEARCHES.values()))
    await tab("cancel_upstream_search")
    await _until(request.done)
    assert request.cancelled() and RUNNING_SEARCHES == {}
    assert t(rule.CANCELLED, "it") in str(tab.sent)
