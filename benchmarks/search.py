"""Customer search and card benchmark on generated data.

    python benchmarks/search.py --customers 1000000                # SQLite in a temporary folder
    python benchmarks/search.py --customers 200000 --database-url postgresql+psycopg://postgres@127.0.0.1/test

Generates the registry into a fresh database, then runs a fixed mix of queries through
`search_customers` (what the list page calls), the capped count the list page shows with its first
page (`count_customers`), the first page of each order the list offers, a naive LIKE '%q%' over
the same data (the baseline) and the bare index lookup with no service around it (the floor), and opens customer
cards that have many contacts and sites through `get_card`. Prints percentiles and ratios; the
last line is one JSON object. Timings are wall-clock on a shared machine: compare ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_dir  # noqa: E402

os.environ.setdefault("DATA_DIR", scratch_dir())

import sqlalchemy as sa  # noqa: E402

from app.db import engine_for, session_scope  # noqa: E402
from app.demo.generator import RegistryGenerator, bulk_load  # noqa: E402
from app.domain.permissions import Actor, Role  # noqa: E402
from app.domain.text import fold, fts_query  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402
from app.services import customers, movements  # noqa: E402

PAGE = 25
OFFICE = Actor(user_id=1, role=Role.OFFICE, customer_id=None, name="Benchmark", language="it")


def query_mix(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind of query, text): at least 200, drawn deterministically from the generated customers."""
    rng = random.Random(seed)
    generator = RegistryGenerator(seed)
    sample = [generator.customer(rng.randint(1, count)).customer for _ in range(60)]
    queries: list[tuple[str, str]] = []
    for row in sample:
        name = row["company_name"] or f"{row['first_name']} {row['last_name']}"
        surname = row["last_name"] or row["company_name"].split()[1]
        queries += [
            ("prefix-1", row["sort_name"][:1]),
            ("prefix-2", row["sort_name"][:2]),
            ("3-chars", fold(surname)[:3]),
            ("name", surname),
            ("full-name", name.upper() if rng.random() < 0.5 else name),
            ("email", row["email"].split("@")[0][-9:]),
            ("code", row["code"].lower()),
            ("tax-code" if not row["vat_number"] else "vat", (row["vat_number"] or row["tax_code"])[2:9]),
        ]
        if not name.isascii():
            queries.append(("accented", name))
    # Phones as people type them, cities, Italian VAT numbers with their prefix: drawn with their own
    # generator so the queries above stay the same as before these kinds were added.
    extra = random.Random(seed + 1)
    for row in sample[:20]:
        number = row["phone"] or row["mobile"]
        national = number[3:]
        queries += [
            ("phone", extra.choice((f"{national[:2]} {national[2:6]} {national[6:]}", national, f"+39 {national}"))),
            ("city", row["city"]),
        ]
        if row["vat_number"]:
            queries.append(("vat-it", f"IT{row['vat_number']}"))
    queries += [("no-hit", w) for w in ("zzqxw", "qwxyz kk", "xxyyzz", "jjjjj", "zqzqzq", "@@@@", "kxkxk", "yyyy1")]
    queries += [("huge", w) for w in ("mar", "ros", "example", ".com", "via", "srl", "ann", "ari", "sas", "co")]
    rng.shuffle(queries)
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def baseline_sql(connection, folded: str) -> None:  # noqa: ANN001
    pattern = f"%{folded}%"
    connection.execute(sa.text(
        "SELECT id, code, company_name, first_name, last_name, email FROM customer "
        "WHERE lower(coalesce(company_name, '')) LIKE :p OR lower(coalesce(first_name, '') || ' ' || "
        "coalesce(last_name, '')) LIKE :p OR lower(coalesce(email, '')) LIKE :p OR lower(coalesce(vat_number, '')) "
        "LIKE :p OR lower(coalesce(tax_code, '')) LIKE :p OR lower(code) LIKE :p ORDER BY sort_name, id LIMIT :n"
    ), {"p": pattern, "n": PAGE + 1}).all()


def floor_sql(connection, folded: str) -> None:  # noqa: ANN001
    """The index alone: no validation, no keyset, no row building."""
    if len(folded) <= 2:
        connection.execute(sa.text(
            "SELECT id FROM customer WHERE sort_name >= :a AND sort_name < :b ORDER BY sort_name, id LIMIT :n"
        ), {"a": folded, "b": folded[:-1] + chr(ord(folded[-1]) + 1), "n": PAGE + 1}).all()
    elif connection.dialect.name == "sqlite":
        connection.execute(sa.text(
            "SELECT rowid FROM customer_search WHERE customer_search MATCH :q ORDER BY rowid LIMIT :n"
        ), {"q": fts_query(folded), "n": PAGE + 1}).all()
    else:
        connection.execute(sa.text("SELECT id FROM customer WHERE search_text LIKE :p LIMIT :n"),
                           {"p": f"%{folded}%", "n": PAGE + 1}).all()


