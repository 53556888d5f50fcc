"""Handlers re-check on the server who is asking: the browser can call any of them with anything."""

import inspect

import pytest
import reflex as rx
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import AuthSession, OutboxMessage, User
from app.services import outbox
from app.state.office import OfficeHomeState, OutboxState, UsersState
from app.state.session import SessionState
from tests.state.conftest import signed_in_token, state_of

# The calls that resolve the signed-in user and check what they may do.
GUARDS = ("self._authorize(", "self._enter(", "self._authorize_module(", "self._enter_module(")


def _all_states(state_class):
    yield state_class
    for substate in state_class.get_substates():
        yield from _all_states(substate)


def _app_handlers():
    for state_class in _all_states(SessionState):
        for name, handler in state_class.event_handlers.items():
            fn = handler.fn
            if fn.__module__.startswith("app.") and fn.__qualname__.startswith(state_class.__name__ + "."):
                yield state_class, name, fn


def test_every_handler_checks_who_is_asking_or_is_explicitly_public():
    handlers = list(_app_handlers())
    assert len(handlers) > 15
    unguarded = [
        f"{cls.__name__}.{name}"
        for cls, name, fn in handlers
        if not getattr(fn, "_public_handler", False)
        and not any(guard in inspect.getsource(fn) for guard in GUARDS)
    ]
    assert unguarded == []


def test_no_state_replaces_the_guards():
    """A state redefining one of these would silently change what every one of its handlers checks."""
    guards = {"_show", "_authorize", "_enter", "_current_actor", "_authorize_module", "_enter_module"}
    overriding = [
        f"{cls.__name__}.{name}"
        for cls in _all_states(SessionState) if cls is not SessionState
        for name in guards if name in vars(cls)
    ]
    assert overriding == []


def _seed_outbox(db):
    with db(write=True) as session:
        outbox.enqueue(session=session, dedupe_key="secret", to_address="a@example.com",
                       subject="Reimposta la password", body_text="link segreto", kind="password_reset")
        return session.exec(select(OutboxMessage)).one().id


@pytest.mark.parametrize("who", ["nobody", "customer", "office", "garbage-token"])
def test_outbox_handlers_refuse_anyone_but_admins(app_db, who):
    message_id = _seed_outbox(app_db)
    token = {"nobody": "", "garbage-token": "x" * 43}.get(who)
    if token is None:
        _, token = signed_in_token(app_db, Role.CUSTOMER if who == "customer" else Role.OFFICE)
    state = state_of(OutboxState, token)
    expected = NotSignedIn if who in ("nobody", "garbage-token") else Forbidden
    for call in (lambda: state.open_message(message_id), lambda: state.search_outbox("password"),
                 state.next_page, state.previous_page):
        with pytest.raises(expected):
            call()
    assert state.messages == [] and state.open_body == "" and not state.message_open


def test_page_load_sends_a_customer_back_to_the_portal_and_nobody_to_login(app_db):
    _, customer_token = signed_in_token(app_db, Role.CUSTOMER)
    for state_class, handler in ((OutboxState, "load_outbox"), (OfficeHomeState, "load_home"), (UsersState, "load_users")):
        state = state_of(state_class, customer_token)
        result = getattr(state, handler)()
        assert isinstance(result, rx.event.EventSpec) and "/portal" in str(result.args)
        anonymous = state_of(state_class)
        result = getattr(anonymous, handler)()
        assert "/login" in str(result.args)
    assert state_of(OfficeHomeState, customer_token).stat_customers == 0


def test_admin_reads_the_outbox_with_a_valid_session(app_db):
    message_id = _seed_outbox(app_db)
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = state_of(OutboxState, token)
    state.load_outbox()
    assert [m.id for m in state.messages] == [message_id]
    state.open_message(message_id)
    assert state.open_body == "link segreto"
    for malformed in ("1; DROP TABLE", -1, None, {"id": 1}, [1], 10**20, True):
        state.open_body = ""
        state.open_message(malformed)
        assert state.open_body == ""


def test_office_user_cannot_disable_anyone_whatever_they_send(app_db):
    _, token = signed_in_token(app_db, Role.OFFICE)
    victim_id, victim_token = signed_in_token(app_db, Role.CUSTOMER)
    state = state_of(UsersState, token)
    state.confirm_user_id = victim_id
    with pytest.raises(Forbidden):
        state.confirm_toggle()
    with pytest.raises(Forbidden):
        state.ask_toggle(victim_id)
    with app_db() as session:
        assert session.get(User, victim_id).is_active
        assert session.exec(select(AuthSession).where(AuthSession.user_id == victim_id)).one().ended_at is None


def test_disabled_user_is_signed_out_at_the_next_event(app_db):
    _, admin_token = signed_in_token(app_db, Role.ADMIN)
    victim_id, victim_token = signed_in_token(app_db, Role.ADMIN)
    victim = state_of(OutboxState, victim_token)
    victim.load_outbox()
    admin = state_of(UsersState, admin_token)
    admin.load_users()
    admin.ask_toggle(victim_id)
    admin.confirm_toggle()
    with pytest.raises(NotSignedIn):
        victim.next_page()
    assert victim.session_token == ""


def test_logout_ends_the_session_server_side(app_db):
    _, token = signed_in_token(app_db, Role.OFFICE)
    state = state_of(OfficeHomeState, token)
    state.load_home()
    state.logout()
    reused = state_of(OfficeHomeState, token)  # a copied cookie is worth nothing now
    assert "/login" in str(reused.load_home().args)
