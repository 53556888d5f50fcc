"""Users page handlers called as the browser could call them: only administrators, checked on the server."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import OutboxMessage, User, UserEvent
from app.state.users import UsersState
from tests import factories
from tests.state.conftest import signed_in_token, state_of

STAFF = {"full_name": "Dora Neri", "email": "dora@example.com", "role": "office", "language": "it"}


@pytest.mark.parametrize("role", [Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN, None])
async def test_only_administrators_create_change_and_reset(app_db, role):
    token = signed_in_token(app_db, role)[1] if role else ""
    with app_db(write=True) as s:
        target = factories.user(s, Role.TECHNICIAN)
    state = state_of(UsersState, token)
    state.open_dialogs = ["staff"]
    state.user_rows = []  # whatever the browser claims to have on screen
    expected = NotSignedIn if role is None else Forbidden
    for call in (state.new_user, lambda: state.save_user(STAFF), lambda: state.change_role(target.id, "admin"),
                 lambda: state.send_reset(target.id)):
        with pytest.raises(expected):
            await call()
    with app_db() as s:
        assert s.exec(select(User).where(User.email == "dora@example.com")).first() is None
        assert s.get(User, target.id).role == "technician"
        assert s.exec(select(OutboxMessage)).first() is None
        assert s.exec(select(UserEvent)).first() is None


async def test_admin_creates_a_staff_user_and_bad_fields_get_their_message(app_db):
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = state_of(UsersState, token)
    await state.load_users()
    await state.save_user(STAFF)  # the dialog was never opened: nothing happens
    await state.new_user()
    await state.save_user({**STAFF, "email": "nope", "role": "customer"})
    assert set(state.staff_errors) == {"email", "role"}
    assert state.open_dialogs == ["staff"]
    with app_db() as s:
        assert s.exec(select(User).where(User.email == "dora@example.com")).first() is None
    await state.save_user(STAFF)
    assert state.staff_errors == {} and state.open_dialogs == []
    with app_db() as s:
        assert s.exec(select(User).where(User.email == "dora@example.com")).one().role == "office"
        assert s.exec(select(OutboxMessage)).one().to_address == "dora@example.com"
    assert [e.user_name for e in state.event_rows] == ["Dora Neri"]
    assert "Dora Neri" in [r.full_name for r in state.user_rows]


async def test_admin_changes_a_role_never_their_own_and_sends_a_reset(app_db):
    admin_id, token = signed_in_token(app_db, Role.ADMIN)
    with app_db(write=True) as s:
        target = factories.user(s, Role.TECHNICIAN)
    state = state_of(UsersState, token)
    await state.load_users()
    await state.change_role(admin_id, "office")
    await state.change_role(target.id, "root")
    await state.change_role(target.id, "credit_manager")
    await state.send_reset(target.id)
    await state.send_reset("1 OR 1=1")
    with app_db() as s:
        assert s.get(User, admin_id).role == "admin"
        assert s.get(User, target.id).role == "credit_manager"
        assert s.exec(select(OutboxMessage)).one().to_address == target.email
    assert [e.what for e in state.event_rows] == ["Link per reimpostare la password inviato",
                                                  "Ruolo: da Tecnico a Responsabile crediti"]
