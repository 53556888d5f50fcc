"""Consent handlers called as the browser could call them: wrong people, foreign and malformed keys."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import ConsentEvent, ConsentType
from app.services import consents, customers, users
from app.state.consents import CardConsentsState, ConsentTypesState, PortalConsentsState, parse_consent_key
from app.state.contacts import ContactsTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token, state_of

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "email": "info@acme.it"}


@pytest.fixture
def world(app_db):
    with app_db(write=True) as s:
        consents.ensure_default_types(s)
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006", "email": "info@beta.it"})
        foreign = customers.save_contact(session=s, actor=office, customer_id=beta.id,
                                         raw={"first_name": "Bea", "last_name": "Bo", "email": "bea@beta.it"})
        types = {t.code: t.id for t in s.exec(select(ConsentType))}
        return {"acme": acme.id, "beta": beta.id, "foreign": foreign.id, "types": types}


def _events(db):
    with db() as s:
        return len(s.exec(select(ConsentEvent)).all())


def test_keys_are_parsed_strictly():
    assert parse_consent_key("0:5") == (None, 5)
    assert parse_consent_key("7:5") == (7, 5)
    for bad in ("5", "a:b", "0:0", "-1:5", "1:2:3", None, 5, ["0:5"], "0: 5", "01234567890:1"):
        assert parse_consent_key(bad) is None


async def test_foreign_and_malformed_keys_record_nothing(app_db, world):
    _, token = signed_in_token(app_db, Role.OFFICE)
    card = card_tab(CardConsentsState, token, world["acme"])
    newsletter = world["types"]["newsletter"]
    for key, state in ((f"{world['foreign']}:{newsletter}", "granted"), ("x", "granted"), ("0:999999", "granted"),
                       (f"0:{newsletter}", "maybe"), (f"0:{newsletter}", ["granted"]), (None, None)):
        await card.set_consent(key, state)
    assert _events(app_db) == 0
    await card.set_consent(f"0:{newsletter}", "granted")
    assert _events(app_db) == 1


@pytest.mark.parametrize("role", [Role.CREDIT_MANAGER, Role.TECHNICIAN, Role.CUSTOMER, None])
async def test_recording_on_the_card_needs_the_right(app_db, world, role):
    kw = {"customer_id": world["acme"]} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    card = card_tab(CardConsentsState, token, world["acme"])
    card._history_key = (None, world["types"]["trattamento_dati"])
    card.open_dialogs = ["history"]
    expected = NotSignedIn if role is None else Forbidden
    for call in (lambda: card.set_consent(f"0:{world['types']['profilazione']}", "granted"), card.record_signature):
        with pytest.raises(expected):
            await call()
    assert _events(app_db) == 0


async def test_customer_users_answer_only_for_themselves(app_db, world):
    _, token = signed_in_token(app_db, Role.CUSTOMER, customer_id=world["acme"])
    portal = state_of(PortalConsentsState, token)
    await portal.load_portal_consents()
    assert [s.name for s in portal.subjects] == ["Acme S.r.l."]
    newsletter = world["types"]["newsletter"]
    await portal.answer(f"{world['foreign']}:{newsletter}", True)  # Beta's contact
    await portal.answer(f"0:{newsletter}", "yes")
    assert _events(app_db) == 0
    await portal.answer(f"0:{newsletter}", True)
    with app_db() as s:
        [event] = s.exec(select(ConsentEvent)).all()
    assert (event.customer_id, event.source, event.state) == (world["acme"], "portal", "granted")


async def test_consent_types_are_for_administrators(app_db, world):
    _, token = signed_in_token(app_db, Role.OFFICE)
    types = state_of(ConsentTypesState, token)
    with pytest.raises(Forbidden):
        await types.save_type({"code": "nuovo", "title": "Nuovo", "body": "Testo"})
    with pytest.raises(Forbidden):
        await types.show_reconsent(world["types"]["newsletter"])


async def test_a_credit_manager_given_the_right_records_consents(app_db, world):
    user_id, token = signed_in_token(app_db, Role.CREDIT_MANAGER)
    with app_db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        users.set_grant(session=s, actor=admin, user_id=user_id, perm="consents.record", granted=True)
    card = card_tab(CardConsentsState, token, world["acme"])
    await card.set_consent(f"0:{world['types']['profilazione']}", "granted")
    assert _events(app_db) == 1


async def test_a_consent_refused_for_a_missing_email_opens_that_contacts_form_at_the_field(app_db, world):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        luca = customers.save_contact(session=s, actor=office, customer_id=world["acme"],
                                      raw={"first_name": "Luca", "last_name": "Bianchi", "kind": "family_member"}).id
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, contacts, card = await opened_card(token, world["acme"], ContactsTab, CardConsentsState)
    result = await card.set_consent(f"{luca}:{world['types']['newsletter']}", "granted")
    assert _events(app_db) == 0
    [follow] = [e for e in result if getattr(getattr(e, "handler", None), "fn", None) is not None
                and e.handler.fn.__name__ == "fill_for_consent"]
    assert str(luca) in str(follow.args) and "consents.err.needs_email" in str(follow.args)
    focus = await contacts.fill_for_consent(luca, "consents.err.needs_email")
    assert contacts.editing_contact == luca and "[name=email]" in str(focus)
    assert "compila prima il campo E-mail" in contacts.contact_errors["email"]
    await contacts.save_contact({**contacts.contact_values, "email": "luca@bianchi.it"})
    await card.set_consent(f"{luca}:{world['types']['newsletter']}", "granted")
    assert _events(app_db) == 1
    for key in ("consents.err.needs_address", "form.err.required", ["x"]):  # no contact field gives these
        contacts.editing_contact = 0
        await contacts.fill_for_consent(luca, key)
        assert contacts.editing_contact == 0


async def test_without_the_right_to_edit_a_refused_consent_opens_no_form(app_db, world):
    user_id, token = signed_in_token(app_db, Role.CREDIT_MANAGER)
    with app_db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        users.set_grant(session=s, actor=admin, user_id=user_id, perm="consents.record", granted=True)
        luca = customers.save_contact(session=s, actor=admin, customer_id=world["acme"],
                                      raw={"first_name": "Luca", "last_name": "Bianchi"}).id
    card = card_tab(CardConsentsState, token, world["acme"])
    result = await card.set_consent(f"{luca}:{world['types']['newsletter']}", "granted")
    assert "fill_for_consent" not in str(result) and "E-mail" in str(result)
