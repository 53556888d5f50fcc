import pytest
from sqlmodel import select as sa_select

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



def _staff(**kw):
    return {"full_name": "Dora Neri", "email": "dora@example.com", "role": "office", "language": "it", **kw}


def test_admin_invites_a_staff_user_by_email_through_the_outbox(db):
    from app.models import OutboxMessage, UserEvent
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        user = users.invite_staff(session=s, actor=admin, raw=_staff(email="Dora@Example.com"))
        user_id = user.id
    with db() as s:
        created = s.get(User, user_id)
        assert (created.email, created.role, created.password_hash, created.is_active) == \
            ("dora@example.com", "office", None, True)
        mail = s.exec(sa_select(OutboxMessage)).one()
        assert mail.to_address == "dora@example.com" and mail.kind == "invitation" and mail.link_token
        assert "{link}" not in mail.body_text
        event = s.exec(sa_select(UserEvent)).one()
        assert (event.kind, event.after, event.actor_user_id) == ("created", "office", admin.user_id)
    token = mail.link_token
    with db(write=True) as s:  # the link sets the password, as for the reserved area
        auth.set_password_with_token(session=s, token=token, password=PASSWORD + "x", confirm=PASSWORD + "x")
    assert auth.authenticate(sessions=db, email="dora@example.com", password=PASSWORD + "x").token


@pytest.mark.parametrize("raw,field", [
    (_staff(full_name=" "), "full_name"), (_staff(email="not-an-email"), "email"), (_staff(email=""), "email"),
    (_staff(role="customer"), "role"), (_staff(role="root"), "role"), (_staff(language="xx"), "language"),
])
def test_a_bad_staff_form_writes_nothing(db, raw, field):
    from app.models import OutboxMessage
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
    with pytest.raises(DomainError) as err, db(write=True) as s:
        users.invite_staff(session=s, actor=admin, raw=raw)
    assert field in err.value.errors
    with db() as s:
        assert s.exec(sa_select(User).where(User.email == "dora@example.com")).first() is None
        assert s.exec(sa_select(OutboxMessage)).first() is None


def test_a_taken_address_is_refused_next_to_the_field(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        other = factories.user(s, Role.TECHNICIAN)
    with pytest.raises(DomainError) as err, db(write=True) as s:
        users.invite_staff(session=s, actor=admin, raw=_staff(email=other.email.upper()))
    assert err.value.errors == {"email": "users.email_taken"}


def test_only_administrators_manage_staff(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        target = factories.user(s, Role.TECHNICIAN)
    for call in (
        lambda s: users.invite_staff(session=s, actor=office, raw=_staff()),
        lambda s: users.set_role(session=s, actor=office, user_id=target.id, role="admin"),
        lambda s: users.send_password_reset(session=s, actor=office, user_id=target.id),
        lambda s: users.list_user_events(session=s, actor=office),
    ):
        with pytest.raises(Forbidden), db(write=True) as s:
            call(s)
    with db() as s:
        assert s.get(User, target.id).role == "technician"


def test_role_changes_are_logged_and_end_the_sessions(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        target = factories.user(s, Role.TECHNICIAN)
    signed = auth.authenticate(sessions=db, email=target.email, password=PASSWORD)
    with db(write=True) as s:
        users.set_role(session=s, actor=admin, user_id=target.id, role="credit_manager")
    with db(write=True) as s:
        assert s.get(User, target.id).role == "credit_manager"
        assert auth.resolve_session(session=s, token=signed.token) is None
        events = users.list_user_events(session=s, actor=admin)
    assert [(e.kind, e.before, e.after, e.user_name) for e in events] == \
        [("role", "technician", "credit_manager", target.full_name)]


def test_no_one_changes_their_own_role_and_the_last_administrator_stays(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        customer_user = factories.user(s, Role.CUSTOMER, customer_id=factories.customer(s).id)
    with pytest.raises(DomainError) as err, db(write=True) as s:
        users.set_role(session=s, actor=admin, user_id=admin.user_id, role="office")
    assert err.value.message_key == "users.err.own_role"
    with pytest.raises(DomainError), db(write=True) as s:  # a customer user has no staff role
        users.set_role(session=s, actor=admin, user_id=customer_user.id, role="office")
    # Another administrator, acting on the only active one: refused both ways.
    with db(write=True) as s:
        second = factories.actor(s, Role.ADMIN)
        users.set_active(session=s, actor=second, user_id=admin.user_id, active=False)
    for call in (lambda s: users.set_role(session=s, actor=admin, user_id=second.user_id, role="office"),
                 lambda s: users.set_active(session=s, actor=admin, user_id=second.user_id, active=False)):
        with pytest.raises(DomainError) as err, db(write=True) as s:
            call(s)
        assert err.value.message_key == "users.last_admin"
    with db() as s:
        assert s.get(User, second.user_id).role == "admin" and s.get(User, second.user_id).is_active


def test_password_reset_sent_by_an_administrator(db):
    from app.models import OutboxMessage
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        target = factories.user(s, Role.OFFICE)
        users.send_password_reset(session=s, actor=admin, user_id=target.id)
    with db() as s:
        mail = s.exec(sa_select(OutboxMessage)).one()
        assert (mail.to_address, mail.kind) == (target.email, "password_reset")
        assert [e.kind for e in users.list_user_events(session=s, actor=admin)] == ["reset_sent"]
    with db(write=True) as s:
        users.set_active(session=s, actor=admin, user_id=target.id, active=False)
    with pytest.raises(DomainError), db(write=True) as s:
        users.send_password_reset(session=s, actor=admin, user_id=target.id)
    with db() as s:
        assert [e.kind for e in users.list_user_events(session=s, actor=admin)] == ["disabled", "reset_sent"]
