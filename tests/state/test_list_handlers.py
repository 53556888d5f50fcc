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
