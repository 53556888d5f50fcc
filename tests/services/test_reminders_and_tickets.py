import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import Customer, Movement, OutboxMessage, TicketMessage, User
from app.models.base import utcnow
from app.services import customers, portal_accesses, reminders, tickets
from app.services.auth import actor_of
from app.settings import get_settings
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Beta",
                                                                        "vat_number": "01114601006"})
        people = {}
        for name, customer, visibility in (("anna", acme, "company"), ("ugo", acme, "own"), ("bea", beta, "company")):
            saved = portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={
                "full_name": name.title(), "email": f"{name}@example.com", "active": "on", "visibility": visibility})
            people[name] = actor_of(s.get(User, saved.user_id))
        return {"office": office, "admin": admin, "acme": acme.id, "beta": beta.id, **people}


def test_reminders_are_each_users_own(db, world):
    today = date(2026, 11, 28)
    with db(write=True) as s:
        mine = reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-12-01", "text": "Caldaia"},
                                       today=today)
    with db(write=True) as s:
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-11-30", "text": "Fattura"},
                                today=today)
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-12-02", "text": "Nuovo"},
                                reminder_id=mine.id, today=today)
    with db() as s:
        assert [(r.due_on, r.text) for r in reminders.list_reminders(session=s, actor=world["anna"])] == [
            (date(2026, 11, 30), "Fattura"), (date(2026, 12, 2), "Nuovo")]
        assert reminders.list_reminders(session=s, actor=world["ugo"]) == []  # same company, still not his
    for other in ("ugo", "bea"):
        with db(write=True) as s, pytest.raises(DomainError):
            reminders.save_reminder(session=s, actor=world[other], raw={"due_on": "2026-12-01", "text": "X"},
                                    reminder_id=mine.id, today=today)
        with db(write=True) as s, pytest.raises(DomainError):
            reminders.delete_reminder(session=s, actor=world[other], reminder_id=mine.id)
    with db(write=True) as s, pytest.raises(DomainError) as err:
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "31/02/2026", "text": ""}, today=today)
    assert set(err.value.errors) == {"due_on", "text"}
    with db(write=True) as s:
        reminders.delete_reminder(session=s, actor=world["anna"], reminder_id=mine.id)
    with db() as s:
        assert len(reminders.list_reminders(session=s, actor=world["anna"])) == 1


def test_a_reminder_is_for_today_or_later_and_a_passed_one_keeps_its_day(db, world):
    with db(write=True) as s, pytest.raises(DomainError) as err:
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-11-27", "text": "Ieri"},
                                today=date(2026, 11, 28))
    assert err.value.errors == {"due_on": "reminders.err.past"}
    with db(write=True) as s:
        due = reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-11-28", "text": "Oggi"},
                                      today=date(2026, 11, 28))
    later = date(2026, 12, 5)  # the day has passed: the text can still change, the day stays or moves ahead
    with db(write=True) as s:
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-11-28", "text": "Oggi!"},
                                reminder_id=due.id, today=later)
    with db(write=True) as s, pytest.raises(DomainError) as err:
        reminders.save_reminder(session=s, actor=world["anna"], raw={"due_on": "2026-11-29", "text": "Oggi!"},
                                reminder_id=due.id, today=later)
    assert err.value.errors == {"due_on": "reminders.err.past"}
    with db() as s:
        assert [(r.due_on, r.text) for r in reminders.list_reminders(session=s, actor=world["anna"])] == [
            (date(2026, 11, 28), "Oggi!")]


def test_a_request_goes_to_the_configured_staff_user_who_gets_an_email(db, world):
    with db(write=True) as s:
        tickets.set_ticket_assignee(session=s, actor=world["admin"], user_id=world["office"].user_id)
        ticket = tickets.open_ticket(session=s, actor=world["ugo"], raw={"subject": "Caldaia rumorosa",
                                                                       "body": "Fa un rumore strano."})
    with db() as s:
        [mail] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "ticket")).all()
        office = s.get(User, world["office"].user_id)
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.customer_id == world["acme"]))]
    assert ticket.assigned_user_id == office.id and mail.to_address == office.email
    assert "Caldaia rumorosa" in mail.body_text and "ticket.opened" in kinds


def test_visibility_decides_whose_requests_a_user_sees(db, world):
    with db(write=True) as s:
        anna_ticket = tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "A", "body": "a"})
        ugo_ticket = tickets.open_ticket(session=s, actor=world["ugo"], raw={"subject": "U", "body": "u"})
        tickets.open_ticket(session=s, actor=world["bea"], raw={"subject": "B", "body": "b"})
    with db() as s:
        seen = {who: {r.subject for r in tickets.list_tickets(session=s, actor=world[who]).rows}
                for who in ("anna", "ugo", "bea", "office")}
    assert seen == {"anna": {"A", "U"}, "ugo": {"U"}, "bea": {"B"}, "office": {"A", "U", "B"}}
    for who, ticket_id in (("ugo", anna_ticket.id), ("bea", ugo_ticket.id), ("anna", 999_999), ("anna", "1")):
        with db() as s, pytest.raises(DomainError):
            tickets.thread(session=s, actor=world[who], ticket_id=ticket_id)
        with db(write=True) as s, pytest.raises(DomainError):
            tickets.reply(session=s, actor=world[who], ticket_id=ticket_id, body="intrusione")


