"""Customer handlers called as the browser could call them: wrong people, wrong ids, wrong shapes."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.i18n import t
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
        lambda: contacts.edit_contact(contact_id),
        lambda: contacts.save_contact({"first_name": "X", "last_name": "Y"}),
        lambda: sites.save_site({"name": "X"}),
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
        await contacts.edit_contact(bad)
        await sites.edit_site(bad)
        assert contacts.editing_contact == 0 and sites.editing_site == 0
    await sites.make_default_site(foreign_site)
    assert sites.open_dialogs == []
    await contacts.confirm_remove()  # nothing asked: nothing removed
    await contacts.save_contact({"first_name": "X", "last_name": "Y"})  # nothing opened: nothing saved
    await sites.save_site({"name": "X"})
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


# Editing contacts and sites in place --------------------------------------------------------------


def _movements(db, kind):
    with db() as s:
        return [(m.field, m.before, m.after) for m in s.exec(select(Movement).where(Movement.kind == kind)
                                                            .order_by(Movement.id))]


async def test_a_contact_is_edited_in_its_row_one_movement_per_change(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, contacts = await opened_card(token, acme, ContactsTab)
    anna = contacts.contacts[0]
    await contacts.edit_contact(anna.id)
    assert contacts.editing_contact == anna.id
    assert contacts.contact_values == {"kind": "contact_person", "first_name": "Anna", "last_name": "Neri",
                                       "role": "", "email": "", "phone": ""}
    form = {**contacts.contact_values, "email": "Anna@Acme.IT", "phone": "333 123 4567"}
    await contacts.save_contact(form)
    assert contacts.editing_contact == 0 and contacts.contact_errors == {}
    assert (contacts.contacts[0].email, contacts.contacts[0].phone) == ("anna@acme.it", "333 123 4567")
    assert _movements(app_db, "contact.updated") == [("email", None, "anna@acme.it"),
                                                      ("phone", None, "+393331234567")]
    await contacts.edit_contact(anna.id)  # the phone comes back as the card shows it: saved unchanged, no movement
    assert contacts.contact_values["phone"] == "333 123 4567"
    await contacts.save_contact(dict(contacts.contact_values))
    assert len(_movements(app_db, "contact.updated")) == 2


async def test_a_wrong_contact_edit_keeps_the_form_and_writes_nothing(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, contacts = await opened_card(token, acme, ContactsTab)
    anna = contacts.contacts[0]
    await contacts.edit_contact(anna.id)
    await contacts.save_contact({**contacts.contact_values, "email": "not an e-mail", "last_name": ""})
    assert set(contacts.contact_errors) == {"email", "last_name"}
    assert contacts.editing_contact == anna.id and contacts.contact_values["email"] == "not an e-mail"
    assert _movements(app_db, "contact.updated") == []


async def test_editing_a_contact_removed_meanwhile_is_refused(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, contacts = await opened_card(token, acme, ContactsTab)
    anna = contacts.contacts[0]
    await contacts.edit_contact(anna.id)
    with app_db(write=True) as s:
        customers.remove_contact(session=s, actor=factories.actor(s, Role.ADMIN), customer_id=acme,
                                 contact_id=anna.id)
    result = await contacts.save_contact({**contacts.contact_values, "role": "Titolare"})
    assert "Contatto non trovato" in str(result)
    assert contacts.editing_contact == 0 and contacts.contacts == []
    assert _movements(app_db, "contact.updated") == []
    with app_db() as s:
        assert s.get(Contact, anna.id) is None


async def test_a_site_is_edited_in_its_row(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        office = factories.actor(s, Role.ADMIN)
        site = customers.save_site(session=s, actor=office, customer_id=acme,
                                   raw={"name": "Magazzino", "city": "Milano", "notes": "Citofono 3"}).id
    _, sites = await opened_card(token, acme, SitesTab)
    await sites.edit_site(site)
    assert sites.editing_site == site
    assert sites.site_values["notes"] == "Citofono 3" and sites.site_values["province"] == "MI"
    await sites.save_site({**sites.site_values, "city": "Rome"})
    assert sites.site_errors.get("city") and sites.editing_site == site
    await sites.save_site({**sites.site_values, "name": "Magazzino nord", "city": "Milano", "province": "MI"})
    assert sites.editing_site == 0 and sites.sites[0].name == "Magazzino nord"
    assert _movements(app_db, "site.updated") == [("name", "Magazzino", "Magazzino nord")]
    await sites.edit_site(site)
    with app_db(write=True) as s:
        customers.remove_site(session=s, actor=office, customer_id=acme, site_id=site)
    assert "Sede non trovata" in str(await sites.save_site(dict(sites.site_values)))
    assert sites.editing_site == 0 and sites.sites == []


async def test_a_business_without_sdi_code_or_pec_is_saved_with_a_warning(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, details = await opened_card(token, acme, DetailsTab)
    assert details.warnings == [t("customer.warn.e_invoice", "it")]  # Acme has neither
    await details.start_edit()
    result = await details.save({**details.values, "notes": "Cliente storico"})
    assert "Né codice SDI né PEC" in str(result) and "toast" in str(result)
    with app_db() as s:
        assert s.get(Customer, acme).notes == "Cliente storico"  # a warning, not a refusal
    await details.start_edit()
    result = await details.save({**details.values, "sdi_code": "abc1234"})
    assert details.warnings == [] and "Né codice SDI" not in str(result)
    created = await (await opened_card(token, "new", DetailsTab))[1].save(
        {"kind": "business", "company_name": "Nuova S.r.l.", "vat_number": "01114601006"})
    assert "Né codice SDI né PEC" in str(created) and "/office/customer?id=" in str(created)


async def test_enter_opens_the_first_customer_for_the_text_in_the_box(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    state = state_of(CustomerListState, token)
    await state.load_customers()
    # Typed faster than the list followed: the box already says "acme" while the list still shows "zzz".
    await state.search("zzz")
    assert state.rows == []
    answer = await state.open_first({"q": "acme"})
    assert f"/office/customer?id={acme}" in str(answer.args) and state.query == "acme"
    assert await state.open_first({"q": "nessuno così"}) is None
    assert await state.open_first("not a form") is None


async def test_an_event_sends_again_only_the_session_values_that_changed(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    state = state_of(CustomerListState, token)
    await state.load_customers()
    session_state = state.parent_state
    session_state.dirty_vars.clear()
    await state.search("acme")
    assert not session_state.dirty_vars & {"user_name", "user_role", "can_decide_requests", "can_manage_users"}
