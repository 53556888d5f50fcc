"""Every handler that takes free text, called with the characters some layer refuses: NUL (SQLite's
full-text query and PostgreSQL), U+10FFFF (nothing comes after it for a prefix search) and a lone
surrogate (no UTF-8 for it: the update to the browser would fail and the tab stop hearing from the server).
Each call ends normally, the state still encodes as the browser receives it, and no row keeps them."""

from urllib.parse import quote

import pytest
import reflex as rx
import sqlalchemy as sa
from reflex_base.utils.format import json_dumps
from sqlmodel import SQLModel, select
from starlette.testclient import TestClient

from app.api.routes import api
from app.api.session import SESSION_PATH
from app.domain.permissions import Role
from app.models import Customer, Reminder, Ticket, User
from app.services import customers, outbox, tickets
from app.services.auth import SESSION_COOKIE, actor_of
from app.settings import get_settings
from app.state.accesses import AccessesTab
from app.state.account import AccountState
from app.state.auth import ForgotPasswordState, LoginState, SetPasswordState
from app.state.change_requests import InboxState, MyDataState
from app.state.consents import ConsentTypesState
from app.state.contacts import ContactsTab
from app.state.customer_details import DetailsTab
from app.state.customers import CustomerListState
from app.state.documents import DocumentsTab
from app.state.mail_templates import MailTemplatesState
from app.state.outbox import OutboxState
from app.state.portal_settings import PortalSettingsState
from app.state.reminders import RemindersState
from app.state.session import SessionState
from app.state.sites import SitesTab
from app.state.tickets import OfficeTicketsState, SupportState
from app.state.users import UsersState
from tests import factories
from tests.state.conftest import card_tab, signed_in_token, state_of

HOSTILE = {"nul": "\x00", "last code point": "\U0010ffff", "lone surrogate": "\ud800"}


def _root(state: rx.State) -> rx.State:
    while state.parent_state is not None:
        state = state.parent_state
    return state


def _reaches_the_browser(state: rx.State) -> None:
    """The whole state as Reflex sends it, down to the bytes on the websocket."""
    json_dumps(_root(state).dict()).encode("utf-8")


def _stored_text(db) -> list[str]:
    """Every text value of every table."""
    values = []
    with db() as s:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            if columns:
                values += [v for row in s.execute(sa.select(*columns)) for v in row if isinstance(v, str)]
    return values


