"""The card as of a date, called as the browser would."""

import time
from datetime import timedelta

import pytest

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.i18n.formats import TIME_ZONE
from app.models.base import utcnow
from app.services import customers
from app.state.card_as_of import CardAsOfState
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "phone": "02 1234567"}


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=ACME)
        return customer.id


async def test_an_office_clerk_sees_the_card_as_it_was(app_db, acme):
    moment = (utcnow() + timedelta(seconds=61)).astimezone(TIME_ZONE).strftime("%Y-%m-%dT%H:%M")
    time.sleep(0.002)
    between = utcnow().astimezone(TIME_ZONE).replace(tzinfo=None).isoformat()
    time.sleep(0.002)
    with app_db(write=True) as s:
        customer = s.get(customers.Customer, acme)
        customers.update_customer(session=s, actor=factories.actor(s, Role.OFFICE), customer_id=acme,
                                  raw={**customers.current_values(customer), "phone": "02 7654321"},
                                  expected_version=customer.version)
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, state = await opened_card(token, acme, CardAsOfState)
    await state.open_as_of()
    assert state.open_dialogs == ["as_of"] and state.as_of_value
    await state.show_as_of({"at": "ieri"})
    assert state.as_of_error == "Data non valida."
    await state.show_as_of({"at": "2020-01-01T10:00"})
    assert not state.as_of_existed and state.as_of_title.startswith("Sola lettura")
    await state.show_as_of({"at": moment})  # a minute from now: today's card, nothing changed since
    assert state.as_of_existed and not any(row.changed for row in state.field_rows)
    assert ("Telefono", "02 765 4321") in [(row.label, row.then) for row in state.field_rows]
    await state.show_as_of({"at": between})
    phone = next(row for row in state.field_rows if row.label == "Telefono")
    assert (phone.then, phone.now, phone.changed) == ("02 123 4567", "02 765 4321", True)


async def test_who_may_not_read_the_customer_sees_nothing(app_db, acme):
    _, token = signed_in_token(app_db, Role.TECHNICIAN)
    state = card_tab(CardAsOfState, token, acme)
    state.open_dialogs = ["as_of"]
    with pytest.raises(Forbidden):
        await state.show_as_of({"at": "2026-01-01T10:00"})
    assert state.field_rows == []
