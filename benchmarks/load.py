"""Many people at once, over the app's websocket, as their browsers talk to it.

    python benchmarks/load.py                                   # SQLite, 1,000,000 customers, 200 + 100 users, 5 min
    python benchmarks/load.py --customers 20000 --office 20 --portal 10 --duration 30      # a quick look
    python benchmarks/load.py --mode scaled                     # PostgreSQL + Redis, two processes behind nginx

Generates the registry into a fresh database (a temporary folder for SQLite, removed at the end unless
BENCH_KEEP=1; the PostgreSQL database `registry_bench`), adds the benchmark's staff and reserved-area users
and change requests waiting for review, starts the app in production mode (`scripts/run-scaled.sh` for the
scaled mode) and drives it through the `/_event` socket exactly as the browser does: each simulated person
has their own session cookie and tab token, hydrates a page, and sends the events the page sends.

Phases, in one run:
1. one clerk searching as they type (the single-client latency of search at this size);
2. idle signed-in sessions: the server's memory (and Redis's) before and after opening them, per session;
3. the load: office staff (search as you type, open a card, edit and save it, review a waiting request) and
   reserved-area users (their pages), each waiting 1-3 s between actions, for --duration seconds; meanwhile
   one more client sends a trivial event (the framework's own `set_is_hydrated`) four times a second: the
   floor, what any event costs on this machine at that moment.

An event is timed from the frame sent to the last update frame it caused (a page load: until the page is
hydrated and its chained loads stopped answering). Prints a table and, last, one JSON object with p50 / p95 /
p99 / max per kind of event, errors, throughput and the server's RSS. The clients run on the same 2 cores
as the server: compare each figure with the floor of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from scratch import scratch_dir  # noqa: E402

os.environ.setdefault("DATA_DIR", scratch_dir())

import websockets  # noqa: E402

from tests.socket_client import ROOT_STATE, Tab, Timings  # noqa: E402

PASSWORD = "Banco-Prova-Carico-2026"


# The data ---------------------------------------------------------------------------------------------


@dataclass
class World:
    office_tokens: list[str]
    portal_tokens: list[str]
    customer_ids: list[int]
    review_ids: list[int]
    queries: list[str]


def prepare(url: str, args: argparse.Namespace) -> World:
    """A fresh database with the customers, the benchmark's users and their open sessions."""
    from sqlmodel import select

    from app.db import engine_for, session_scope
    from app.demo.generator import bulk_load
    from app.domain.permissions import Role
    from app.migrate import upgrade_to_head
    from app.models import Customer, User
    from app.services import auth, change_requests, consents, portal_accesses
    from app.services.security import hash_password
    from app.services.users import create_user

    engine = engine_for(url)
    if args.reuse and _prepared(engine, args):
        print("data: reusing the database of an earlier run")
        return _world(engine, args)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade_to_head(url)
    started = time.perf_counter()
    step = max(args.customers // 5, 1)
    bulk_load(engine, args.customers, seed=args.seed, batch=10_000,
              progress=lambda done: print(f"  {done:,} customers", flush=True) if done % step == 0 else None)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    print(f"data: {args.customers:,} customers in {time.perf_counter() - started:.0f} s ({engine.dialect.name})")

    rng = random.Random(args.seed)
    password_hash = hash_password(PASSWORD)  # one hash for all: the benchmark measures events, not sign-ins
    with session_scope(engine=engine, write=True) as session:
        consents.ensure_default_types(session)
        admin = create_user(session=session, email="carico@bench.example", full_name="Carico Prova", role=Role.ADMIN,
                            password=PASSWORD)
        office_emails = []
        for i in range(args.office + 2):
            user = User(email=f"ufficio{i}@bench.example", full_name=f"Impiegato {i}", role=Role.OFFICE.value,
                        password_hash=password_hash, is_active=True)
            session.add(user)
            office_emails.append(user.email)
        office = auth.actor_of(admin)
        portal_emails = []
        first_ids = session.exec(select(Customer.id).order_by(Customer.id).limit(args.portal)).all()
        for i, customer_id in enumerate(first_ids):
            saved = portal_accesses.save_access(session=session, actor=office, customer_id=customer_id, raw={
                "full_name": f"Cliente Prova {i}", "email": f"cliente{i}@bench.example", "active": "on",
                "visibility": "company"})
            user = session.get(User, saved.user_id)
            user.password_hash = password_hash
            session.add(user)
            portal_emails.append(user.email)
    # Requests waiting for review, as a web shop would send them: more than the run can decide.
    with session_scope(engine=engine, write=True) as session:
        office = auth.actor_of(session.exec(select(User).where(User.email == office_emails[0])).one())
        for customer_id in rng.sample(range(args.portal + 1, args.customers + 1),
                                      min(args.reviews, args.customers - args.portal)):
            change_requests.submit_request(session=session, actor=office, customer_id=customer_id, source="api",
                                           raw={"email": f"nuovo{customer_id}@bench.example"})
    return _world(engine, args)


def _prepared(engine, args: argparse.Namespace) -> bool:  # noqa: ANN001
    import sqlalchemy as sa
    try:
        with engine.connect() as connection:
            customers = connection.execute(sa.text("SELECT max(id) FROM customer")).scalar() or 0
            users = connection.execute(sa.text("SELECT count(*) FROM app_user WHERE email LIKE '%@bench.example'"))
            return customers >= args.customers and users.scalar() >= args.office + 3 + args.portal
    except sa.exc.DBAPIError:
        return False


def _world(engine, args: argparse.Namespace) -> World:  # noqa: ANN001
    """Sessions for the benchmark's users, the customers they open and the requests waiting for them."""
    from sqlmodel import col, select

    from app.db import session_scope
    from app.demo.generator import RegistryGenerator
    from app.models import ChangeRequestItem
    from app.services import auth

    def sign_in(email: str) -> str:
        return auth.authenticate(sessions=lambda write=False: session_scope(engine=engine, write=write), email=email,
                                 password=PASSWORD).token

    rng = random.Random(args.seed)
    with session_scope(engine=engine) as session:
        review_ids = list(dict.fromkeys(session.exec(select(ChangeRequestItem.customer_id).where(
            ChangeRequestItem.state == "pending", col(ChangeRequestItem.customer_id) > args.portal))))
    office_tokens = [sign_in(f"ufficio{i}@bench.example") for i in range(args.office + 2)]
    portal_tokens = [sign_in(f"cliente{i}@bench.example") for i in range(args.portal)]
    generator = RegistryGenerator(args.seed)
    queries = []
    for number in rng.sample(range(1, args.customers + 1), 200):
        row = generator.customer(number).customer
        surname = (row["last_name"] or row["company_name"].split()[-1]).lower()
        queries += [surname[:5], row["city"].lower()[:6] if row.get("city") else surname[:4]]
    customer_ids = [rng.randint(1, args.customers) for _ in range(5000)]
    engine.dispose()
    return World(office_tokens, portal_tokens, customer_ids, review_ids, queries)


# The server -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(mode: str, url: str, port: int, redis_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "PUBLIC_BASE_URL": f"http://localhost:{port}",
           "BENCH_NO_SEED": "1"}
    if mode == "scaled":
        env["REDIS_URL"] = redis_url
        command = ["bash", "scripts/run-scaled.sh"]
    else:
        env.pop("REDIS_URL", None)
        command = ["bash", "-c", "source scripts/setup.sh >/dev/null && exec reflex run --env prod --single-port "
                   f"--frontend-port {port} --backend-port {port}"]
    log = open(Path(os.environ["DATA_DIR"]) / f"server-{mode}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.time() + 600
    import urllib.request
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the app stopped: see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    # The page itself: the first request after a build is slow.
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=30).read()
                    return process
        except OSError:
            pass
        time.sleep(2)
    raise SystemExit("the app did not start within 10 minutes")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def server_rss_mb(process: subprocess.Popen) -> float:
    """Resident memory of the app's Python processes (the backend workers), not of nginx or bun."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != process.pid:
                continue
            command = (entry / "cmdline").read_bytes()
            if b"python" not in command and b"reflex" not in command and b"granian" not in command:
                continue
            status = (entry / "status").read_text()
        except (OSError, ProcessLookupError):
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total / 1024


def redis_used_mb(redis_url: str) -> float:
    import redis
    return redis.Redis.from_url(redis_url).info("memory")["used_memory"] / 1024 / 1024


# One browser tab --------------------------------------------------------------------------------------


def state_names() -> dict[str, str]:
    from app.state.change_requests import ReviewState
    from app.state.customer_details import DetailsTab
    from app.state.customers import CustomerListState
    return {"list": CustomerListState.get_full_name(), "details": DetailsTab.get_full_name(),
            "review": ReviewState.get_full_name(), "root": ROOT_STATE}


NAMES: dict[str, str] = {}


# What people do --------------------------------------------------------------------------------------


def _has_script(update: dict) -> bool:
    """The search's last update: the script that keeps the list's filters in the address."""
    return any(e.get("name") == "_call_script" for e in update.get("events") or [])


async def type_search(tab: Tab, text: str, kind: str = "search") -> None:
    """A word typed at speed: the box's 100 ms debounce lets through a prefix or two, then the word."""
    for cut in sorted({max(3, len(text) - 2), len(text)}):
        await tab.call(kind, f"{NAMES['list']}.search", {"text": text[:cut]}, _has_script)


