"""State handlers called directly, as the browser would call them, against the test database."""

from __future__ import annotations

import reflex as rx

import app.app  # noqa: F401  builds the app so every state class is registered
from app.services import auth
from tests import factories
from tests.factories import PASSWORD


def state_of(state_class: type[rx.State], token: str = "") -> rx.State:
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(state_class.get_full_name().split(".")[1:])
    state.session_token = token
    return state


def signed_in_token(db, role, **kw) -> tuple[int, str]:
    with db(write=True) as session:
        user = factories.user(session, role, **kw)
    return user.id, auth.authenticate(sessions=db, email=user.email, password=PASSWORD).token
