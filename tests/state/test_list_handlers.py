"""The office lists: the number of results, sorting by a column the index serves, and the filters kept in the
address and restored from it."""

import pytest
from reflex.istate.data import ReflexURL, URLData

from app.domain.permissions import Role
from app.services import customers
from tests import factories
from tests.state.conftest import signed_in_token, state_of

NAMES = ["Bianchi", "Rossi", "Verdi", "Azzurri", "Neri"]


@pytest.fixture
def people(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for i, name in enumerate(NAMES):
            # Codes are given in creation order: Bianchi first, so code order is not name order.
            raw = {"kind": "private", "first_name": "Mario", "last_name": name}
            if i in (1, 3):
                raw = {"kind": "business", "company_name": f"{name} S.r.l.",
                       "vat_number": "00743110157" if i == 1 else "01114601006"}
            customers.create_customer(session=s, actor=office, raw=raw)
    return signed_in_token(app_db, Role.OFFICE)[1]


def _list(token, address="/office/customers"):
    from app.state.customers import CustomerListState

    state = state_of(CustomerListState, token)
    state.rx_router_url = URLData.from_url(ReflexURL(f"http://localhost{address}"))
    return state


async def test_the_list_says_how_many_and_sorts_by_name_or_code(app_db, people):
    state = _list(people)
    await state.load_customers()
    assert state.count_text == "5 risultati"
    by_name = [r.name for r in state.rows]  # surname first for people, as the index keeps them
    assert by_name == ["Azzurri S.r.l.", "Mario Bianchi", "Mario Neri", "Rossi S.r.l.", "Mario Verdi"]
    await state.sort_by("name")
    assert state.sort_order == "name_desc" and [r.name for r in state.rows] == by_name[::-1]
    await state.sort_by("code")
    assert state.sort_order == "code" and [r.code for r in state.rows] == sorted(r.code for r in state.rows)
    await state.sort_by("code")
    assert [r.code for r in state.rows] == sorted((r.code for r in state.rows), reverse=True)
    for bad in ("email", None, ["name"], {"x": 1}):
        await state.sort_by(bad)
        assert state.sort_order == "code_desc"
    # A filter leaves only the orders its index serves: code order is refused and said so.
    await state.filter_kind("business")
    assert state.sort_order == "name" and not state.code_sortable
    assert state.count_text == "2 risultati"


async def test_filters_go_to_the_address_and_come_back_from_it(app_db, people):
    state = _list(people)
    await state.load_customers()
    event = await state.filter_kind("private")
    assert "/office/customers?kind=private" in str(event.args) and "replaceState" in str(event.args)
    event = await state.search("ross")
    assert "q=ross" in str(event.args) and "kind=private" in str(event.args)
    event = await state.filter_kind("all")
    assert "kind=" not in str(event.args)

    shared = _list(people, "/office/customers?q=verd&kind=private&sort=name_desc&status=bogus&assigned=x")
    await shared.load_customers()
    assert (shared.query, shared.kind_filter, shared.status_filter, shared.assigned_filter) == \
        ("verd", "private", "all", "all")
    assert [r.name for r in shared.rows] == ["Mario Verdi"] and shared.count_text == "1 risultato"
    # An address made by hand cannot turn on an order the index cannot serve.
    forced = _list(people, "/office/customers?kind=business&sort=code_desc")
    await forced.load_customers()
    assert forced.sort_order == "name"


async def test_a_count_stops_at_its_cap(app_db, people):
    with app_db(write=True) as s:
        actor = factories.actor(s, Role.ADMIN)
        capped = customers.count_customers(session=s, actor=actor, cap=3)
        exact = customers.count_customers(session=s, actor=actor, cap=5)
        searched = customers.count_customers(session=s, actor=actor, query="mario", cap=2)
        prefix = customers.count_customers(session=s, actor=actor, query="ve")
    assert (capped.count, capped.more) == (3, True)
    assert (exact.count, exact.more) == (5, False)
    assert (searched.count, searched.more) == (2, True)
    assert (prefix.count, prefix.more) == (1, False)


async def test_the_support_requests_list_keeps_status_and_order_in_the_address(app_db):
    from app.models import User
    from app.services import portal_accesses, tickets
    from app.services.auth import actor_of
    from app.state.tickets import OfficeTicketsState

    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw={"kind": "private", "first_name": "Anna",
                                                                       "last_name": "Neri"})
        saved = portal_accesses.save_access(session=s, actor=office, customer_id=acme.id, raw={
            "full_name": "Anna", "email": "anna@example.com", "active": "on"})
        anna = actor_of(s.get(User, saved.user_id))
        numbers = [tickets.open_ticket(session=s, actor=anna, raw={"subject": f"t{i}", "body": "x"}).id
                   for i in range(3)]
        tickets.close_ticket(session=s, actor=anna, ticket_id=numbers[0])
    token = signed_in_token(app_db, Role.OFFICE)[1]
    state = state_of(OfficeTicketsState, token)
    state.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/tickets?status=all&sort=oldest"))
    await state.load_tickets()
    assert [r.id for r in state.ticket_rows] == numbers and state.count_text == "3 risultati"
    event = await state.sort_by_number()
    assert [r.id for r in state.ticket_rows] == numbers[::-1]
    assert "/office/tickets?status=all" in str(event.args) and "sort=" not in str(event.args)
    event = await state.filter_status("closed")
    assert [r.id for r in state.ticket_rows] == numbers[:1] and state.count_text == "1 risultato"
    assert "status=closed" in str(event.args)
    state.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/tickets?status=<script>&sort=1"))
    await state.load_tickets()
    assert (state.status_filter, state.sort_order) == ("open", "newest")


