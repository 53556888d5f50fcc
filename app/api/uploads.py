"""The gate in front of Reflex's upload endpoint (`POST /_upload`).

Reflex reads the request named by its `reflex-event-handler` header and, for a handler that takes no
files, fails with an uncaught error (an answer 500 and a traceback in the log). The gate answers such a
request itself with a short refusal and one log line, before Reflex reads anything.
"""

from __future__ import annotations

import logging

from reflex_base import constants
from reflex_base.event import resolve_upload_handler_param
from reflex_base.registry import RegistrationContext
from reflex_base.utils.exceptions import UploadTypeError, UploadValueError
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

UPLOAD_PATH = str(constants.Endpoint.UPLOAD)
HANDLER_HEADER = "reflex-event-handler"


def _route_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def is_upload(scope: Scope) -> bool:
    return scope["type"] == "http" and scope.get("method") == "POST" and _route_path(scope).rstrip("/") == UPLOAD_PATH


def upload_handler_problem(name: str | None) -> str | None:
    """Why the named handler cannot take an upload, or None when it can."""
    if not name:
        return "no handler named"
    registered = RegistrationContext.get().event_handlers.get(name)
    if registered is None:
        return "no such handler"
    try:
        resolve_upload_handler_param(registered.handler)
    except (UploadValueError, UploadTypeError):
        return "the handler takes no files"
    return None


class UploadGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_upload(scope):
            await self.app(scope, receive, send)
            return
        name = Headers(scope=scope).get(HANDLER_HEADER)
        problem = upload_handler_problem(name)
        if problem is not None:
            log.warning("refused an upload to %s: %s", (name or "")[-150:], problem)
            await _refuse(400, "Bad upload request.", scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _refuse(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(text, status_code=status, headers={"Connection": "close"})(scope, receive, send)
