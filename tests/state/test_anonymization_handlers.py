"""The card's "Anonimizza" action, called as the browser would: the plan, the confirmation, the read-only card
after, and the refusal of anyone but an administrator."""

import pytest
import reflex as rx
from reflex.istate.data import ReflexURL, URLData
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import Contact, Customer
from app.services import customers
from app.state.anonymization import AnonymizationState
from app.state.customers import CustomerCardState
from tests import factories
from tests.state.conftest import _substate, signed_in_token, state_of, with_cookie

PERSON = {"kind": "private", "first_name": "Mario", "last_name": "Rossi", "tax_code": "RSSMRA85D03H501M",
          "email": "mario.rossi@example.com"}


@pytest.fixture
def rossi(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=PERSON)
        customers.save_contact(session=s, actor=office, customer_id=customer.id, raw={
            "kind": "family_member", "first_name": "Giulia", "last_name": "Bianchi"})
        return customer.id


async def _anonymization(token: str, customer_id: int) -> AnonymizationState:
    """The card opened at ?id=..., as its page does, and the anonymization state beside it."""
    root = rx.State(_reflex_internal_init=True)
    card = with_cookie(_substate(root, CustomerCardState), token)
    card.rx_router_url = URLData.from_url(ReflexURL(f"http://localhost/office/customer?id={customer_id}"))
    await card.open_card()
    return _substate(root, AnonymizationState)


async def test_an_administrator_reads_the_plan_and_confirms_with_the_code(app_db, rossi):
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = await _anonymization(token, rossi)
    assert state.can_anonymize and not state.anonymized
    await state.open_plan("")
    assert state.open_dialogs == ["anonymize"] and state.plan_subject == "Mario Rossi"
    lines = {line.key: line for line in state.plan_lines}
    assert lines["registry"].outcome == "Pseudonimizzati" and lines["contacts"].outcome == "Cancellati"
    await state.confirm_anonymize({"confirmation": "sbagliato"})
    assert state.anonymize_errors["confirmation"].startswith("Il codice digitato")
    with app_db() as s:
        assert s.get(Customer, rossi).status == "active"
    await state.confirm_anonymize({"confirmation": state.code})
    assert state.open_dialogs == []
    with app_db() as s:
        customer = s.get(Customer, rossi)
        assert customer.status == "anonymized" and customer.display_name.startswith("Cliente anonimizzato")
    # The card opened again: the pseudonym, read-only, no action left.
    card = await _anonymization(token, rossi)
    assert card.anonymized and not card.can_edit and not card.can_anonymize
    assert card.title.startswith("Cliente anonimizzato")


async def test_one_contact_from_the_contacts_tab(app_db, rossi):
    with app_db() as s:
        giulia = s.exec(select(Contact).where(Contact.customer_id == rossi)).one().id
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = await _anonymization(token, rossi)
    await state.open_plan(str(giulia))
    assert state.plan_for_contact and state.plan_subject == "Giulia Bianchi"
    await state.confirm_anonymize({"confirmation": state.code})
    with app_db() as s:
        assert s.get(Contact, giulia) is None and s.get(Customer, rossi).status == "active"


@pytest.mark.parametrize("role", [Role.OFFICE, Role.CREDIT_MANAGER])
async def test_anyone_but_an_administrator_is_refused(app_db, rossi, role):
    _, token = signed_in_token(app_db, role)
    state = await _anonymization(token, rossi)
    assert not state.can_anonymize
    with pytest.raises(Forbidden):
        await state.open_plan("")
    # Even with the dialog open and a plan remembered as if an administrator had asked for it.
    state.open_dialogs, state._plan_for = ["anonymize"], (rossi, None)
    with pytest.raises(Forbidden):
        await state.confirm_anonymize({"confirmation": state.code})
    with app_db() as s:
        assert s.get(Customer, rossi).status == "active"


async def test_a_customer_user_is_refused(app_db, rossi):
    _, token = signed_in_token(app_db, Role.CUSTOMER, customer_id=rossi)
    state = state_of(AnonymizationState, token)
    state.customer_id, state.open_dialogs, state._plan_for = rossi, ["anonymize"], (rossi, None)
    with pytest.raises(Forbidden):
        await state.confirm_anonymize({"confirmation": "x"})
    assert isinstance(state, rx.State)