async def open_card(tab: Tab, customer_id: int) -> None:
    """Until the card's review window has loaded: the last of the loads the card chains when it opens."""
    await tab.navigate("/office/customer", {"id": str(customer_id)}, "open_card",
                       also=lambda u: "loaded_for_rx_state_" in (u.get("delta") or {}).get(NAMES["review"], {}))


async def edit_card(tab: Tab, customer_id: int, rng: random.Random) -> None:
    await open_card(tab, customer_id)
    details = tab.state.get(NAMES["details"], {})
    await tab.call("start_edit", f"{NAMES['details']}.start_edit", {},
                   lambda u: "editing_rx_state_" in (u.get("delta") or {}).get(NAMES["details"], {}))
    values = dict(details.get("values_rx_state_") or {})
    if not values:
        tab.timings.error("save", "the card's values never arrived")
        return
    values["phone"] = f"02 {rng.randint(1000000, 9999999)}"
    await tab.call("save", f"{NAMES['details']}.save", {"form_data": values},
                   lambda u: (u.get("delta") or {}).get(NAMES["details"], {}).get("editing_rx_state_") is False
                   or "toast" in json.dumps(u.get("events") or []), quiet=True)
    await tab.navigate("/office/customers", None, "page_load")


async def review(tab: Tab, world: World) -> None:
    if not world.review_ids:
        return
    await open_card(tab, world.review_ids.pop())
    rows = tab.state.get(NAMES["review"], {}).get("review_rows_rx_state_") or []
    if not rows:
        tab.timings.error("review_decide", "no review window")
        return
    await tab.call("review_choose", f"{NAMES['review']}.choose_all", {"choice": "accept"})
    await tab.call("review_decide", f"{NAMES['review']}.confirm_review", {},
                   lambda u: "review_rows_rx_state_" in (u.get("delta") or {}).get(NAMES["review"], {}), quiet=True)
    await tab.navigate("/office/customers", None, "page_load")


