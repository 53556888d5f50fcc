"""A tab's state is tied to the session cookie its websocket carries, and never holds the token itself.

The browser names its tab state by a client token in sessionStorage, sent in the websocket's address. A
probe that reuses that token from a browser without the session cookie must find nothing of what the
signed-in tab saw, and be sent to the sign-in page."""

import json

import reflex as rx
from reflex.state import StateUpdate
from reflex_base.utils.format import json_dumps

from app.domain.permissions import Role
from app.state.calls import TieStateToSession
from app.state.home import OfficeHomeState
from app.state.session import SessionState
from tests.state.conftest import signed_in_token, with_cookie


def _root(state: rx.State) -> rx.State:
    return state._get_root_state()


async def _signed_in_tab(app_db, role=Role.OFFICE):  # noqa: ANN001, ANN202
    _, token = signed_in_token(app_db, role)
    root = rx.State(_reflex_internal_init=True)
    home = with_cookie(root.get_substate(OfficeHomeState.get_full_name().split(".")[1:]), token)
    await home.load_home()
    assert home.user_name and home.user_role == "office"
    return root, token


def test_no_var_holds_the_session_token():
    """Reflex's own router vars aside (their headers never include cookies in what reaches the browser)."""
    ours = [name for name in SessionState.vars if not name.startswith("rx_router")]
    assert ours and not [name for name in ours if "token" in name.lower() or "session" in name.lower()]


async def test_the_token_never_reaches_the_browser(app_db):
    root, token = await _signed_in_tab(app_db)
    sent = json_dumps(root.dict())  # as Reflex serializes it for the browser
    assert "office" in sent and token not in sent


async def test_a_probe_without_the_cookie_gets_the_sign_in_page_and_nothing_of_the_tab(app_db):
    root, token = await _signed_in_tab(app_db)
    home = root.get_substate(OfficeHomeState.get_full_name().split(".")[1:])
    tie = TieStateToSession()
    # The tab's own socket goes on as before.
    assert await tie.preprocess(None, root, _event()) is None

    _, someone_else = signed_in_token(app_db, Role.ADMIN)
    for cookie in ("", someone_else, "not-a-token-at-all-but-long-enough"):
        with_cookie(home, cookie)
        refused = await tie.preprocess(None, root, _event())
        assert isinstance(refused, StateUpdate)
        assert "/login" in json.dumps([e.payload for e in refused.events], default=str)
        assert home.user_name == "" and home.user_role == "" and root.get_substate(
            SessionState.get_full_name().split(".")[1:])._shown_for == ""
        with_cookie(home, token)  # filled again by its own tab
        await home.load_home()
    # And a handler called on such a socket finds nobody signed in.
    with_cookie(home, "")
    assert "/login" in str((await home.load_home()).args)


def _event():  # noqa: ANN202
    from reflex_base.event import Event

    return Event(name=OfficeHomeState.get_full_name() + ".load_home", payload={})
