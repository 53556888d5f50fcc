"""Handlers re-check on the server who is asking: the browser can call any of them with anything."""

import inspect

import pytest
import reflex as rx
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import AuthSession, OutboxMessage, User
from app.services import outbox
from app.state.dialogs import Dialogs
from app.state.home import OfficeHomeState
from app.state.outbox import OutboxState
from app.state.session import Guard, SessionState
from app.state.users import UsersState
from tests.state.conftest import signed_in_token, state_of


def _all_states(state_class):
    yield state_class
    for substate in state_class.get_substates():
        yield from _all_states(substate)


def _app_handlers():
    for state_class in _all_states(SessionState):
        for name, handler in state_class.event_handlers.items():
            if handler.fn.__module__.startswith("app."):
                yield state_class, name, handler.fn


def test_every_handler_declares_who_may_call_it():
    handlers = list(_app_handlers())
    assert len(handlers) > 100
    undeclared = [
        f"{cls.__name__}.{name}" for cls, name, fn in handlers
        if not (isinstance(getattr(fn, "guard", None), Guard) or getattr(fn, "public", False)
                or getattr(fn, "ui_only", False))
    ]
    assert undeclared == []


def test_only_sign_in_pages_and_the_language_switch_are_public():
    public = sorted({f"{cls.__name__}.{name}" for cls, name, fn in _app_handlers() if getattr(fn, "public", False)
                     and fn.__qualname__.startswith(cls.__name__ + ".")})
    assert public == [
        "ForgotPasswordState.open_forgot", "ForgotPasswordState.request_link", "LoginState.open_login",
        "LoginState.open_root", "LoginState.sign_in_refused", "LoginState.start_sign_in",
        "SessionState.switch_language",
        "SetPasswordState.open_link", "SetPasswordState.save_password",
    ]


def test_ui_only_handlers_are_the_dialogs_closing():
    ui_only = {fn.__code__ for _, _, fn in _app_handlers() if getattr(fn, "ui_only", False)}
    assert ui_only == {Dialogs.dialog_changed.__code__}


def test_guarded_handlers_run_off_the_event_loop_and_hide_the_actor_from_the_browser():
    for cls, name, fn in _app_handlers():
        if isinstance(getattr(fn, "guard", None), Guard):
            assert inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn), f"{cls.__name__}.{name}"
            assert "actor" not in inspect.signature(fn).parameters, f"{cls.__name__}.{name}"


def test_a_page_load_is_declared_as_one():
    pages = {f"{cls.__name__}.{name}" for cls, name, fn in _app_handlers()
             if isinstance(getattr(fn, "guard", None), Guard) and fn.guard.page}
    assert {"CustomerCardState.open_card", "OutboxState.load_outbox", "RemindersState.load_reminders"} <= pages


async def test_the_browser_cannot_send_the_actor(app_db):
    message_id = _seed_outbox(app_db)
    _, token = signed_in_token(app_db, Role.CUSTOMER)
    state = state_of(OutboxState, token)
    assert await state.open_message(message_id, actor={"role": "admin"}) is None
    assert await state.open_message(message_id, {"role": "admin"}) is None
    assert state.open_body == ""


def test_no_state_replaces_the_guards():
    """A state redefining one of these would silently change what every one of its handlers checks."""
    guards = {"_show", "_admit", "_check", "_current_actor", "_read_shell"}
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
async def test_outbox_handlers_refuse_anyone_but_admins(app_db, who):
    message_id = _seed_outbox(app_db)
    token = {"nobody": "", "garbage-token": "x" * 43}.get(who)
    if token is None:
        _, token = signed_in_token(app_db, Role.CUSTOMER if who == "customer" else Role.OFFICE)
    state = state_of(OutboxState, token)
    expected = NotSignedIn if who in ("nobody", "garbage-token") else Forbidden
    for call in (lambda: state.open_message(message_id), lambda: state.search_outbox("password"),
                 state.next_page, state.previous_page):
        with pytest.raises(expected):
            await call()
    assert state.messages == [] and state.open_body == "" and not state.open_dialogs


async def test_page_load_sends_a_customer_back_to_the_portal_and_nobody_to_login(app_db):
    _, customer_token = signed_in_token(app_db, Role.CUSTOMER)
    for state_class, handler in ((OutboxState, "load_outbox"), (OfficeHomeState, "load_home"), (UsersState, "load_users")):
        state = state_of(state_class, customer_token)
        result = await getattr(state, handler)()
        assert isinstance(result, rx.event.EventSpec) and "/portal" in str(result.args)
        anonymous = state_of(state_class)
        result = await getattr(anonymous, handler)()
        assert "/login" in str(result.args)
    assert state_of(OfficeHomeState, customer_token).stat_customers == 0


async def test_admin_reads_the_outbox_with_a_valid_session(app_db):
    message_id = _seed_outbox(app_db)
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = state_of(OutboxState, token)
    await state.load_outbox()
    assert [m.id for m in state.messages] == [message_id]
    await state.open_message(message_id)
    assert state.open_body == "link segreto"
    for malformed in ("1; DROP TABLE", -1, None, {"id": 1}, [1], 10**20, True):
        state.open_body = ""
        await state.open_message(malformed)
        assert state.open_body == ""


async def test_office_user_cannot_disable_anyone_whatever_they_send(app_db):
    _, token = signed_in_token(app_db, Role.OFFICE)
    victim_id, victim_token = signed_in_token(app_db, Role.CUSTOMER)
    state = state_of(UsersState, token)
    state._confirming = (victim_id,)
    state.open_dialogs = ["confirm"]
    with pytest.raises(Forbidden):
        await state.confirm_toggle()
    with pytest.raises(Forbidden):
        await state.ask_toggle(victim_id)
    with app_db() as session:
        assert session.get(User, victim_id).is_active
        assert session.exec(select(AuthSession).where(AuthSession.user_id == victim_id)).one().ended_at is None


async def test_disabled_user_is_signed_out_at_the_next_event(app_db):
    _, admin_token = signed_in_token(app_db, Role.ADMIN)
    victim_id, victim_token = signed_in_token(app_db, Role.ADMIN)
    victim = state_of(OutboxState, victim_token)
    await victim.load_outbox()
    admin = state_of(UsersState, admin_token)
    await admin.load_users()
    await admin.ask_toggle(victim_id)
    await admin.confirm_toggle()
    with pytest.raises(NotSignedIn):
        await victim.next_page()


def test_no_unguarded_handler_can_be_reached_through_setvar():
    """Reflex's built-in setvar calls a state's set_<name> handler: only guarded ones may be named so."""
    reachable = [f"{cls.__name__}.{name}" for cls, name, fn in _app_handlers()
                 if name.startswith("set_") and not isinstance(getattr(fn, "guard", None), Guard)]
    assert reachable == []
