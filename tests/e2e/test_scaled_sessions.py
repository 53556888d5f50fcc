"""The scaled-out mode's promise: two app processes sharing Redis are one app to a user. A tab whose socket
moves to the other process (a restart, the proxy choosing another server) carries on with its state, and
the other process knows the signed-in user. Runs when REDIS_URL is given."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.db import engine_for, session_scope
from app.domain.permissions import Role
from app.migrate import upgrade_to_head
from app.services import auth, customers
from app.services.users import create_user
from app.settings import PROJECT_ROOT
from app.state.customers import CustomerListState
from tests.e2e.conftest import _free_port
from tests.socket_client import Tab

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the scaled-out mode needs REDIS_URL")

PASSWORD = "Due-Processi-Uno-Stato-7"
LIST = CustomerListState.get_full_name()


def _run(coroutine):  # noqa: ANN001, ANN202
    """Runs the clients' coroutine on a loop of its own: the browser tests before this module leave
    Playwright's loop running in this thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _wait_ready(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the app process stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app process did not get ready:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, e2e_env):
    """Two backend processes on their own ports, one SQLite database, the state in Redis; one office clerk
    signed in, and two customers."""
    data_dir = tmp_path_factory.mktemp("scaled")
    url = f"sqlite:///{data_dir / 'app.db'}"
    upgrade_to_head(url)
    engine = engine_for(url)
    with session_scope(engine=engine, write=True) as session:
        user = create_user(session=session, email="due@example.com", full_name="Due Processi", role=Role.OFFICE,
                           password=PASSWORD)
        clerk = auth.actor_of(user)
        for name, vat in (("Acme Impianti", "00743110157"), ("Beta Servizi", "01114601006")):
            customers.create_customer(session=session, actor=clerk, raw={"kind": "business", "company_name": name,
                                                                         "vat_number": vat})
    token = auth.authenticate(sessions=lambda write=False: session_scope(engine=engine, write=write),
                              email="due@example.com", password=PASSWORD).token
    engine.dispose()
    ports = [_free_port(), _free_port()]
    processes = []
    for port in ports:
        env = {**e2e_env, "DATA_DIR": str(data_dir), "DATABASE_URL": url, "GRANIAN_WORKERS": "1",
               "PUBLIC_BASE_URL": f"http://localhost:{port}"}
        log = data_dir / f"app-{port}.log"
        processes.append((subprocess.Popen(
            [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--backend-only", "--backend-port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True),
            log))
    try:
        for port, (process, log) in zip(ports, processes, strict=True):
            _wait_ready(port, process, log)
        yield [f"http://127.0.0.1:{port}" for port in ports], token
    finally:
        for process, _ in processes:
            with contextlib.suppress(ProcessLookupError):  # it may have stopped by itself: the test says why
                os.killpg(process.pid, 15)
            process.wait(timeout=30)


async def _search_then_move(bases: list[str], token: str) -> tuple[object, object, list]:
    first = Tab(bases[0], token)
    await first.open("/office/customers")
    await first.call("search", f"{LIST}.search", {"text": "acme"},
                     lambda update: bool((update.get("delta") or {}).get(LIST, {}).get("rows_rx_state_")))
    shown_first = [row["name"] for row in first.value(LIST, "rows")]
    await first.close()

    # The same tab reconnects to the other process: its hydration sends back the state the first one left.
    second = Tab(bases[1], token, tab_token=first.tab_token)
    await second.open("/office")
    carried = (second.value(LIST, "query"), [row["name"] for row in second.value(LIST, "rows")])
    # And the other process serves the signed-in clerk's next search.
    await second.call("search", f"{LIST}.search", {"text": "beta"},
                      lambda update: bool((update.get("delta") or {}).get(LIST, {}).get("rows_rx_state_")))
    after = [row["name"] for row in second.value(LIST, "rows")]
    await second.close()

    back = Tab(bases[0], token, tab_token=first.tab_token)
    await back.open("/office")
    returned = back.value(LIST, "query")
    await back.close()
    errors = first.timings.errors | second.timings.errors | back.timings.errors
    return (shown_first, carried), (after, returned), [errors]


def test_a_tab_moving_to_the_other_process_keeps_its_state_and_its_user(two_processes):
    bases, token = two_processes
    (shown_first, carried), (after, returned), [errors] = _run(_search_then_move(bases, token))
    assert shown_first == ["Acme Impianti"]
    assert carried == ("acme", ["Acme Impianti"])
    assert after == ["Beta Servizi"]
    assert returned == "beta"
    assert errors == {}


def test_a_stranger_reusing_the_tab_token_on_the_other_process_gets_nothing(two_processes):
    """The state follows the tab token across processes, and stays tied to the session cookie on each."""
    bases, token = two_processes

    async def steal() -> tuple[object, object]:
        owner = Tab(bases[0], token)
        await owner.open("/office/customers")
        await owner.call("search", f"{LIST}.search", {"text": "acme"},
                         lambda update: bool((update.get("delta") or {}).get(LIST, {}).get("rows_rx_state_")))
        await owner.close()
        thief = Tab(bases[1], "not-a-session", tab_token=owner.tab_token)
        await thief.open("/office")
        return thief.value(LIST, "rows"), thief.value(LIST, "query")

    rows, query = _run(steal())
    assert not rows and not query
