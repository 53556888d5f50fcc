"""Fixtures of the REST API tests: a client on the backend's HTTP app and keys of any scopes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from starlette.testclient import TestClient

from app.api.routes import api
from app.api.v1 import core
from app.api.v1.ratelimit import RateLimiter
from app.domain.permissions import Role, Scope
from app.services import api_keys
from tests import factories

ALL_SCOPES = tuple(Scope)


@pytest.fixture
def limiter(monkeypatch) -> RateLimiter:
    """A generous in-process limit of its own for each test (a test of the limit sets its own)."""
    own = RateLimiter(10_000)
    monkeypatch.setattr(core, "limiter", lambda: own)
    return own


@pytest.fixture
def client(app_db, limiter) -> TestClient:  # noqa: ARG001
    return TestClient(api, raise_server_exceptions=False)


@pytest.fixture
def make_key(app_db) -> Callable[..., str]:
    """`make_key(*scopes, expires_on=None)` -> the whole secret of a new key made by an administrator."""

    def make(*scopes: Scope, expires_on: date | None = None, name: str = "Shop", webhook_url: str | None = None,
             today: date | None = None) -> str:
        with app_db(write=True) as session:
            admin = factories.actor(session, Role.ADMIN)
            return api_keys.create_key(session=session, actor=admin, name=name, scopes=[s.value for s in scopes],
                                       expires_on=expires_on, webhook_url=webhook_url, today=today).key

    return make


def bearer(key: str, lang: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if lang:
        headers["Accept-Language"] = lang
    return headers