async def test_the_requests_inbox_and_the_outbox_come_back_from_the_address(app_db):
    from app.services import change_requests, outbox
    from app.services.auth import actor_of
    from app.state.change_requests import InboxState
    from app.state.outbox import OutboxState

    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for name in ("Rossi", "Verdi"):
            customer = customers.create_customer(session=s, actor=office, raw={
                "kind": "private", "first_name": "Mario", "last_name": name})
            user = factories.user(s, Role.CUSTOMER, customer_id=customer.id)
            change_requests.submit_request(session=s, actor=actor_of(user), customer_id=customer.id,
                                           raw={"email": f"nuova@{name.lower()}.it"})
        for i in range(3):
            outbox.enqueue(session=s, dedupe_key=f"k{i}", to_address=f"cliente{i}@example.com",
                           subject=f"Avviso {i}", body_text="x", kind="test")
    token = signed_in_token(app_db, Role.ADMIN)[1]
    inbox = state_of(InboxState, token)
    inbox.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/requests?customer=verdi&field=email"))
    await inbox.load_inbox()
    assert (inbox.customer_filter, inbox.field_filter) == ("verdi", "email")
    assert [r.customer.split(" · ")[0] for r in inbox.rows] == ["Mario Verdi"] and inbox.count_text == "1 risultato"
    event = await inbox.filter_customer("")
    assert inbox.count_text == "2 risultati" and "field=email" in str(event.args) and "customer" not in str(event.args)

    box = state_of(OutboxState, token)
    box.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/outbox?q=cliente1"))
    await box.load_outbox()
    assert [m.to_address for m in box.messages] == ["cliente1@example.com"] and box.count_text == "1 risultato"
    event = await box.search_outbox("avviso")
    assert box.count_text == "3 risultati" and "q=avviso" in str(event.args)


async def test_the_users_list_counts_and_keeps_its_search_in_the_address(app_db):
    from app.state.users import UsersState

    with app_db(write=True) as s:
        for name in ("Carla Bruni", "Carlo Verdi", "Dario Fo"):
            factories.user(s, Role.OFFICE).full_name = name
    token = signed_in_token(app_db, Role.ADMIN)[1]
    state = state_of(UsersState, token)
    state.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/users?q=carl"))
    await state.load_users()
    assert state.users_search == "carl" and [u.full_name for u in state.user_rows] == ["Carla Bruni", "Carlo Verdi"]
    assert state.count_text == "2 risultati"
    event = await state.search_users("dario")
    assert state.count_text == "1 risultato" and "/office/users?q=dario" in str(event.args)
