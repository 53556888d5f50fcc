"""Opening a customer card, one client, counted in database round trips.

    python benchmarks/card_open.py [--contacts 60 --sites 25 --movements 200 --runs 200]

Builds one rich customer in a fresh SQLite database and opens its card through the page's own
event handlers, as the browser would, in two ways measured in the same run:

- every tab at once (the baseline): the card handler followed by the loader of every tab, which is
  what opening a card cost when the card was one state that loaded all its tabs eagerly;
- the first tab only (what the page does): the card handler followed by the events it returns.

Prints statements and transactions per opening, wall-clock percentiles and the ratios; the last
line is one JSON object. Timings are wall-clock on a shared machine: compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_dir  # noqa: E402

os.environ.setdefault("DATA_DIR", scratch_dir())

import reflex as rx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from reflex.istate.data import HeaderData, ReflexURL, URLData  # noqa: E402

from app import db as app_db  # noqa: E402
from app.db import engine_for, session_scope  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402
from app.services.auth import SESSION_COOKIE  # noqa: E402


class RoundTrips:
    def __init__(self, engine: sa.Engine) -> None:
        self.statements = self.transactions = 0
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "begin", self._transaction)

    def _statement(self, *_args) -> None:  # noqa: ANN002
        self.statements += 1

    def _transaction(self, *_args) -> None:  # noqa: ANN002
        self.transactions += 1

    def take(self) -> tuple[int, int]:
        counted = (self.statements, self.transactions)
        self.statements = self.transactions = 0
        return counted


def build(args: argparse.Namespace) -> tuple[int, str]:
    from app.domain.permissions import Role
    from app.services import auth, consents, customers, documents, portal_accesses
    from app.services.auth import actor_of
    from app.services.users import create_user

    password = "Trifoglio-Verde-42"
    with session_scope(write=True) as session:
        consents.ensure_default_types(session)
        user = create_user(session=session, email="bench@example.com", full_name="Banco Prova", role=Role.ADMIN,
                           password=password)
        office = actor_of(user)
        customer = customers.create_customer(session=session, actor=office, raw={
            "kind": "business", "company_name": "Rossi Impianti S.r.l.", "vat_number": "00743110157",
            "email": "info@rossi.example.com"})
        for i in range(args.contacts):
            customers.save_contact(session=session, actor=office, customer_id=customer.id,
                                   raw={"first_name": f"Nome{i}", "last_name": f"Cognome{i}",
                                        "email": f"c{i}@rossi.example.com"})
        for i in range(args.sites):
            customers.save_site(session=session, actor=office, customer_id=customer.id,
                                raw={"name": f"Sede {i}", "city": "Milano", "province": "MI"})
        for i in range(args.movements):
            customers.update_customer(session=session, actor=office, customer_id=customer.id,
                                      raw={"kind": "business", "company_name": "Rossi Impianti S.r.l.",
                                           "vat_number": "00743110157", "email": "info@rossi.example.com",
                                           "notes": f"nota {i}"}, expected_version=customer.version)
        for i in range(5):
            documents.save_contract(session=session, actor=office, customer_id=customer.id, raw={
                "number": f"K-{i}", "title": f"Manutenzione {i}", "start_on": "2026-01-01",
                "expires_on": "2027-01-01"})
            portal_accesses.save_access(session=session, actor=office, customer_id=customer.id, raw={
                "full_name": f"Utente {i}", "email": f"u{i}@rossi.example.com", "active": "on"})
        customer_id = customer.id
    token = auth.authenticate(sessions=session_scope, email="bench@example.com", password=password).token
    return customer_id, token


async def open_card(customer_id: int, token: str, every_tab: bool) -> None:
    from app.state.customers import CARD_TABS, CustomerCardState

    root = rx.State(_reflex_internal_init=True)
    card = root.get_substate(CustomerCardState.get_full_name().split(".")[1:])
    card.rx_router_headers = HeaderData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}})
    card.rx_router_url = URLData.from_url(ReflexURL(f"http://localhost/office/customer?id={customer_id}"))
    events = await card.open_card()
    if every_tab:
        events = list(dict.fromkeys(loader for loaders in CARD_TABS.values() for loader in loaders)) + [
            e for e in events if e not in {x for xs in CARD_TABS.values() for x in xs}]
    for event in events:
        substate = root.get_substate(event.state.get_full_name().split(".")[1:])
        await getattr(substate, event.fn.__name__)()


def measure(customer_id: int, token: str, counter: RoundTrips, every_tab: bool, runs: int) -> dict:
    timings = []
    asyncio.run(open_card(customer_id, token, every_tab))  # warm caches and compiled statements
    counter.take()
    for _ in range(runs):
        start = time.perf_counter()
        asyncio.run(open_card(customer_id, token, every_tab))
        timings.append((time.perf_counter() - start) * 1000)
    statements, transactions = counter.take()
    timings.sort()
    return {
        "statements": statements / runs, "transactions": transactions / runs,
        "p50_ms": round(statistics.median(timings), 2), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=60)
    parser.add_argument("--sites", type=int, default=25)
    parser.add_argument("--movements", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    url = f"sqlite:///{scratch_dir()}/bench.db"
    upgrade_to_head(url)
    engine = engine_for(url)
    app_db.get_engine = lambda: engine
    import app.app  # noqa: F401  registers every state and tab

    customer_id, token = build(args)
    counter = RoundTrips(engine)
    gc.collect()
    gc.freeze()
    every_tab = measure(customer_id, token, counter, every_tab=True, runs=args.runs)
    first_tab = measure(customer_id, token, counter, every_tab=False, runs=args.runs)
    print(f"card with {args.contacts} contacts, {args.sites} sites, {args.movements} movements; {args.runs} openings")
    for label, row in (("every tab at once (baseline)", every_tab), ("first tab only (the page)", first_tab)):
        print(f"  {label:<30} {row['statements']:5.1f} statements  {row['transactions']:4.1f} transactions"
              f"  p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms")
    ratio = {
        "statements": round(every_tab["statements"] / first_tab["statements"], 2),
        "transactions": round(every_tab["transactions"] / first_tab["transactions"], 2),
        "p50": round(every_tab["p50_ms"] / first_tab["p50_ms"], 2),
    }
    print(f"  baseline / page: {ratio['statements']}x statements, {ratio['transactions']}x transactions, "
          f"{ratio['p50']}x p50 time")
    print(json.dumps({"every_tab": every_tab, "first_tab": first_tab, "ratio": ratio}))


if __name__ == "__main__":
    main()