async def office_person(base: str, token: str, world: World, timings: Timings, until: float, seed: int) -> None:
    rng = random.Random(seed)
    tab = Tab(base, token, timings)
    try:
        await tab.open("/office/customers")
        await asyncio.sleep(rng.uniform(0, 3))
        while time.perf_counter() < until:
            action = rng.choices(("search", "open", "edit", "review"), weights=(45, 25, 15, 15))[0]
            if action == "search":
                await type_search(tab, rng.choice(world.queries))
            elif action == "open":
                await open_card(tab, rng.choice(world.customer_ids))
                await tab.navigate("/office/customers", None, "page_load")
            elif action == "edit":
                await edit_card(tab, rng.choice(world.customer_ids), rng)
            else:
                await review(tab, world)
            await asyncio.sleep(rng.uniform(1, 3))
    except (OSError, websockets.WebSocketException) as error:
        timings.error("connection", repr(error))
    finally:
        if hasattr(tab, "ws"):
            await tab.close()


PORTAL_PAGES = ("/portal", "/portal/interventions", "/portal/contracts", "/portal/reports", "/portal/consents",
                "/portal/my-data", "/portal/support")


async def portal_person(base: str, token: str, timings: Timings, until: float, seed: int) -> None:
    rng = random.Random(seed)
    tab = Tab(base, token, timings)
    try:
        await tab.open("/portal", kind="portal_page")
        await asyncio.sleep(rng.uniform(0, 3))
        while time.perf_counter() < until:
            await tab.navigate(rng.choice(PORTAL_PAGES), None, "portal_page")
            await asyncio.sleep(rng.uniform(1, 3))
    except (OSError, websockets.WebSocketException) as error:
        timings.error("connection", repr(error))
    finally:
        if hasattr(tab, "ws"):
            await tab.close()


async def floor_prober(base: str, token: str, timings: Timings, until: float, kind: str = "trivial") -> None:
    tab = Tab(base, token, timings)
    await tab.open("/office/customers", kind="page_load_prober")
    root = NAMES["root"]
    while time.perf_counter() < until:
        await tab.call(kind, f"{root}.set_is_hydrated", {"value": True})
        await asyncio.sleep(0.25)
    await tab.close()


# The run ----------------------------------------------------------------------------------------------


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    at = lambda p: ordered[min(len(ordered) - 1, int(len(ordered) * p))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(at(0.95), 1),
            "p99_ms": round(at(0.99), 1), "max_ms": round(ordered[-1], 1)}


async def single_client(base: str, world: World) -> dict:
    timings = Timings()
    tab = Tab(base, world.office_tokens[-1], timings)
    await tab.open("/office/customers")
    floor = Timings()
    tab.timings = floor
    for _ in range(50):
        await tab.call("trivial", f"{NAMES['root']}.set_is_hydrated", {"value": True})
    tab.timings = timings
    for text in world.queries[:120]:
        await type_search(tab, text)
        await asyncio.sleep(0.05)
    await tab.close()
    return {"search": summary(timings.values["search"]), "trivial": summary(floor.values["trivial"]),
            "errors": timings.errors}