@pytest.fixture
def world(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.ADMIN)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
        outbox.enqueue(session=s, dedupe_key="k", to_address="a@example.com", subject="Benvenuto",
                       body_text="x", kind="test")
        customer_id = customer.id
    _, admin = signed_in_token(app_db, Role.ADMIN)
    portal_user, portal = signed_in_token(app_db, Role.CUSTOMER, customer_id=customer_id)
    with app_db(write=True) as s:
        ticket = tickets.open_ticket(session=s, actor=actor_of(s.get(User, portal_user)),
                                     raw={"subject": "Caldaia", "body": "Non parte"})
    return {"customer": customer_id, "admin": admin, "portal": portal, "ticket": ticket.id}


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
async def test_search_boxes(app_db, world, bad):
    for state_class, handler in ((CustomerListState, "search"), (OutboxState, "search_outbox"),
                                 (UsersState, "search_users"), (InboxState, "filter_customer")):
        for text in (bad, f"ac{bad}", f"{bad}acme", f"a{bad}c{bad}m{bad}e"):
            state = state_of(state_class, world["admin"])
            await getattr(state, handler)(text)
            _reaches_the_browser(state)
    state = state_of(CustomerListState, world["admin"])
    await state.search(f"ac{bad}me")
    assert [row.name for row in state.rows] == ["Acme S.r.l."] and state.query == "acme"


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
async def test_office_forms(app_db, world, bad):
    admin, customer_id = world["admin"], world["customer"]

    details = card_tab(DetailsTab, admin, customer_id)
    with app_db() as s:
        details.version = s.get(Customer, customer_id).version
    await details.save({"kind": "business", "company_name": f"Acme{bad} Nuova S.r.l.", "vat_number": "00743110157",
                        "notes": f"riga{bad}\nseconda", f"kind{bad}": "business"})
    _reaches_the_browser(details)
    with app_db() as s:
        assert s.get(Customer, customer_id).company_name == "Acme Nuova S.r.l."

    contacts = card_tab(ContactsTab, admin, customer_id)
    await contacts.add_contact({"first_name": f"Anna{bad}", "last_name": f"{bad}Neri", "email": f"anna{bad}@acme.it"})
    sites = card_tab(SitesTab, admin, customer_id)
    await sites.add_site({"name": f"Magazzino{bad}", "street": f"Via Roma 1{bad}", "notes": bad})
    accesses = card_tab(AccessesTab, admin, customer_id)
    accesses.open_dialogs = ["access"]
    await accesses.save_access({"full_name": f"Mario{bad} Rossi", "email": f"mario{bad}@acme.it", "active": "on"})
    documents = card_tab(DocumentsTab, admin, customer_id)
    await documents.new_document("contract")
    await documents.save_document({"number": f"K{bad}1", "title": f"Manutenzione{bad}", "start_on": "2026-01-01",
                                   "expires_on": "2027-01-01", "notes": f"{bad}note"})
    for tab in (contacts, sites, accesses, documents):
        _reaches_the_browser(tab)

    thread = state_of(OfficeTicketsState, admin)
    await thread.show_ticket(world["ticket"])
    await thread.send_reply({"body": f"Arriviamo{bad} domani"})
    types = state_of(ConsentTypesState, admin)
    await types.new_type()
    await types.save_type({"code": f"promo{bad}", "title": f"Promozioni{bad}", "channel": "email",
                           "body": f"Testo{bad}", "position": "9", "active": "on"})
    templates = state_of(MailTemplatesState, admin)
    await templates.save_template({"subject": f"Invito{bad} {{company}}", "body": f"Ciao{bad} {{name}} {{link}}"})
    profiles = state_of(PortalSettingsState, admin)
    await profiles.new_profile()
    await profiles.save_profile({"code": f"base{bad}", "name": f"Base{bad}"})
    account = state_of(AccountState, admin)
    await account.change_password({"current": f"x{bad}", "password": f"y{bad}", "confirm": bad})
    for state in (thread, types, templates, profiles, account):
        _reaches_the_browser(state)

    assert not [v for v in _stored_text(app_db) if bad in v]


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
async def test_reserved_area_forms(app_db, world, bad):
    portal = world["portal"]
    my_data = state_of(MyDataState, portal)
    await my_data.send_changes({"phone": f"02 765{bad}4321", "company_name": f"Acme{bad} Due"})
    reminders = state_of(RemindersState, portal)
    await reminders.add_reminder({"due_on": f"2026-12-01{bad}", "text": f"Chiamare{bad} il tecnico"})
    support = state_of(SupportState, portal)
    await support.open_new_ticket({"subject": f"Perdita{bad}", "body": f"Gocciola{bad}\nda ieri"})
    await support.show_ticket(world["ticket"])
    await support.send_reply({"body": f"Grazie{bad}"})
    for state in (my_data, reminders, support):
        _reaches_the_browser(state)
    with app_db() as s:
        assert s.exec(select(Reminder.text)).all() == ["Chiamare il tecnico"]
        assert "Perdita" in s.exec(select(Ticket.subject)).all()
    assert not [v for v in _stored_text(app_db) if bad in v]


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
async def test_sign_in_pages_and_the_language_switch(app_db, world, bad):
    with app_db() as s:
        email = s.exec(select(User.email).where(User.role == Role.ADMIN.value)).first()
    # Sent as bytes: a lone surrogate has no UTF-8, and a hostile client need not use a browser's encoder.
    body = "&".join(f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}" for name, value in (
        ("email", f"{email}{bad}"), ("password", f"{factories.PASSWORD}{bad}")))
    signed = TestClient(api).post(SESSION_PATH, content=body, headers={
        "Origin": get_settings().public_base_url, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        bad.encode()
    except UnicodeEncodeError:  # it reaches the route as U+FFFD, a character someone may type: a wrong password
        assert signed.status_code == 401
    else:
        assert signed.status_code == 200 and SESSION_COOKIE in signed.cookies  # dropped, not the sign-in
    login = state_of(LoginState)
    await login.sign_in_refused({"error": f"Errore{bad}"})
    forgot = state_of(ForgotPasswordState)
    await forgot.request_link({"email": f"nessuno{bad}@example.com"})
    set_password = state_of(SetPasswordState)
    await set_password.save_password({"password": f"Nuova{bad}", "confirm": bad})
    language = state_of(SessionState, world["admin"])
    await language.switch_language(f"en{bad}")
    for state in (login, forgot, set_password, language):
        _reaches_the_browser(state)
    assert not [v for v in _stored_text(app_db) if bad in v]
