"""The gate in front of Reflex's upload endpoint (`POST /_upload`).

Reflex reads the whole request into temporary files before the handler can check anything: who sends
it, how big it is, whether the handler takes files at all (if not, Reflex fails with an answer 500 and
a traceback). The gate answers before a byte of the body is read:

- 400 when the handler named in the `reflex-event-handler` header takes no files;
- 413 when the declared Content-Length is over `UPLOAD_REQUEST_MAX_MB`;
- 401 without a signed-in session (the session cookie, as every page and download reads it), 403 when
  the signed-in user lacks the permission the handler's guard declares.

A body sent without a Content-Length is counted as it arrives and cut off at the limit with a 413.
Every refusal is one log line.
"""

from __future__ import annotations

import logging

from reflex_base import constants
from reflex_base.event import resolve_upload_handler_param
from reflex_base.registry import RegistrationContext
from reflex_base.utils.exceptions import UploadTypeError, UploadValueError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import session_scope
from app.domain.permissions import Perm, has_perm
from app.services import auth
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)

UPLOAD_PATH = str(constants.Endpoint.UPLOAD)
HANDLER_HEADER = "reflex-event-handler"


def _route_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def is_upload(scope: Scope) -> bool:
    return scope["type"] == "http" and scope.get("method") == "POST" and _route_path(scope).rstrip("/") == UPLOAD_PATH


def upload_handler(name: str | None) -> object | None:
    """The function of the named handler when it takes files, else None."""
    registered = RegistrationContext.get().event_handlers.get(name) if name else None
    if registered is None:
        return None
    try:
        resolve_upload_handler_param(registered.handler)
    except (UploadValueError, UploadTypeError):
        return None
    return registered.handler.fn


def declared_length(headers: Headers) -> int | None:
    """The Content-Length as a number; None when there is none; -1 when it is not a number."""
    raw = headers.get("content-length")
    if raw is None:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _may_upload(token: str, perm: object) -> int | None:
    """None when the session's user may call the handler, else the status that refuses them."""
    with session_scope() as session:
        actor = auth.resolve_session(session=session, token=token)
    if actor is None:
        return 401
    if isinstance(perm, Perm) and not has_perm(actor, perm):
        return 403
    return None


class _TooLarge(Exception):
    pass


class UploadGate:
    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.limit = (settings or get_settings()).upload_request_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_upload(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        name = headers.get(HANDLER_HEADER) or ""
        handler = upload_handler(name)
        length = declared_length(headers)
        guard = getattr(handler, "guard", None)
        if handler is None or guard is None:
            await _refuse(400, "the handler takes no files", name, scope, receive, send)
            return
        if length == -1:
            await _refuse(400, "unreadable Content-Length", name, scope, receive, send)
            return
        if length is not None and length > self.limit:
            await _refuse(413, f"{length} bytes declared", name, scope, receive, send)
            return
        token = cookie_parser(headers.get("cookie", "")).get(auth.SESSION_COOKIE, "")
        status = await run_in_threadpool(_may_upload, token, guard.perm)
        if status is not None:
            await _refuse(status, "not signed in" if status == 401 else "not allowed", name, scope, receive, send)
            return
        await self._pass_within_limit(scope, receive, send, name)

    async def _pass_within_limit(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        """Hands the request on, counting its body: past the limit Reflex gets no more of it, and what it
        would answer to a body cut short gives way to the 413."""
        received, cut, started = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    cut = True
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if cut and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await _refuse(413, f"more than {self.limit} bytes sent", name, scope, receive, send)


async def _refuse(status: int, reason: str, handler: str, scope: Scope, receive: Receive, send: Send) -> None:
    log.warning("refused an upload to %s: %s (%s)", handler.rpartition(".")[2][:100] or "?", reason, status)
    # The body is left unread: the connection is closed rather than drained.
    answer = PlainTextResponse("Upload refused.", status_code=status, headers={"Connection": "close"})
    await answer(scope, receive, send)