async def idle_sessions(base: str, world: World, process: subprocess.Popen, count: int, redis_url: str) -> dict:
    await asyncio.sleep(2)
    before, redis_before = server_rss_mb(process), redis_used_mb(redis_url) if redis_url else 0.0
    timings = Timings()
    tabs = []
    for i in range(count):
        tab = Tab(base, world.office_tokens[i % len(world.office_tokens)], timings)
        await tab.open("/office/customers")
        tabs.append(tab)
    await asyncio.sleep(3)
    after, redis_after = server_rss_mb(process), redis_used_mb(redis_url) if redis_url else 0.0
    for tab in tabs:
        await tab.close()
    return {"sessions": count, "server_rss_mb_before": round(before, 1), "server_rss_mb_after": round(after, 1),
            "kb_per_session": round((after - before) * 1024 / count, 1),
            "redis_kb_per_session": round((redis_after - redis_before) * 1024 / count, 1) if redis_url else None,
            "errors": timings.errors}


async def load(base: str, world: World, process: subprocess.Popen, args: argparse.Namespace) -> dict:
    timings = Timings()
    started = time.perf_counter()
    until = started + args.duration
    rss: list[float] = []

    async def sample_rss() -> None:
        while time.perf_counter() < until:
            rss.append(server_rss_mb(process))
            await asyncio.sleep(5)

    people = [office_person(base, world.office_tokens[i], world, timings, until, args.seed + i)
              for i in range(args.office)]
    people += [portal_person(base, world.portal_tokens[i], timings, until, args.seed + 1000 + i)
               for i in range(args.portal)]
    await asyncio.gather(*people, floor_prober(base, world.office_tokens[args.office], timings, until),
                         sample_rss())
    elapsed = time.perf_counter() - started
    counted = sum(len(v) for v in timings.values.values())
    return {
        "office": args.office, "portal": args.portal, "seconds": round(elapsed),
        "events_per_s": round(counted / elapsed, 1), "errors": timings.errors, "error_samples": timings.error_samples,
        "by_kind": {kind: summary(values) for kind, values in sorted(timings.values.items())},
        "all_events": summary([ms for kind, values in timings.values.items() if kind != "trivial" for ms in values]),
        "server_rss_mb": {"start": round(rss[0], 1), "max": round(max(rss), 1), "end": round(rss[-1], 1)}
        if rss else {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("sqlite", "scaled"), default="sqlite")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--office", type=int, default=200)
    parser.add_argument("--portal", type=int, default=100)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--idle", type=int, default=200, help="idle signed-in sessions opened to weigh one")
    parser.add_argument("--reviews", type=int, default=3000, help="change requests waiting for review")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/registry_bench",
                        help="the scaled mode's database (created if missing, emptied)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data of an earlier run with as many customers and users (with SQLite: "
                             "BENCH_KEEP=1 on that run, then DATA_DIR=its folder)")
    args = parser.parse_args()

    if args.mode == "scaled":
        url = args.database_url
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url
        target = make_url(url)
        admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                      {"d": target.database}).scalar():
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    else:
        url = f"sqlite:///{Path(os.environ['DATA_DIR']) / 'load.db'}"
    world = prepare(url, args)
    NAMES.update(state_names())
    port = args.port or free_port()
    print(f"starting the app ({args.mode}) on port {port} ...", flush=True)
    process = start_server(args.mode, url, port, args.redis_url)
    base = f"http://127.0.0.1:{port}"
    redis_url = args.redis_url if args.mode == "scaled" else ""
    try:
        result = {"mode": args.mode, "customers": args.customers}
        result["single_client"] = asyncio.run(single_client(base, world))
        print("one clerk:", json.dumps(result["single_client"]), flush=True)
        result["idle"] = asyncio.run(idle_sessions(base, world, process, args.idle, redis_url))
        print("idle sessions:", json.dumps(result["idle"]), flush=True)
        print(f"load: {args.office} office + {args.portal} reserved-area users for {args.duration} s ...", flush=True)
        result["load"] = asyncio.run(load(base, world, process, args))
    finally:
        stop_server(process)
    load_result = result["load"]
    print(f"\n{'event':<18}{'n':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}   (ms)")
    for kind, row in load_result["by_kind"].items():
        print(f"{kind:<18}{row['n']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}")
    floor = load_result["by_kind"].get("trivial", {}).get("p95_ms") or 1
    print(f"all events p95 {load_result['all_events']['p95_ms']} ms = {load_result['all_events']['p95_ms'] / floor:.1f}"
          f"x the trivial event's; {load_result['events_per_s']} events/s; errors {load_result['errors']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