def add_busy_customers(engine, how_many: int = 20, contacts: int = 60, sites: int = 25) -> list[int]:  # noqa: ANN001
    """Customers whose card has many contacts and sites (and a long timeline)."""
    ids = []
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT id FROM customer ORDER BY id LIMIT :n"), {"n": how_many}).all()
        already = connection.execute(sa.text("SELECT COUNT(*) FROM contact WHERE customer_id = :c AND "
                                             "first_name = 'Nome0'"), {"c": rows[0][0]}).scalar()
        if already:  # a reused database has them from the first run
            return [customer_id for (customer_id,) in rows]
        for (customer_id,) in rows:
            connection.execute(sa.text(
                "INSERT INTO contact (customer_id, kind, first_name, last_name, role, email, phone, created_at) "
                "VALUES (:c, 'contact_person', :f, :l, 'Ufficio', :e, '+393331234567', CURRENT_TIMESTAMP)"
            ), [{"c": customer_id, "f": f"Nome{i}", "l": f"Cognome{i}", "e": f"c{i}@example.com"}
                for i in range(contacts)])
            connection.execute(sa.text(
                "INSERT INTO site (customer_id, name, street, cap, city, province, country, is_default, created_at) "
                "VALUES (:c, :n, 'Via Roma 1', '20121', 'Milano', 'MI', 'IT', :d, CURRENT_TIMESTAMP)"
            ), [{"c": customer_id, "n": f"Sede {i}", "d": False} for i in range(sites)])
            connection.execute(sa.text(
                "INSERT INTO movement (customer_id, kind, field, actor_name, source, created_at) "
                "VALUES (:c, 'customer.updated', 'phone', 'Bench', 'office', CURRENT_TIMESTAMP)"
            ), [{"c": customer_id} for _ in range(200)])
            ids.append(customer_id)
    return ids


