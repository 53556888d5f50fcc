"""The office home's work queues: what waits for this person, counted."""

from app.domain.permissions import Role
from app.services import customers, portal_accesses, tickets
from app.services.auth import actor_of
from app.state.home import OfficeHomeState
from tests import factories
from tests.state.conftest import signed_in_token, state_of


async def test_the_office_home_counts_the_open_support_requests(app_db):
    from app.models import User

    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}).id
        access = portal_accesses.save_access(session=s, actor=office, customer_id=acme, raw={
            "full_name": "Anna", "email": "anna@example.com", "active": "on", "visibility": "company"})
        client = actor_of(s.get(User, access.user_id))
        for subject in ("Caldaia", "Fattura"):
            tickets.open_ticket(session=s, actor=client, raw={"subject": subject, "body": "x"})
        answered = tickets.open_ticket(session=s, actor=client, raw={"subject": "Risposta", "body": "x"})
        tickets.reply(session=s, actor=office, ticket_id=answered.id, body="Fatto.")
    _, token = signed_in_token(app_db, Role.OFFICE)
    home = state_of(OfficeHomeState, token)
    await home.load_home()
    assert home.stat_open_tickets == 2 and home.can_answer_tickets