def test_the_office_answers_and_the_customer_is_told_unless_emails_are_blocked(db, world):
    with db(write=True) as s:
        ticket = tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "S", "body": "b"})
    with db(write=True) as s:
        tickets.reply(session=s, actor=world["office"], ticket_id=ticket.id, body="Arriviamo domani.")
    with db() as s:
        answers = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "anna@example.com", OutboxMessage.kind == "ticket")).all()
        assert len(answers) == 1 and "Arriviamo domani." in answers[0].body_text
        assert tickets.thread(session=s, actor=world["anna"], ticket_id=ticket.id).ticket.status == "answered"
    with db(write=True) as s:
        s.get(Customer, world["acme"]).block_automatic_emails = True
        tickets.reply(session=s, actor=world["office"], ticket_id=ticket.id, body="Secondo messaggio.")
    with db() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "anna@example.com", OutboxMessage.kind == "ticket")).all()) == 1
    with db(write=True) as s:  # a colleague who sees the request did not open it, so may not close it
        ugo_ticket = tickets.open_ticket(session=s, actor=world["ugo"], raw={"subject": "U2", "body": "b"})
    with db(write=True) as s, pytest.raises(Forbidden):
        tickets.close_ticket(session=s, actor=world["anna"], ticket_id=ugo_ticket.id)
    with db() as s:
        assert tickets.thread(session=s, actor=world["anna"], ticket_id=ticket.id).can_close
        assert not tickets.thread(session=s, actor=world["anna"], ticket_id=ugo_ticket.id).can_close
    with db(write=True) as s:  # the customer closes their own request
        tickets.close_ticket(session=s, actor=world["anna"], ticket_id=ticket.id)
        tickets.close_ticket(session=s, actor=world["office"], ticket_id=ugo_ticket.id)
    with db(write=True) as s, pytest.raises(DomainError) as closed:
        tickets.close_ticket(session=s, actor=world["office"], ticket_id=ticket.id)
    assert closed.value.message_key == "tickets.already_closed"
    with db(write=True) as s, pytest.raises(DomainError):
        tickets.reply(session=s, actor=world["anna"], ticket_id=ticket.id, body="ancora")
    with db() as s:
        sources = s.exec(select(Movement.source).where(Movement.kind == "ticket.closed").order_by(Movement.id)).all()
    assert sources == ["portal", "office"]


def test_assignee_must_be_active_staff_and_set_by_an_administrator(db, world):
    with db(write=True) as s, pytest.raises(Forbidden):
        tickets.set_ticket_assignee(session=s, actor=world["office"], user_id=world["office"].user_id)
    with db(write=True) as s, pytest.raises(DomainError):
        tickets.set_ticket_assignee(session=s, actor=world["admin"], user_id=world["anna"].user_id)
    with db() as s:  # nobody chosen: the first administrator
        assert tickets.ticket_assignee(s).id == world["admin"].user_id


def test_a_customer_user_may_e_mail_staff_only_so_often_per_hour(db, world, monkeypatch):
    """Each request and each reply is e-mailed to staff: past the hour's allowance the next one is refused
    with the minutes to wait, staff answers are never counted, and an hour later the user may write again."""
    monkeypatch.setattr("app.services.mail_rate.get_settings",
                        lambda: dataclasses.replace(get_settings(), portal_mail_per_hour=3))
    with db(write=True) as s:
        tickets.set_ticket_assignee(session=s, actor=world["admin"], user_id=world["office"].user_id)
        first = tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "Uno", "body": "a"}).id
        tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "Due", "body": "b"})
        tickets.reply(session=s, actor=world["office"], ticket_id=first, body="Risposta")  # staff: not counted
        tickets.reply(session=s, actor=world["anna"], ticket_id=first, body="Grazie")
    for attempt in (lambda s: tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "Tre", "body": "c"}),
                    lambda s: tickets.reply(session=s, actor=world["anna"], ticket_id=first, body="Ancora")):
        with db(write=True) as s, pytest.raises(DomainError) as refused:
            attempt(s)
        assert refused.value.errors == {"": "limits.mail_per_hour"}
        assert refused.value.params["limit"] == 3 and 59 <= refused.value.params["count"] <= 60
    with db() as s:
        office_address = s.get(User, world["office"].user_id).email
        staff_mails = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == office_address,
                                                         OutboxMessage.kind == "ticket")).all()
    assert len(staff_mails) == 3
    with db(write=True) as s:  # a colleague has an allowance of their own
        tickets.open_ticket(session=s, actor=world["ugo"], raw={"subject": "Ugo", "body": "u"})
        tickets.reply(session=s, actor=world["office"], ticket_id=first, body="Ancora noi")
    with db(write=True) as s:  # an hour later
        s.execute(update(TicketMessage).where(TicketMessage.author_user_id == world["anna"].user_id)
                  .values(created_at=utcnow() - timedelta(minutes=61)))
    with db(write=True) as s:
        tickets.open_ticket(session=s, actor=world["anna"], raw={"subject": "Tre", "body": "c"})
