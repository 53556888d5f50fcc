import pytest

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Perm, Role, has_perm
from app.models import User
from app.services import auth, users
from app.services.auth import actor_of
from tests import factories
from tests.factories import PASSWORD


def test_disabling_a_user_ends_their_sessions(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        victim = factories.user(s, Role.CUSTOMER)
    signed = auth.authenticate(sessions=db, email=victim.email, password=PASSWORD)
    with db(write=True) as s:
        users.set_active(session=s, actor=admin, user_id=victim.id, active=False)
    with db(write=True) as s:
        assert auth.resolve_session(session=s, token=signed.token) is None


def test_only_admin_disables_and_never_themselves(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        office = factories.actor(s, Role.OFFICE)
        target = factories.user(s, Role.TECHNICIAN)
    with pytest.raises(Forbidden), db(write=True) as s:
        users.set_active(session=s, actor=office, user_id=target.id, active=False)
    with pytest.raises(DomainError) as err, db(write=True) as s:
        users.set_active(session=s, actor=admin, user_id=admin.user_id, active=False)
    assert err.value.message_key == "users.self"


def test_customer_user_needs_a_customer_and_staff_none(db):
    with pytest.raises(DomainError), db(write=True) as s:
        users.create_user(session=s, email="c@example.com", full_name="C", role=Role.CUSTOMER, password=PASSWORD)
    with pytest.raises(DomainError), db(write=True) as s:
        customer = factories.customer(s)
        users.create_user(session=s, email="o@example.com", full_name="O", role=Role.OFFICE, password=PASSWORD,
                          customer_id=customer.id)


def test_user_list_is_keyset_paginated_by_name(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        for _ in range(4):
            factories.user(s, Role.OFFICE)
    with db() as s:
        pages = factories.all_pages(lambda after: users.list_users(session=s, actor=admin, after=after, limit=2))
    seen = [r.id for p in pages for r in p.rows]
    assert len(seen) == len(set(seen)) == 5


def test_language_is_saved_per_user(db):
    with db(write=True) as s:
        actor = factories.actor(s, Role.TECHNICIAN)
    with db(write=True) as s:
        users.set_language(session=s, actor=actor, language="en")
    with db(write=True) as s:
        assert auth.resolve_session  # the next sign-in reads it from the user row
        from app.models import User
        assert s.get(User, actor.user_id).language == "en"
    with pytest.raises(DomainError), db(write=True) as s:
        users.set_language(session=s, actor=actor, language="xx")


def test_paging_users_with_accented_capitals_loses_nobody(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        for name in ("ÉLISA ROSSI", "Élia Bianchi", "elena verdi", "Zoe Neri", "ÀNGELO Blu", "angelo blu"):
            factories.user(s, Role.OFFICE).full_name = name
    with db() as s:
        pages = factories.all_pages(lambda after: users.list_users(session=s, actor=admin, after=after, limit=2))
    seen = [r.id for p in pages for r in p.rows]
    assert len(seen) == len(set(seen)) == 7


def test_the_right_to_record_consents_can_be_given_to_one_staff_user(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        credit = factories.user(s, Role.CREDIT_MANAGER)
        client = factories.user(s, Role.CUSTOMER)
        assert not has_perm(actor_of(credit), Perm.CONSENTS_RECORD)
        users.set_grant(session=s, actor=admin, user_id=credit.id, perm="consents.record", granted=True)
        assert has_perm(actor_of(s.get(User, credit.id)), Perm.CONSENTS_RECORD)
        for perm, user_id in (("users.manage", credit.id), ("consents.record", client.id)):
            with pytest.raises(DomainError):
                users.set_grant(session=s, actor=admin, user_id=user_id, perm=perm, granted=True)
        with pytest.raises(Forbidden):
            users.set_grant(session=s, actor=actor_of(credit), user_id=credit.id, perm="consents.record",
                            granted=True)
        users.set_grant(session=s, actor=admin, user_id=credit.id, perm="consents.record", granted=False)
        assert not has_perm(actor_of(s.get(User, credit.id)), Perm.CONSENTS_RECORD)


def test_a_technician_cannot_be_given_the_right_to_record_consents(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        technician = factories.user(s, Role.TECHNICIAN)
        with pytest.raises(DomainError) as refused:
            users.set_grant(session=s, actor=admin, user_id=technician.id, perm="consents.record", granted=True)
        assert refused.value.message_key == "users.grant_not_for_role"
        technician.grants = "consents.record"  # given before the rule: it grants nothing
        s.add(technician)
        s.flush()
        assert not has_perm(actor_of(s.get(User, technician.id)), Perm.CONSENTS_RECORD)
        users.set_grant(session=s, actor=admin, user_id=technician.id, perm="consents.record", granted=False)
        rows = {r.id: r for r in users.list_users(session=s, actor=admin).rows}
    assert (rows[technician.id].consents_grantable, rows[technician.id].records_consents) == (False, False)
    assert rows[admin.user_id].consents_grantable is False  # an administrator has it by role

