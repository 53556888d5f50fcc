"""The upstream registry as the REAL REST API (app.api.v1) of this app, served by granian in a subprocess on a
local port, against its own temporary SQLite database seeded through the services (another instance of this same
app, as headquarters would be). A key with `customers:read` is created for the branch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

from app.db import engine_for, session_scope
from app.domain.permissions import Role
from app.migrate import upgrade_to_head
from app.services import api_keys, customers
from app.settings import PROJECT_ROOT
from tests import factories

START_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RealUpstream:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database_url = f"sqlite:///{folder / 'upstream.db'}"
        upgrade_to_head(self.database_url)
        self.engine = engine_for(self.database_url)
        self.db = partial(session_scope, engine=self.engine)
        with self.db(write=True) as s:
            admin = factories.actor(s, Role.ADMIN)
            self.clerk = factories.actor(s, Role.OFFICE)
            self.key = api_keys.create_key(session=s, actor=admin, name="Filiale", scopes=["customers:read"]).key
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "DATA_DIR": str(self.folder)}
        for name in ("REDIS_URL", "TEST_DATABASE_URL"):
            env.pop(name, None)
        self.log = (self.folder / "granian.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", "1", "--no-ws", "tests.support.upstream_asgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "granian.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/openapi.json", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the upstream API did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()
        self.engine.dispose()

    def add(self, **raw) -> dict:  # noqa: ANN003
        """A customer created at headquarters through its services: its id and code there."""
        raw.setdefault("kind", "business")
        if raw["kind"] == "business":
            raw.setdefault("vat_number", "00743110157")
        contacts, sites = raw.pop("contacts", []), raw.pop("sites", [])
        with self.db(write=True) as s:
            customer = customers.create_customer(session=s, actor=self.clerk, raw=raw, confirmed_duplicates=True)
            for contact in contacts:
                customers.save_contact(session=s, actor=self.clerk, customer_id=customer.id, raw=contact)
            for site in sites:
                customers.save_site(session=s, actor=self.clerk, customer_id=customer.id, raw=site)
            return {"id": customer.id, "code": customer.code}

    def change(self, upstream_id: int, **raw) -> None:  # noqa: ANN003
        with self.db(write=True) as s:
            customer = customers.get_customer(session=s, actor=self.clerk, customer_id=upstream_id)
            values = {**customers.current_values(customer), **raw}
            values["assigned_user_id"] = str(values["assigned_user_id"]) if values["assigned_user_id"] else None
            customers.update_customer(session=s, actor=self.clerk, customer_id=upstream_id, raw=values,
                                      expected_version=customer.version)


class Upstream:
    """What a test talks to: the real API for everything, the stand-in's `/slow` paths for the timeout and the
    cancel (they answer after `delay` seconds, with the same key)."""

    def __init__(self, real: RealUpstream, slow) -> None:  # noqa: ANN001
        self.real, self.slow = real, slow
        self.url, self.key = real.url, real.key
        slow.key = real.key
        self.slow_url = slow.slow_url

    @property
    def delay(self) -> float:
        return self.slow.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self.slow.delay = seconds

    def add(self, **raw) -> dict:  # noqa: ANN003
        return self.real.add(**raw)

    def change(self, upstream_id: int, **raw) -> None:  # noqa: ANN003
        self.real.change(upstream_id, **raw)
