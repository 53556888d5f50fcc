"""The upstream registry through a real HTTP server: the connection settings, the search, the save on open
and the sync job."""

import pytest
from sqlmodel import select

from app.domain import change_rules as rules
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.domain.vocabularies import Source
from app.models import ChangeRequest, ChangeRequestItem, Customer, Movement
from app.services import change_requests, customers, upstream
from tests import factories
from tests.support.upstream_server import closed_port_url

VAT = "00743110157"


def connect(db, url, key, timeout="3", enabled=True):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        upstream.save_settings(session=s, actor=admin, base_url=url, api_key=key, timeout=timeout, enabled=enabled)
    return admin


def _conn(db):
    with db() as s:
        return upstream.connection(s)


def test_only_administrators_see_and_change_the_connection_and_the_key_is_never_shown(db, upstream_server):
    admin = connect(db, upstream_server.url + "/", upstream_server.key)
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for call in (lambda: upstream.read_settings(session=s, actor=office),
                     lambda: upstream.save_settings(session=s, actor=office, base_url="http://x", api_key="k",
                                                    timeout="3", enabled=True),
                     lambda: upstream.check_connection(session=s, actor=office)):
            with pytest.raises(Forbidden):
                call()
        view = upstream.read_settings(session=s, actor=admin)
    assert view.base_url == upstream_server.url and view.enabled and view.timeout == 3
    assert view.key_hint == upstream_server.key[:11] + "…" and upstream_server.key not in repr(view)
    # An empty key keeps the stored one; the timeout defaults to 3 seconds.
    with db(write=True) as s:
        upstream.save_settings(session=s, actor=admin, base_url=upstream_server.url, api_key="", timeout="",
                               enabled=True)
    assert _conn(db).api_key == upstream_server.key and _conn(db).timeout == 3
    # Another address never receives the stored key: it needs its own.
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        upstream.save_settings(session=s, actor=admin, base_url="http://elsewhere.example", api_key="",
                               timeout="3", enabled=True)
    assert refused.value.errors == {"api_key": "form.err.required"}


@pytest.mark.parametrize(("fields", "errors"), [
    ({"base_url": "ftp://x"}, {"base_url"}), ({"base_url": "http://x?a=1"}, {"base_url"}),
    ({"timeout": "0"}, {"timeout"}), ({"timeout": "abc"}, {"timeout"}), ({"api_key": "a b"}, {"api_key"}),
    ({"base_url": ""}, {"base_url"}),
])
def test_wrong_settings_are_refused_field_by_field(db, fields, errors):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        given = {"base_url": "https://sede.example.it", "api_key": "rk_x", "timeout": "3", **fields}
        with pytest.raises(DomainError) as refused:
            upstream.save_settings(session=s, actor=admin, enabled=True, **given)
    assert set(refused.value.errors) == errors


def test_the_connection_test_tells_reachable_refused_and_unreachable(db, upstream_server):
    for url, key, outcome in ((upstream_server.url, upstream_server.key, upstream.REACHABLE),
                              (upstream_server.url, "rk_wrong", upstream.REFUSED),
                              (closed_port_url(), upstream_server.key, upstream.UNREACHABLE)):
        admin = connect(db, url, key)
        with db() as s:
            assert upstream.check_connection(session=s, actor=admin) == outcome


async def test_the_search_asks_for_seven_with_the_same_text_and_filters(db, upstream_server):
    for i in range(8):
        upstream_server.add(company_name=f"Ferri {i} S.r.l.")
    anna = upstream_server.add(kind="private", first_name="Anna", last_name="Ferri")
    connect(db, upstream_server.url, upstream_server.key)
    found = await upstream.search(_conn(db), query="ferri", kind="business", status="active")
    assert len(found) == 7 and all(f["kind"] == "business" for f in found)  # 8 there: one more than six
    assert [f["code"] for f in await upstream.search(_conn(db), query="anna", kind="private")] == [anna["code"]]


async def test_a_search_slower_than_the_timeout_or_unreachable_fails(db, upstream_server):
    upstream_server.delay = 5
    connect(db, upstream_server.slow_url, upstream_server.key, timeout="0.5")
    with pytest.raises(upstream.UpstreamUnavailable):
        await upstream.search(_conn(db), query="x")
    connect(db, closed_port_url(), upstream_server.key)
    with pytest.raises(upstream.UpstreamUnavailable):
        await upstream.search(_conn(db), query="x")
    connect(db, upstream_server.url, "rk_wrong")
    with pytest.raises(upstream.UpstreamRefused):
        await upstream.search(_conn(db), query="x")


