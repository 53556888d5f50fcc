"""The online search in the upstream registry from the customer list, and its connection settings, through the
handlers the browser calls."""

import asyncio

import pytest
from reflex.istate.data import ReflexURL, URLData
from sqlmodel import select

from app.domain import upstream as rule
from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.i18n import t
from app.models import Customer
from app.services import customers, upstream
from app.state.customers import RUNNING_SEARCHES, CustomerListState
from app.state.upstream_settings import UpstreamSettingsState
from tests import factories
from tests.state.conftest import signed_in_token, state_of
from tests.support.upstream_server import closed_port_url


@pytest.fixture
def office(app_db):
    with app_db(write=True) as s:
        clerk = factories.actor(s, Role.OFFICE)
        for name, vat in (("Ferri Impianti S.r.l.", "00743110157"), ("Bianchi S.p.A.", "01114601006")):
            customers.create_customer(session=s, actor=clerk, raw={"kind": "business", "company_name": name,
                                                                   "vat_number": vat})
    return signed_in_token(app_db, Role.OFFICE)[1]


def connect(db, url, key, timeout="3"):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        upstream.save_settings(session=s, actor=admin, base_url=url, api_key=key, timeout=timeout, enabled=True)


async def _list(token, query=""):
    state = state_of(CustomerListState, token)
    state.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/customers"))
    await state.load_customers()
    if query:
        await state.search(query)
    return state


async def _search(state):
    """[Cerca], then the background task it starts, run to its end."""
    started = await state.search_upstream()
    assert started is CustomerListState.run_upstream_search
    assert state.upstream_searching
    await CustomerListState.run_upstream_search.fn(state)
    assert not state.upstream_searching


def _it(key):
    return t(key, "it")


async def test_no_offer_without_a_connected_upstream(app_db, office):
    state = await _list(office, "nessuno")
    assert not state.upstream_on and state.upstream_offer == ""
    assert await state.search_upstream() is None and not state.upstream_searching


async def test_the_offer_follows_the_six_result_rule(app_db, office, upstream_server):
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "nessuno")
    assert state.upstream_on and state.rows == [] and state.upstream_offer == _it(rule.OFFER_NONE)
    await state.search("ferri")
    assert len(state.rows) == 1 and state.upstream_offer == _it(rule.OFFER_FEW)
    with app_db(write=True) as s:
        clerk = factories.actor(s, Role.OFFICE)
        for i in range(6):
            customers.create_customer(session=s, actor=clerk, raw={"kind": "private", "first_name": "Ugo",
                                                                   "last_name": f"Ferri{i}"})
    await state.search("ferri ")
    await state.search("ferri")
    assert len(state.rows) == 7 and state.upstream_offer == ""
    assert await state.search_upstream() is None


async def test_up_to_six_upstream_results_are_shown_marked_and_not_stored(app_db, office, upstream_server):
    codes = []
    for i in range(3):
        codes += [upstream_server.add(company_name=f"Ferri Nord {i} S.r.l.", vat_number="00743110157", city="Monza",
                            province="MB")["code"]]
    upstream_server.add(kind="private", first_name="Anna", last_name="Ferri")
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "ferri")
    await state.filter_kind("business")
    await _search(state)
    assert [r.code for r in state.upstream_rows] == codes
    assert state.upstream_rows[0].place == "Monza (MB)" and state.upstream_message == ""
    assert len(state.rows) == 1  # the local result stays
    with app_db() as s:
        assert s.exec(select(Customer).where(Customer.external_code.is_not(None))).all() == []
    # Other filters: the upstream answer for the old ones goes.
    await state.search("ferri n")
    assert state.upstream_rows == [] and state.upstream_message == ""


async def test_too_many_none_and_unreachable_keep_the_local_results(app_db, office, upstream_server):
    for i in range(7):
        upstream_server.add(company_name=f"Ferri {i} S.r.l.")
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "ferri")
    await _search(state)
    assert state.upstream_rows == [] and state.upstream_message == _it(rule.TOO_MANY) and len(state.rows) == 1
    await state.search("bianchi")
    await _search(state)
    assert state.upstream_message == _it(rule.NOTHING_FOUND) and len(state.rows) == 1
    connect(app_db, closed_port_url(), upstream_server.key)
    await state.search("ferri")
    await _search(state)
    assert state.upstream_message == _it(rule.UNREACHABLE) and len(state.rows) == 1


async def test_a_search_slower_than_the_timeout_is_unreachable(app_db, office, upstream_server):
    upstream_server.add(company_name="Ferri Sud S.r.l.")
    upstream_server.delay = 5
    connect(app_db, upstream_server.slow_url, upstream_server.key, timeout="0.5")
    state = await _list(office, "ferri")
    await _search(state)
    assert state.upstream_message == _it(rule.UNREACHABLE) and state.upstream_rows == []


