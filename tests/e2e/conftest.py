"""Serves the real app in production mode and drives it with Debian's Chromium.

The app runs on SQLite in a temporary folder, with Redis for its state when REDIS_URL is set.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
START_TIMEOUT_SECONDS = 900  # the first production build installs the frontend packages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2) as ping, \
                    urllib.request.urlopen(f"{url}/login", timeout=2) as page:
                if ping.status == 200 and page.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not start in {START_TIMEOUT_SECONDS}s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'e2e.db'}",
        "PUBLIC_BASE_URL": f"http://localhost:{port}",
        "PORT": str(port),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PATH": f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    for name in ("TEST_DATABASE_URL", "SMTP_HOST", "CORS_ORIGINS"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def app_log(tmp_path_factory) -> Path:
    """Where the app's output goes: the production build and everything the server prints."""
    return tmp_path_factory.mktemp("e2e-log") / "app.log"


@pytest.fixture(scope="session")
def app_url(e2e_env, app_log) -> str:
    subprocess.run([sys.executable, "-m", "app.seed"], env=e2e_env, cwd=PROJECT_ROOT, check=True,
                   capture_output=True)
    port = e2e_env["PORT"]
    log_path = app_log
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
             "--frontend-port", port, "--backend-port", port],
            env=e2e_env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = e2e_env["PUBLIC_BASE_URL"]
    try:
        _wait_until_up(url, process, log_path)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture
def run_in_app(e2e_env):
    """Runs a snippet of Python against the app's database, as an operator at the console would."""

    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", code], env=e2e_env, cwd=PROJECT_ROOT, check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    return run


@pytest.fixture
def mailed_link(run_in_app):
    """The set-password link of the last message to `address`, as the e-mail carries it: the Outbox page
    shows it masked, and no SMTP server runs here."""

    def link(address: str) -> str:
        body = run_in_app(
            "from sqlmodel import col, select; from app.db import session_scope; from app.models import OutboxMessage; "
            "from app.services.outbox import delivered_body\n"
            "with session_scope() as s:\n"
            f"    m = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == {address!r})"
            ".order_by(col(OutboxMessage.id).desc())).first()\n"
            "    print(delivered_body(m))")
        return re.search(r"http://\S+/set-password\?token=\S+", body).group(0)

    return link
