"""Customer handlers called as the browser could call them: wrong people, wrong ids, wrong shapes."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import Contact, Customer, Movement
from app.services import customers
from app.state.contacts import ContactsTab
from app.state.customer_details import DetailsTab
from app.state.customers import CustomerListState
from app.state.sites import SitesTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token, state_of

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
async def test_writes_are_refused_to_anyone_without_the_right(app_db, acme, role):
    token = signed_in_token(app_db, role)[1] if role else ""
    before = _movement_count(app_db)
    details, contacts, sites = (card_tab(tab, token, acme) for tab in (DetailsTab, ContactsTab, SitesTab))
    expected = NotSignedIn if role is None else Forbidden
    with app_db() as s:
        contact_id = s.exec(select(Contact.id)).one()
    contacts._confirming, contacts.open_dialogs = (contact_id,), ["confirm"]
    calls = [
        lambda: details.save({**ACME, "company_name": "Hacked"}),
        lambda: contacts.add_contact({"first_name": "X", "last_name": "Y"}),
        lambda: sites.add_site({"name": "X"}),
        lambda: contacts.ask_remove(contact_id),
        contacts.confirm_remove,
        details.start_edit,
    ]
    for call in calls:
        with pytest.raises(expected):
            await call()
    assert _movement_count(app_db) == before
    with app_db() as s:
        assert s.get(Customer, acme).company_name == "Acme S.r.l."
        assert s.get(Contact, contact_id) is not None


async def test_customer_user_cannot_list_customers(app_db, acme):
    _, token = signed_in_token(app_db, Role.CUSTOMER)
    state = state_of(CustomerListState, token)
    assert "/portal" in str((await state.load_customers()).args)
    with pytest.raises(Forbidden):
        await state.search("acme")
    assert state.rows == []


async def test_malformed_and_foreign_ids_change_nothing(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        office = factories.actor(s, Role.ADMIN)
        other = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Other",
                                                                        "vat_number": "01114601006"})
        foreign_contact = customers.save_contact(session=s, actor=office, customer_id=other.id,
                                                 raw={"first_name": "Foreign", "last_name": "Person"}).id
        foreign_site = customers.save_site(session=s, actor=office, customer_id=other.id, raw={"name": "Altrove"}).id
    _, contacts, sites = await opened_card(token, acme, ContactsTab, SitesTab)
    before = _movement_count(app_db)
    for bad in ("1 OR 1=1", -5, None, [1], {"id": 1}, 10**30, foreign_contact, True):
        await contacts.ask_remove(bad)  # only contacts shown on this card can be picked
        assert contacts.open_dialogs == []
        await sites.ask_remove(bad)
        await sites.make_default_site(bad)
    await sites.make_default_site(foreign_site)
    assert sites.open_dialogs == []
    await contacts.confirm_remove()  # nothing asked: nothing removed
    assert _movement_count(app_db) == before
    with app_db() as s:
        assert s.get(Contact, foreign_contact) is not None


async def test_a_tab_loaded_for_another_card_acts_on_nothing(app_db, acme):
    """A tab holds what it loaded for one card; once another card opens it refuses to act until it
    is opened again, so nothing picked on the previous customer reaches the next one."""
    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        other = customers.create_customer(session=s, actor=factories.actor(s, Role.ADMIN),
                                          raw={**ACME, "company_name": "Other", "vat_number": "01114601006"}).id
    card, contacts = await opened_card(token, acme, ContactsTab)
    anna = contacts.contacts[0]
    await contacts.ask_remove(anna.id)
    assert contacts.open_dialogs == ["confirm"]
    contacts.card_key += 1  # another card opened in the same tab
    contacts.customer_id = other
    before = _movement_count(app_db)
    await contacts.confirm_remove()
    await contacts.add_contact({"first_name": "X", "last_name": "Y"})
    assert _movement_count(app_db) == before
    await contacts.load()
    assert contacts.contacts == [] and contacts.open_dialogs == [] and contacts.loaded_for == contacts.card_key


async def test_opening_a_card_loads_only_the_first_tab(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    events, details = await opened_card(token, acme, DetailsTab)
    contacts = details.parent_state.get_substate([ContactsTab.get_name()])
    names = [getattr(e, "fn", getattr(getattr(e, "handler", None), "fn", None)).__qualname__ for e in events]
    assert names and all(n.split(".")[0] in ("DetailsTab", "CardConsentsState", "ReviewState") for n in names)
    assert details.title == "Acme S.r.l." and details.values["vat_number"] == "00743110157"
    assert contacts.loaded_for == 0 and contacts.contacts == []


async def test_missing_and_malformed_card_ids_go_back_to_the_list(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    for bad in ("999999", "abc", "-1", ""):
        result = (await opened_card(token, bad))[0]
        assert "/office/customers" in str(result)


async def test_a_cancelled_load_finishes_before_the_next_event_runs(app_db, acme, monkeypatch):
    """A newer navigation cancels the events of the previous one: their worker threads must be done
    before the next event may run, or a late load would write one customer's data into another's card."""
    import asyncio
    import threading

    from app.state import session as session_module

    started, release = threading.Event(), threading.Event()

    def slow(*_args):
        started.set()
        release.wait(5)
        return "done"

    async def scenario():
        task = asyncio.ensure_future(session_module.off_the_loop(slow))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        task.cancel()
        await asyncio.sleep(0.05)
        assert not task.done()  # still waiting for its thread
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    await scenario()