async def test_annulla_cancels_the_running_search(app_db, office, upstream_server):
    upstream_server.add(company_name="Ferri Sud S.r.l.")
    upstream_server.delay = 60  # far beyond the timeout below: only the cancel can end it early
    connect(app_db, upstream_server.slow_url, upstream_server.key, timeout="30")
    state = await _list(office, "ferri")
    await state.search_upstream()
    running = asyncio.ensure_future(CustomerListState.run_upstream_search.fn(state))
    while not RUNNING_SEARCHES and not running.done():
        await asyncio.sleep(0.01)
    request = next(iter(RUNNING_SEARCHES.values()))
    await state.cancel_upstream_search()
    await running
    assert request.cancelled() and RUNNING_SEARCHES == {}
    assert not state.upstream_searching and state.upstream_rows == []
    assert state.upstream_message == _it(rule.CANCELLED)


async def test_opening_an_upstream_result_saves_it_once_and_opens_its_card(app_db, office, upstream_server):
    row = upstream_server.add(company_name="Ferri Est S.r.l.", vat_number="02241890223")
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "ferri est")
    await _search(state)
    opened = await state.open_upstream(str(row["id"]))
    with app_db() as s:
        saved = s.exec(select(Customer).where(Customer.external_code == row["code"])).one()
    assert f"/office/customer?id={saved.id}" in str(opened)
    again = await state.open_upstream(row["id"])
    assert f"/office/customer?id={saved.id}" in str(again)
    with app_db() as s:
        assert len(s.exec(select(Customer).where(Customer.external_code == row["code"])).all()) == 1


async def test_the_browser_cannot_choose_what_is_saved(app_db, office, upstream_server):
    shown = upstream_server.add(company_name="Ferri Est S.r.l.", vat_number="02241890223")
    hidden = upstream_server.add(company_name="Altro S.r.l.", vat_number="01114601006")
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "ferri est")
    await _search(state)
    for bad in (hidden["id"], "0", "-1", "abc", None, [shown["id"]], {"id": shown["id"]}, "9" * 30):
        await state.open_upstream(bad)
    with app_db() as s:
        assert s.exec(select(Customer).where(Customer.external_code.is_not(None))).all() == []
    # A clerk who may only read customers sees the results but cannot save one.
    _, reader = signed_in_token(app_db, Role.CREDIT_MANAGER)
    state = await _list(reader, "ferri est")
    await _search(state)
    assert [r.code for r in state.upstream_rows] == [shown["code"]]
    with pytest.raises(Forbidden):
        await state.open_upstream(shown["id"])


async def test_upstream_lost_while_opening_clears_its_results(app_db, office, upstream_server):
    row = upstream_server.add(company_name="Ferri Est S.r.l.", vat_number="02241890223")
    connect(app_db, upstream_server.url, upstream_server.key)
    state = await _list(office, "ferri est")
    await _search(state)
    connect(app_db, closed_port_url(), upstream_server.key)
    assert await state.open_upstream(row["id"]) is None
    assert state.upstream_rows == [] and state.upstream_message == _it("upstream.err.save_unreachable")


async def test_only_administrators_manage_the_connection(app_db, upstream_server):
    _, clerk = signed_in_token(app_db, Role.OFFICE)
    settings = state_of(UpstreamSettingsState, clerk)
    for call in (lambda: settings.save_upstream({"base_url": "http://x", "api_key": "k", "enabled": "on"}),
                 settings.check_upstream):
        with pytest.raises(Forbidden):
            await call()
    _, admin = signed_in_token(app_db, Role.ADMIN)
    settings = state_of(UpstreamSettingsState, admin)
    await settings.load_upstream_settings()
    assert settings.upstream_timeout == "3" and settings.upstream_key_hint == ""
    await settings.save_upstream({"base_url": "ftp://x", "api_key": "", "timeout": "3"})
    assert set(settings.upstream_errors) == {"base_url"}
    await settings.save_upstream({"base_url": upstream_server.url, "api_key": upstream_server.key, "timeout": "2",
                                  "enabled": "on"})
    assert settings.upstream_errors == {} and settings.upstream_enabled
    assert settings.upstream_key_hint == upstream_server.key[:11] + "…" and upstream_server.key not in str(settings.dict())
    await settings.check_upstream()
    assert settings.upstream_check == _it("upstream.check.reachable")
    await settings.save_upstream({"base_url": upstream_server.url, "api_key": "rk_nope", "timeout": "2",
                                  "enabled": "on"})
    await settings.check_upstream()
    assert settings.upstream_check == _it("upstream.check.refused")


async def test_the_settings_tell_how_the_last_sync_went(app_db, upstream_server):
    _, admin = signed_in_token(app_db, Role.ADMIN)
    settings = state_of(UpstreamSettingsState, admin)
    await settings.load_upstream_settings()
    assert settings.upstream_last_sync == _it("upstream.never_synced")
    connect(app_db, upstream_server.url, upstream_server.key)
    upstream_server.add(company_name="Nuova S.r.l.")
    upstream.sync(session_factory=app_db)
    await settings.load_upstream_settings()
    assert "clienti ricevuti 1" in settings.upstream_last_sync and "non collegati o non validi 1" in \
        settings.upstream_last_sync
    connect(app_db, upstream_server.url, "rk_nope")
    with pytest.raises(upstream.UpstreamRefused):
        upstream.sync(session_factory=app_db)
    await settings.load_upstream_settings()
    assert "chiave API rifiutata" in settings.upstream_last_sync
