"""Reflex's upload endpoint behind the app's gate, as the backend serves it."""

import dataclasses
import logging

import pytest
from reflex.app import _ContextMiddleware
from reflex_base.utils.format import format_event_handler
from reflex_components_core.core._upload import upload
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import app.app as application
from app.api.middleware import wrap_backend
from app.api.uploads import UPLOAD_PATH
from app.domain.permissions import Role
from app.services import auth
from app.services.auth import SESSION_COOKIE
from app.settings import get_settings
from app.state.customers import CustomerListState
from app.state.documents import DocumentsTab
from tests import factories

UPLOAD_HANDLER = format_event_handler(DocumentsTab.event_handlers["receive_files"])


def _backend(inner) -> TestClient:
    """The layers of the real backend around `inner`, with the contexts Reflex attaches to each request."""
    top = Starlette(middleware=[Middleware(_ContextMiddleware, reflex_app=application.app)])
    top.mount("", wrap_backend(inner))
    return TestClient(top, raise_server_exceptions=False)


def _reflex_upload() -> TestClient:
    return _backend(Starlette(routes=[Route(UPLOAD_PATH, upload(application.app), methods=["POST"])]))


@pytest.mark.parametrize("handler", [
    format_event_handler(CustomerListState.event_handlers["search"]),
    format_event_handler(DocumentsTab.event_handlers["dialog_changed"]),
    "reflex___state____state.nothing.like_it",
    "",
])
def test_an_upload_to_a_handler_that_takes_no_files_is_refused_in_one_line(caplog, handler):
    caplog.set_level(logging.INFO)
    answer = _reflex_upload().post(UPLOAD_PATH, files={"files": ("a.pdf", b"%PDF-1.4")},
                                   headers={"reflex-client-token": "tab", "reflex-event-handler": handler})
    assert answer.status_code == 400 and len(answer.text) < 100
    assert [r for r in caplog.records if r.exc_info] == []
    assert len([r for r in caplog.records if r.name == "app.api.uploads"]) == 1


LIMIT = 64 * 1024
CHUNK = 16 * 1024


def _token(db, role) -> str:
    with db(write=True) as s:
        user = factories.user(s, role)
    return auth.authenticate(sessions=db, email=user.email, password=factories.PASSWORD).token


class _Buffering:
    """An app that reads the whole body before answering, as Reflex's upload endpoint does."""

    def __init__(self) -> None:
        self.body = b""

    async def __call__(self, scope, receive, send):  # noqa: ANN001, ANN204
        more = True
        while more:
            message = await receive()
            self.body += message.get("body", b"")
            more = message.get("more_body", False)
        await PlainTextResponse("stored")(scope, receive, send)


async def _post(inner, *, token: str = "", declared: bool = True, total: int = 5 * LIMIT,
                content_type: bytes = b"multipart/form-data; boundary=x", body: bytes | None = None):
    """Sends `total` bytes in chunks to the gate around `inner`; returns the status and the bytes read."""
    chunks = [body[i:i + CHUNK] for i in range(0, len(body), CHUNK)] if body is not None else \
        [b"x" * CHUNK] * (total // CHUNK)
    total = sum(map(len, chunks))
    read = 0

    async def receive():  # noqa: ANN202
        nonlocal read
        if chunks:
            chunk = chunks.pop(0)
            read += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    sent = []

    async def send(message):  # noqa: ANN001, ANN202
        sent.append(message)

    headers = [(b"reflex-client-token", b"tab"), (b"reflex-event-handler", UPLOAD_HANDLER.encode()),
               (b"content-type", content_type)]
    if token:
        headers.append((b"cookie", f"{SESSION_COOKIE}={token}".encode()))
    if declared:
        headers.append((b"content-length", str(total).encode()))
    scope = {"type": "http", "method": "POST", "path": UPLOAD_PATH, "root_path": "", "headers": headers,
             "query_string": b"", "http_version": "1.1", "scheme": "http", "server": ("testserver", 80),
             "client": ("testclient", 50000)}
    gate = wrap_backend(inner, dataclasses.replace(get_settings(), upload_request_max_bytes=LIMIT))
    with application.app.set_contexts():
        await gate(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), read


async def test_a_body_declared_over_the_limit_is_refused_before_a_byte_is_read(app_db):
    inner = _Buffering()
    assert await _post(inner, token=_token(app_db, Role.OFFICE)) == (413, 0)
    assert inner.body == b""


async def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(app_db):
    inner = _Buffering()
    status, read = await _post(inner, token=_token(app_db, Role.OFFICE), declared=False)
    assert status == 413 and read <= LIMIT + CHUNK and len(inner.body) <= LIMIT


async def test_reflex_gets_no_more_than_the_limit_of_a_real_upload_without_length(app_db):
    form = (b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4 " + b"x" * (5 * LIMIT) + b"\r\n--x--\r\n")
    reflex_upload = Starlette(routes=[Route(UPLOAD_PATH, upload(application.app), methods=["POST"])])
    status, read = await _post(reflex_upload, token=_token(app_db, Role.OFFICE), declared=False, body=form)
    assert status == 413 and read <= LIMIT + CHUNK


@pytest.mark.parametrize("who, status", [("nobody", 401), ("stale cookie", 401), ("customer user", 403),
                                         ("technician", 403)])
async def test_an_upload_from_who_may_not_upload_is_refused_before_a_byte_is_read(app_db, who, status):
    token = {"nobody": "", "stale cookie": "x" * 43}.get(who)
    if token is None:
        token = _token(app_db, Role.CUSTOMER if who == "customer user" else Role.TECHNICIAN)
    inner = _Buffering()
    assert await _post(inner, token=token, total=LIMIT) == (status, 0)
    assert inner.body == b""


async def test_an_upload_within_the_limits_goes_through_whole(app_db):
    inner = _Buffering()
    token = _token(app_db, Role.OFFICE)
    assert await _post(inner, token=token, total=LIMIT) == (200, LIMIT)
    assert await _post(inner, token=token, total=LIMIT, declared=False) == (200, LIMIT)
    assert len(inner.body) == 2 * LIMIT
