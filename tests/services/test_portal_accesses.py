from datetime import timedelta

import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import AuthSession, Movement, OutboxMessage, User
from app.models.base import utcnow
from app.services import auth, customers, outbox, portal_accesses
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
ANNA = {"full_name": "Anna Neri", "email": "Anna@Acme.it", "language": "it", "active": "on",
        "receives_reminders": "on", "visibility": "company"}
NEW_PASSWORD = "Girasole-Blu-2026!"


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Beta",
                                                                        "vat_number": "01114601006"})
        return {"office": office, "acme": acme.id, "beta": beta.id}


def add(db, world, raw=ANNA, customer="acme", user_id=None, actor=None):
    with db(write=True) as s:
        return portal_accesses.save_access(session=s, actor=actor or world["office"], customer_id=world[customer],
                                           raw=raw, user_id=user_id)


def invitation_link(db) -> str:
    with db() as s:
        message = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")
                         .order_by(OutboxMessage.id.desc())).first()
    return outbox.delivered_body(message).split("token=")[1].split()[0]


def test_turning_access_on_sends_a_single_use_invitation(db, world):
    saved = add(db, world)
    assert saved.invited and saved.email == "anna@acme.it"
    token = invitation_link(db)
    with db() as s:
        [row] = portal_accesses.list_accesses(session=s, actor=world["office"], customer_id=world["acme"])
        user = s.get(User, saved.user_id)
    assert (row.invitation, row.visibility, row.receives_reminders, row.may_see_contracts) == (
        "sent", "company", True, False)
    assert user.role == "customer" and user.customer_id == world["acme"] and user.password_hash is None
    with db(write=True) as s:
        auth.set_password_with_token(session=s, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    with pytest.raises(DomainError), db(write=True) as s:  # single use
        auth.set_password_with_token(session=s, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert auth.authenticate(sessions=db, email="anna@acme.it", password=NEW_PASSWORD).actor.customer_id == \
        world["acme"]
    with db() as s:
        [row] = portal_accesses.list_accesses(session=s, actor=world["office"], customer_id=world["acme"])
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.customer_id == world["acme"]))]
    assert row.invitation == "accepted" and "access.added" in kinds


def test_the_invitation_expires_after_72_hours(db, world):
    add(db, world)
    token = invitation_link(db)
    later = utcnow() + timedelta(hours=72, minutes=1)
    with pytest.raises(DomainError), db(write=True) as s:
        auth.set_password_with_token(session=s, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD, now=later)
    with db() as s:
        [row] = portal_accesses.list_accesses(session=s, actor=world["office"], customer_id=world["acme"], now=later)
    assert row.invitation == "expired"


def test_resending_voids_the_previous_link(db, world):
    saved = add(db, world)
    first = invitation_link(db)
    with db(write=True) as s:
        portal_accesses.resend_invitation(session=s, actor=world["office"], customer_id=world["acme"],
                                          user_id=saved.user_id)
    second = invitation_link(db)
    assert first != second
    with db() as s:
        assert auth.check_password_token(session=s, token=first) is None
        assert auth.check_password_token(session=s, token=second) == "anna@acme.it"


def test_turning_access_off_ends_the_users_sessions_at_once(db, world):
    saved = add(db, world)
    with db(write=True) as s:
        auth.set_password_with_token(session=s, token=invitation_link(db), password=NEW_PASSWORD,
                                     confirm=NEW_PASSWORD)
    signed_in = auth.authenticate(sessions=db, email="anna@acme.it", password=NEW_PASSWORD)
    add(db, world, raw={**ANNA, "active": ""}, user_id=saved.user_id)
    with db() as s:
        assert auth.resolve_session(session=s, token=signed_in.token) is None
        assert s.exec(select(AuthSession).where(AuthSession.user_id == saved.user_id)).one().end_reason == \
            "access_off"
        changes = s.exec(select(Movement).where(Movement.kind == "access.updated")).all()
    assert [(m.field, m.before, m.after) for m in changes] == [("access.active", "True", "False")]
    with pytest.raises(DomainError):
        auth.authenticate(sessions=db, email="anna@acme.it", password=NEW_PASSWORD)


def test_bad_input_and_foreign_records_are_refused(db, world):
    with pytest.raises(DomainError) as err:
        add(db, world, raw={**ANNA, "email": "nope", "full_name": "", "visibility": "all", "language": "fr"})
    assert set(err.value.errors) == {"email", "full_name", "visibility", "language"}
    saved = add(db, world)
    with pytest.raises(DomainError) as err:
        add(db, world, raw={**ANNA, "full_name": "Altra Anna"}, customer="beta")
    assert err.value.errors == {"email": "users.email_taken"}
    with pytest.raises(DomainError):  # Anna belongs to Acme, not to Beta
        add(db, world, raw=ANNA, customer="beta", user_id=saved.user_id)
    with db(write=True) as s:
        client = factories.actor(s, Role.CUSTOMER, customer_id=world["acme"])
        credit = factories.actor(s, Role.CREDIT_MANAGER)
    for actor in (client, credit):
        with pytest.raises(Forbidden):
            add(db, world, raw={**ANNA, "email": "x@acme.it"}, actor=actor)
    with db() as s, pytest.raises(Forbidden):
        portal_accesses.list_accesses(session=s, actor=client, customer_id=world["beta"])
