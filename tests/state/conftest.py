"""State handlers called directly, as the browser would call them, against the test database."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import HeaderData, ReflexURL, URLData

import app.app  # noqa: F401  builds the app so every state class is registered
from app.services import auth
from app.state.customers import CustomerCardState
from tests import factories
from tests.factories import PASSWORD


def _substate(root: rx.State, state_class: type[rx.State]) -> rx.State:
    return root.get_substate(state_class.get_full_name().split(".")[1:])


def with_cookie(state: rx.State, token: str) -> rx.State:
    """The state as an event from a socket that sent the session cookie `token` (none when empty) sees it."""
    cookie = f"{auth.SESSION_COOKIE}={token}" if token else ""
    state.rx_router_headers = HeaderData.from_router_data({"headers": {"cookie": cookie}})
    return state


def state_of(state_class: type[rx.State], token: str = "") -> rx.State:
    return with_cookie(_substate(rx.State(_reflex_internal_init=True), state_class), token)


def card_tab(tab_class: type[rx.State], token: str, customer_id: int) -> rx.State:
    """A tab of a customer's card as the browser holds it once the card and the tab are open,
    whoever the token belongs to: the handlers must then refuse what the user may not do."""
    tab = state_of(tab_class, token)
    tab.customer_id, tab.card_key = customer_id, 1
    tab.loaded_for = 1
    return tab


async def opened_card(token: str, customer_id: int | str, *tabs: type[rx.State]) -> list[rx.State]:
    """Opens the card page at ?id=..., then each tab in `tabs`, through their handlers."""
    root = rx.State(_reflex_internal_init=True)
    card = with_cookie(_substate(root, CustomerCardState), token)
    card.rx_router_url = URLData.from_url(ReflexURL(f"http://localhost/office/customer?id={customer_id}"))
    opened = [await card.open_card()]
    for tab_class in tabs:
        tab = _substate(root, tab_class)
        await tab.load()
        opened.append(tab)
    return opened


def signed_in_token(db, role, **kw) -> tuple[int, str]:
    with db(write=True) as session:
        user = factories.user(session, role, **kw)
    return user.id, auth.authenticate(sessions=db, email=user.email, password=PASSWORD).token
