"""Shared fixtures. Every database test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial
from pathlib import Path

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="registry-test-data-"))
# A message missing from a catalog fails the test that shows it instead of showing its key.
os.environ.setdefault("STRICT_MESSAGES", "1")

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from app.db import engine_for, session_scope  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402

SEEDED_BY_MIGRATIONS = {"payment_term", "intervention_type"}
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def reset_postgres(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        upgrade_to_head(url)
    return url


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, sqlite_template, postgres_url):
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        engine = engine_for(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    engine = engine_for(postgres_url)
    # Rows the migrations write (the usual payment terms) stay, as they would in any real database.
    tables = ", ".join(f'"{name}"' for name in SQLModel.metadata.tables if name not in SEEDED_BY_MIGRATIONS)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine


@pytest.fixture
def db(engine):
    """Opens a use-case transaction on the test database: `with db(write=True) as session: ...`."""
    return partial(session_scope, engine=engine)


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running for the rest of the session,
    which async tests run after it could not use."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


@pytest.fixture
def app_db(db, engine, monkeypatch):
    """Points the app's own sessions at the test database."""
    monkeypatch.setattr("app.db.get_engine", lambda: engine)
    return db


@pytest.fixture
def upstream_server(tmp_path_factory):
    """The upstream registry: this app's real REST API served on a local port against its own database
    (tests/support/real_upstream.py), and a stand-in answering slowly for the timeout and the cancel
    (tests/support/upstream_server.py)."""
    from tests.support.real_upstream import RealUpstream, Upstream
    from tests.support.upstream_server import UpstreamServer

    real = RealUpstream(tmp_path_factory.mktemp("upstream"))
    real.start()
    try:
        with UpstreamServer() as slow:
            yield Upstream(real, slow)
    finally:
        real.stop()
