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


def test_opening_another_card_forgets_what_was_open_on_the_previous_one(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    card = state_of(CustomerCardState, token)
    card.customer_id = acme
    card._history_key, card.history_open = (None, 1), True
    card._upload_owner, card.upload_open = ("contract", 1), True
    card._editing_doc, card.doc_dialog = 1, "contract"
    card._editing_access, card.access_dialog_open = 1, True
    card._pending_raw, card._conflict_version = {"company_name": "Acme"}, 3
    card._confirm_action, card._removing_file = ("contact", 1), 1
    card._forget_previous_card()
    assert (card._history_key, card._upload_owner, card._editing_doc, card._editing_access) == ((), (), None, None)
    assert not (card.history_open or card.upload_open or card.access_dialog_open or card.doc_dialog)
    assert (card._pending_raw, card._conflict_version, card._confirm_action, card._removing_file) == (
        {}, 0, ("", 0), None)
    card.record_signature()  # nothing remembered: nothing recorded
    card.save_anyway()