def test_an_opened_upstream_customer_is_saved_once_linked_by_its_code(db, upstream_server):
    row = upstream_server.add(company_name="Verdi Servizi S.r.l.", vat_number="00743110157",
                              city="Milano", province="MI", cap="20121", street="Via Roma 1",
                              contacts=[{"kind": "contact_person", "first_name": "Luca", "last_name": "Neri",
                                         "email": "luca@example.com"}],
                              sites=[{"name": "Magazzino", "street": "Via Po 2", "cap": "20121", "city": "Milano",
                                      "province": "MI"}])
    connect(db, upstream_server.url, upstream_server.key)
    detail = upstream.fetch_customer(_conn(db), row["id"])
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer, created = upstream.save_opened(session=s, actor=office, detail=detail)
        first_id = customer.id
    assert created
    with db(write=True) as s:
        again, created = upstream.save_opened(session=s, actor=office, detail=detail)
        assert again.id == first_id and not created
        assert s.exec(select(Customer).where(Customer.external_code == row["code"])).one().company_name == \
            "Verdi Servizi S.r.l."
        assert len(customers.list_contacts(session=s, actor=office, customer_id=first_id)) == 1
        assert len(customers.list_sites(session=s, actor=office, customer_id=first_id)) == 1
        created_by = s.exec(select(Movement).where(Movement.customer_id == first_id,
                                                   Movement.kind == "customer.created")).one()
        assert created_by.source == Source.UPSTREAM
        reader = factories.actor(s, Role.CREDIT_MANAGER)
        with pytest.raises(Forbidden):
            upstream.save_opened(session=s, actor=reader, detail=detail)
    with pytest.raises(upstream.UpstreamNotFound):
        upstream.fetch_customer(_conn(db), 99999)


def _linked(db, code, **fields):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        raw = {"kind": "business", "company_name": "Rossi S.r.l.", "phone": "02 1234567", "external_code": code,
               "vat_number": VAT,
               **fields}
        return customers.create_customer(session=s, actor=office, raw=raw).id


def _portal_asks(db, customer_id, raw):
    with db(write=True) as s:
        user = factories.actor(s, Role.CUSTOMER, customer_id=customer_id)
        return change_requests.submit_request(session=s, actor=user, customer_id=customer_id, raw=raw)


def test_the_sync_applies_upstream_changes_to_linked_customers_only(db, upstream_server):
    row = upstream_server.add(vat_number=VAT, company_name="Rossi S.r.l.", phone="02 7654321", email="info@rossi.it")
    other = upstream_server.add(company_name="Nuova S.r.l.", vat_number="01114601006")  # not linked: not created
    linked_id = _linked(db, row["code"])
    connect(db, upstream_server.url, upstream_server.key)
    result = upstream.sync(session_factory=db)
    assert (result.seen, result.updated, result.skipped) == (2, 1, 1)
    with db() as s:
        customer = s.get(Customer, linked_id)
        assert (customer.phone, customer.email) == ("+39027654321", "info@rossi.it")
        assert s.exec(select(Customer).where(Customer.external_code == other["code"])).first() is None
        kept = upstream.cursor(s)
        sources = set(s.exec(select(Movement.source).where(Movement.customer_id == linked_id,
                                                           Movement.kind == "customer.updated")))
    assert kept and sources == {"upstream"}
    # Nothing changed since the cursor: nothing is seen again.
    assert upstream.sync(session_factory=db).seen == 0
    upstream_server.change(row["id"], email="amministrazione@rossi.it")
    assert upstream.sync(session_factory=db).updated == 1
    with db() as s:
        assert s.get(Customer, linked_id).email == "amministrazione@rossi.it" and upstream.cursor(s) != kept