class CollectorPauses:
    """Full (generation 2) garbage collections and how long each stopped the process."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000)


def _customer_count(engine) -> int:  # noqa: ANN001
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT COUNT(*) FROM customer")).scalar()
    except sa.exc.DBAPIError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=3, help="times the query mix is run")
    parser.add_argument("--baseline-queries", type=int, default=60,
                        help="how many queries of the mix also run as naive LIKE (seconds each at a million rows)")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave the objects alive before timing to the garbage collector's full passes")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database of a kept run (BENCH_KEEP=1, then DATA_DIR=that folder)")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{Path(os.environ['DATA_DIR']) / 'bench.db'}"
    engine = engine_for(url)
    reuse = args.reuse and _customer_count(engine) >= args.customers
    if not reuse:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        elif Path(engine.url.database).exists():
            engine.dispose()
            Path(engine.url.database).unlink()
    upgrade_to_head(url)

    started = time.perf_counter()
    if not reuse:
        step = max(args.customers // 10, 1)
        bulk_load(engine, args.customers, seed=args.seed, batch=10_000,
                  progress=lambda done: print(f"  generated {done:,} customers", flush=True) if done % step == 0
                  else None)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    load_seconds = time.perf_counter() - started
    busy = add_busy_customers(engine)
    print(f"data: {args.customers:,} customers in {load_seconds:.0f} s ({engine.dialect.name})")

    queries = query_mix(args.customers, args.seed)
    if not args.no_gc_freeze:
        # A full collection walks every object the process holds: here the imports, the generator's
        # tables and the load, some 120,000 objects and 40-60 ms on a busy 2-core machine, landing
        # on whichever query happens to run then. Objects alive before timing starts are set aside,
        # as a served app would after start-up; the searches' own garbage is collected as usual.
        gc.collect()
        gc.freeze()
    pauses = CollectorPauses()
    gc.callbacks.append(pauses)
    service_ms: list[float] = []
    by_kind: dict[str, list[float]] = {}
    with session_scope(engine=engine) as session:
        for _, text in queries[:20]:  # warm the cache once
            customers.search_customers(session=session, actor=OFFICE, query=text, limit=PAGE)
        for _ in range(args.rounds):
            for query_kind, text in queries:
                ms = timed(lambda t=text: customers.search_customers(
                    session=session, actor=OFFICE, query=t, limit=PAGE))
                service_ms.append(ms)
                by_kind.setdefault(query_kind, []).append(ms)

    # What else the list page asks with a first page: the number of results (counted up to the cap), and the
    # whole list in each order its header offers.
    count_ms: list[float] = []
    order_ms: dict[str, list[float]] = {}
    with session_scope(engine=engine) as session:
        for _ in range(args.rounds):
            for _, text in queries:
                count_ms.append(timed(lambda t=text: customers.count_customers(session=session, actor=OFFICE, query=t)))
            for order in customers.ORDERS:
                order_ms.setdefault(order, []).append(timed(lambda o=order: customers.search_customers(
                    session=session, actor=OFFICE, order=o, limit=PAGE)))

    gc.callbacks.remove(pauses)

    floor_ms: list[float] = []
    baseline_ms: list[float] = []
    with engine.connect() as connection:
        for _ in range(args.rounds):
            for _, text in queries:
                folded = fold(text)
                floor_ms.append(timed(lambda f=folded: floor_sql(connection, f)))
        # The baseline takes seconds per query at a million rows: an even sample of the mix, once.
        stride = max(1, len(queries) // max(args.baseline_queries, 1))
        for _, text in queries[::stride][: args.baseline_queries]:
            baseline_ms.append(timed(lambda f=fold(text): baseline_sql(connection, f)))

    card_ms: list[float] = []
    with session_scope(engine=engine) as session:
        for _ in range(10):
            for customer_id in busy:
                def open_card(customer_id=customer_id):
                    card = customers.get_card(session=session, actor=OFFICE, customer_id=customer_id)
                    movements.list_movements(session=session, actor=OFFICE, customer_id=customer_id)
                    return card
                card_ms.append(timed(open_card))
                session.expunge_all()

    print(f"\nsearch through the service: {len(service_ms)} queries ({len(queries)} distinct)")
    print(f"{'kind':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in sorted(by_kind.items()):
        print(f"{kind:<12} {len(values):>5} {statistics.median(values):>8.2f} {percentile(values, 95):>8.2f} "
              f"{max(values):>8.2f}")
    result = {
        "baseline_queries": len(baseline_ms),
        "customers": args.customers,
        "database": engine.dialect.name,
        "queries": len(service_ms),
        "p50_ms": round(statistics.median(service_ms), 3),
        "p95_ms": round(percentile(service_ms, 95), 3),
        "max_ms": round(max(service_ms), 3),
        "baseline_p95_ms": round(percentile(baseline_ms, 95), 3),
        "floor_p95_ms": round(percentile(floor_ms, 95), 3),
        "card_p95_ms": round(percentile(card_ms, 95), 3),
        "count_p50_ms": round(statistics.median(count_ms), 3),
        "count_p95_ms": round(percentile(count_ms, 95), 3),
        "count_max_ms": round(max(count_ms), 3),
        "order_max_ms": {order: round(max(values), 3) for order, values in order_ms.items()},
        "card_max_ms": round(max(card_ms), 3),
        "load_seconds": round(load_seconds, 1),
        "gc_full_pauses": len(pauses.pauses_ms),
        "gc_full_pause_max_ms": round(max(pauses.pauses_ms, default=0), 3),
        "gc_frozen": not args.no_gc_freeze,
    }
    print(f"\nall         p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  max {result['max_ms']} ms")
    print(f"gc          {result['gc_full_pauses']} full collections during the searches, longest "
          f"{result['gc_full_pause_max_ms']} ms ({'start-up objects frozen' if result['gc_frozen'] else 'no freeze'})")
    print(f"baseline    LIKE '%q%' p95 {result['baseline_p95_ms']} ms ({len(baseline_ms)} queries) "
          f"-> service is {result['baseline_p95_ms'] / result['p95_ms']:.0f}x faster")
    print(f"floor       bare index p95 {result['floor_p95_ms']} ms  "
          f"-> service costs {result['p95_ms'] / max(result['floor_p95_ms'], 1e-6):.1f}x the floor")
    print(f"count       p50 {result['count_p50_ms']} ms  p95 {result['count_p95_ms']} ms  "
          f"max {result['count_max_ms']} ms (up to {customers.COUNT_CAP:,}, with each query of the mix)")
    print("orders      first page of the whole list, max " +
          ", ".join(f"{order} {ms} ms" for order, ms in result["order_max_ms"].items()))
    print(f"card        p95 {result['card_p95_ms']} ms  max {result['card_max_ms']} ms "
          f"({len(busy)} customers with 60 contacts, 25 sites, 200 movements)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
