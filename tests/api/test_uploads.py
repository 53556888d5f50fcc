"""Reflex's upload endpoint behind the app's gate, as the backend serves it."""

import logging

import pytest
from reflex.app import _ContextMiddleware
from reflex_base.utils.format import format_event_handler
from reflex_components_core.core._upload import upload
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.testclient import TestClient

import app.app as application
from app.api.middleware import wrap_backend
from app.api.uploads import UPLOAD_PATH
from app.state.customers import CustomerListState
from app.state.documents import DocumentsTab

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