def test_a_change_colliding_with_a_waiting_request_goes_to_the_same_review_marked_upstream(db, upstream_server):
    row = upstream_server.add(vat_number=VAT, company_name="Rossi S.r.l.", phone="02 1234567", email="vecchia@rossi.it")
    linked_id = _linked(db, row["code"], email="vecchia@rossi.it")
    connect(db, upstream_server.url, upstream_server.key)
    upstream.sync(session_factory=db)
    asked = _portal_asks(db, linked_id, {"email": "cliente@rossi.it"})
    assert asked.pending == ["email"]
    upstream_server.change(row["id"], email="sede@rossi.it", phone="02 5555555")
    result = upstream.sync(session_factory=db)
    assert (result.updated, result.held) == (1, 1)
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = s.get(Customer, linked_id)
        assert customer.email == "vecchia@rossi.it" and customer.phone == "+39025555555"
        review = change_requests.pending_review(session=s, actor=office, customer_id=linked_id)
        assert [(r.field, r.requested, r.source) for r in review] == [
            ("email", "cliente@rossi.it", "portal"), ("email", "sede@rossi.it", "upstream")]
        assert s.exec(select(ChangeRequest).where(ChangeRequest.source == "upstream")).one().requested_by_name \
            == upstream.UPSTREAM_NAME
        # Both values cannot win; choosing upstream's ignores the customer's.
        with pytest.raises(DomainError):
            change_requests.decide(session=s, actor=office, customer_id=linked_id,
                                   decisions={review[0].item_id: "accept", review[1].item_id: "accept"})
    with db(write=True) as s:
        outcome = change_requests.decide(session=s, actor=office, customer_id=linked_id,
                                         decisions={review[1].item_id: "accept"})
        assert outcome.accepted == ["email"]
        assert s.get(Customer, linked_id).email == "sede@rossi.it"
        states = {i.id: i.state for i in s.exec(select(ChangeRequestItem))}
        assert states[review[0].item_id] == rules.IGNORED and states[review[1].item_id] == rules.ACCEPTED
        assert s.get(ChangeRequest, asked.request_id).status == "processed"


def test_a_newer_upstream_value_replaces_the_one_waiting_and_the_customer_may_still_ask(db, upstream_server):
    row = upstream_server.add(vat_number=VAT, company_name="Rossi S.r.l.", phone="02 1234567")
    linked_id = _linked(db, row["code"])
    connect(db, upstream_server.url, upstream_server.key)
    upstream.sync(session_factory=db)
    _portal_asks(db, linked_id, {"company_name": "Rossi & Figli S.r.l."})
    upstream_server.change(row["id"], company_name="Rossi Group S.r.l.")
    upstream.sync(session_factory=db)
    upstream_server.change(row["id"], company_name="Rossi Holding S.r.l.")
    upstream.sync(session_factory=db)
    _portal_asks(db, linked_id, {"company_name": "Rossi e Figli S.r.l."})
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        review = change_requests.pending_review(session=s, actor=office, customer_id=linked_id)
        assert sorted((r.requested, r.source) for r in review) == [
            ("Rossi Holding S.r.l.", "upstream"), ("Rossi e Figli S.r.l.", "portal")]


def test_the_cursor_moves_only_after_a_committed_batch(db, upstream_server):
    row = upstream_server.add(vat_number=VAT, company_name="Rossi S.r.l.", phone="02 7654321")
    _linked(db, row["code"])
    upstream_server.add(company_name="Altra S.r.l.", vat_number="01114601006")
    connect(db, upstream_server.url, upstream_server.key)
    calls = []

    def failing_second_batch(after):
        calls.append(after)
        if len(calls) == 2:
            raise upstream.UpstreamUnavailable("gone")
        return upstream.fetch_changes(_conn(db), after, limit=1)

    with pytest.raises(upstream.UpstreamUnavailable):
        upstream.sync(session_factory=db, fetch=failing_second_batch)
    with db() as s:
        first = upstream.cursor(s)
        assert first and upstream.read_settings(session=s, actor=connect(db, upstream_server.url, ""))\
            .last_sync_result == {"failed": "unreachable"}
    with db() as s:
        assert upstream.cursor(s) == first  # the admin's save kept the cursor: same address
    result = upstream.sync(session_factory=db, fetch=lambda after: upstream.fetch_changes(_conn(db), after, limit=1))
    assert result.seen == 1  # only the second customer: the first batch is not applied twice


def test_nothing_is_pulled_without_a_connection(db):
    assert upstream.sync(session_factory=db).seen == 0


async def test_the_sync_is_one_of_the_scheduled_jobs(app_db, upstream_server):
    from app.jobs import EVERY_SECONDS, JOBS

    row = upstream_server.add(vat_number=VAT, company_name="Rossi S.r.l.", phone="02 7654321")
    linked_id = _linked(app_db, row["code"])
    connect(app_db, upstream_server.url, upstream_server.key)
    result = await JOBS["sync"]()
    assert result.updated == 1 and "sync" in EVERY_SECONDS
    with app_db() as s:
        assert s.get(Customer, linked_id).phone == "+39027654321"
