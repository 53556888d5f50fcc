"""The liveness and readiness routes a proxy or an orchestrator asks."""

import dataclasses

from starlette.testclient import TestClient

from app.api.routes import api
from app.settings import get_settings


def test_alive_and_ready_when_the_database_is_at_head(app_db, engine, monkeypatch):
    monkeypatch.setattr("app.api.routes.get_settings", lambda: dataclasses.replace(
        get_settings(), database_url=engine.url.render_as_string(hide_password=False), redis_url=None))
    client = TestClient(api)
    assert client.get("/healthz").text == "ok"
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json() == {"database": "ok", "redis": "not used"}


def test_not_ready_without_a_database_or_redis(tmp_path, monkeypatch):
    monkeypatch.setattr("app.api.routes.get_settings", lambda: dataclasses.replace(
        get_settings(), database_url=f"sqlite:///{tmp_path / 'empty.db'}", redis_url="redis://127.0.0.1:1/0"))
    (tmp_path / "empty.db").touch()
    answer = TestClient(api).get("/readyz")
    assert answer.status_code == 503
    assert "schema revision none" in answer.json()["database"] and answer.json()["redis"].startswith("ConnectionError")
