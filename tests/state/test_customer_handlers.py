"""Customer handlers called as the browser could call them: wrong people, wrong ids, wrong shapes."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import Contact, Customer, Movement
from app.services import customers
from app.state.customers import CustomerCardState, CustomerListState
from tests import factories
from tests.state.conftest import signed_in_token, state_of

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=ACME)
        customers.save_contact(session=s, actor=office, customer_id=customer.id,
                               raw={"first_name": "Anna", "last_name": "Neri"})
        return customer.id


def _movement_count(db):
    with db() as s:
        return len(s.exec(select(Movement)).all())


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.TECHNICIAN, Role.CREDIT_MANAGER, None])
def test_writes_are_refused_to_anyone_without_the_right(app_db, acme, role):
    token = signed_in_token(app_db, role)[1] if role else ""
    before = _movement_count(app_db)
    card = state_of(CustomerCardState, token)
    card.customer_id = acme
    expected = NotSignedIn if role is None else Forbidden
    with app_db() as s:
        contact_id = s.exec(select(Contact.id)).one()
    calls = [
        lambda: card.save({**ACME, "company_name": "Hacked"}),
        lambda: card.add_contact({"first_name": "X", "last_name": "Y"}),
        lambda: card.add_site({"name": "X"}),
        lambda: card.ask_remove("contact", contact_id),
        card.confirm_remove,
        card.start_edit,
    ]
    for call in calls:
        with pytest.raises(expected):
            call()
    assert _movement_count(app_db) == before
    with app_db() as s:
        assert s.get(Customer, acme).company_name == "Acme S.r.l."


def test_customer_user_cannot_list_customers(app_db, acme):
    _, token = signed_in_token(app_db, Role.CUSTOMER)
    state = state_of(CustomerListState, token)
    assert "/portal" in str(state.load_customers().args)
    with pytest.raises(Forbidden):
        state.search("acme")
    assert state.rows == []


def test_malformed_and_foreign_ids_change_nothing(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        office = factories.actor(s, Role.ADMIN)
        other = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Other",
                                                                        "vat_number": "01114601006"})
        foreign_contact = customers.save_contact(session=s, actor=office, customer_id=other.id,
                                                 raw={"first_name": "Foreign", "last_name": "Person"}).id
    card = state_of(CustomerCardState, token)
    card.customer_id = acme
    card.contacts = []
    before = _movement_count(app_db)
    for bad in ("1 OR 1=1", -5, None, [1], {"id": 1}, 10**30, foreign_contact):
        card.ask_remove("contact", bad)  # only contacts shown on this card can be picked
        assert card.confirm_open is False
        card.make_default_site(bad)
    card.ask_remove("customer", acme)
    assert card.confirm_open is False
    assert _movement_count(app_db) == before
    with app_db() as s:
        assert s.get(Contact, foreign_contact) is not None
