"""Every event the browser sends is checked for its shape before any handler runs.

A browser may name any handler with any arguments. The guards check who is asking, but an event whose
arguments do not fit the handler (missing, extra, not a mapping at all) or that asks Reflex's built-in
`setvar` to set a variable (the app sets none that way: every change goes through a guarded handler)
would otherwise end in a Python error inside Reflex, written to the log with its whole traceback. Such a
call is refused here with one log line and a short message to the user, and nothing runs.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable

from reflex.middleware import Middleware
from reflex.state import BaseState, EventHandlerSetVar, StateUpdate
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext
from reflex_components_sonner.toast import toast

from app.i18n import N_, normalize_language, t
from app.services.security import token_hash
from app.state.session import SessionState, session_cookie, start_over

log = logging.getLogger(__name__)

REFUSED = N_("common.refused")


@functools.lru_cache(maxsize=4096)
def _signature(fn: Callable) -> inspect.Signature:
    return inspect.signature(fn)


def malformed(event: Event) -> str | None:
    """Why the call cannot be made as sent, or None when its arguments fit its handler."""
    registered = RegistrationContext.get().event_handlers.get(event.name)
    if registered is None:
        return "no such handler"
    handler = registered.handler
    if isinstance(handler, EventHandlerSetVar):
        return "setvar is not offered to the browser"
    if not isinstance(event.payload, dict):
        return "arguments are not a mapping"
    try:
        signature = _signature(handler.fn)
    except (TypeError, ValueError):
        return None  # nothing to check against: the handler takes what it takes
    try:
        signature.bind(None, **event.payload)
    except TypeError as error:
        return str(error)
    return None


class RefuseMalformedCalls(Middleware):
    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:  # noqa: ANN001, ARG002
        problem = malformed(event)
        if problem is None:
            return None
        log.warning("refused a call to %s: %s", ".".join(event.name.split(".")[-2:])[:150], problem[:200])
        try:
            lang = normalize_language((await state.get_state(SessionState)).lang)
        except Exception:  # noqa: BLE001  the refusal must not fail for want of a language
            lang = "it"
        return StateUpdate(events=Event.from_event_type(toast.error(t(REFUSED, lang), position="top-center")))


class TieStateToSession(Middleware):
    """A tab's state belongs to the session it was filled for.

    The browser names its tab state by a client token kept in sessionStorage and sent in the websocket's
    address; anyone holding that token could resume the state (the names, customers and links it holds)
    from another browser. So every event is checked against the session cookie sent with the socket: a
    state filled for a session whose cookie this socket does not carry is emptied before anything is sent,
    and the tab is sent to the sign-in page."""

    async def preprocess(self, app, state: BaseState, event: Event) -> StateUpdate | None:  # noqa: ANN001, ARG002
        root = state._get_root_state()
        session_state = await root.get_state(SessionState)
        shown_for = session_state._shown_for
        if not shown_for:
            return None
        token = session_cookie(root.router.headers.cookie)
        if token and token_hash(token) == shown_for:
            return None
        log.warning("refused a tab state to a socket without its session: %s", event.name.rpartition(".")[2][:100])
        root.reset()
        return StateUpdate(events=Event.from_event_type(start_over(expired=True)))
