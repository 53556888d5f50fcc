"""Every answer of the backend carries the security headers: the REST routes, Reflex's own endpoints, the
built pages (served by the same backend in production) and the refusals."""

import dataclasses

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

import app.app as application
from app.api.headers import content_security_policy
from app.api.middleware import wrap_backend
from app.api.routes import api, consent_form_path
from app.settings import get_settings

PAGE = "<!DOCTYPE html><html><body><script>window.x = 1</script></body></html>"


async def _page(request):  # noqa: ANN001, ANN202, ARG001
    return HTMLResponse(PAGE)


def _client(**settings) -> TestClient:
    """The backend as Reflex assembles it: the app's routes, Reflex's own, and a built page."""
    backend = Starlette(routes=[*api.routes, Mount("/reflex", application.app._api), Route("/login", _page)])
    return TestClient(wrap_backend(backend, dataclasses.replace(get_settings(), **settings)))


@pytest.mark.parametrize("path, status", [
    ("/login", 200), ("/reflex/ping", 200), (consent_form_path(1), 401), ("/api/attachments/x", 401),
    ("/no/such/page", 404),
])
def test_every_answer_carries_the_headers(app_db, path, status):
    answer = _client().get(path)
    assert answer.status_code == status
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy and "default-src 'self'" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    permissions = answer.headers["permissions-policy"]
    assert "camera=()" in permissions and "geolocation=(self)" in permissions
    assert "strict-transport-security" not in answer.headers  # a plain-HTTP set-up does not ask for HTTPS


def test_a_header_a_route_sets_itself_is_kept_once(app_db):
    answer = _client().get(consent_form_path(1))
    assert answer.headers.get_list("x-content-type-options") == ["nosniff"]


def test_https_is_required_when_the_settings_say_so():
    answer = _client(hsts_seconds=31_536_000).get("/login")
    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_the_policy_lets_the_page_talk_back_to_its_own_websocket():
    assert "connect-src 'self' wss://registry.example.it" in content_security_policy("https://registry.example.it")
    assert "connect-src 'self' ws://localhost:3000" in content_security_policy("http://localhost:3000")
