"""The online search in the upstream registry against the local search it follows, one client.

    python benchmarks/upstream_search.py [--customers 500 --runs 200]

Builds a fresh SQLite registry with `--customers` customers and serves the same number from the upstream
stand-in (tests/support/upstream_server.py, a real HTTP server on a local port), then measures in the same run:

- the local search (the baseline): the list's count and first page for a three-letter text, as the Clienti
  list runs them before it decides whether to offer the upstream search;
- the upstream search: `services.upstream.search` (a new HTTP connection, the request with limit=7, the JSON).

Prints wall-clock percentiles and the ratio; the last line is one JSON object. Timings are wall-clock on a
shared machine: compare ratios. The real wait is upstream's own search plus the network, bounded by the timeout.
"""

from __future__ import annotations

import argparse
import asyncio
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

from app.db import engine_for, session_scope  # noqa: E402
from app.domain.permissions import Role  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402
from app.services import customers, upstream  # noqa: E402
from tests import factories  # noqa: E402
from tests.support.upstream_server import UpstreamServer  # noqa: E402

WORDS = ["Ferri", "Bianchi", "Rossi", "Verdi", "Neri", "Gallo", "Conti", "Greco", "Bruno", "Costa"]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    url = f"sqlite:///{Path(os.environ['DATA_DIR']) / 'bench.db'}"
    upgrade_to_head(url)
    engine = engine_for(url)

    def db(write: bool = False):  # noqa: ANN202
        return session_scope(write=write, engine=engine)

    with db(write=True) as s:
        clerk = factories.actor(s, Role.OFFICE)
        for i in range(args.customers):
            customers.create_customer(session=s, actor=clerk, confirmed_duplicates=True, raw={
                "kind": "private", "first_name": f"Nome{i}", "last_name": f"{WORDS[i % len(WORDS)]}{i}"})

    with UpstreamServer() as stand_in:
        for i in range(args.customers):
            stand_in.add(kind="private", first_name=f"Nome{i}", last_name=f"{WORDS[i % len(WORDS)]}{i}")
        conn = upstream.Connection(base_url=stand_in.url, api_key=stand_in.key, timeout=3, enabled=True)

        local: list[float] = []
        for run in range(args.runs):
            text = WORDS[run % len(WORDS)][:3].lower()
            started = time.perf_counter()
            with db() as s:
                customers.count_customers(session=s, actor=clerk, query=text)
                customers.search_customers(session=s, actor=clerk, query=text)
            local.append(time.perf_counter() - started)

        async def remote_runs() -> list[float]:
            samples = []
            for run in range(args.runs):
                text = WORDS[run % len(WORDS)][:3].lower()
                started = time.perf_counter()
                found = await upstream.search(conn, query=text)
                samples.append(time.perf_counter() - started)
                assert len(found) == 7
            return samples

        remote = asyncio.run(remote_runs())

    result = {"customers": args.customers, "runs": args.runs, "local": percentiles(local),
              "upstream": percentiles(remote)}
    result["ratio_p50"] = round(result["upstream"]["p50_ms"] / result["local"]["p50_ms"], 2)
    print(f"local search (count + first page): p50 {result['local']['p50_ms']} ms, p95 {result['local']['p95_ms']} ms")
    print(f"upstream search (HTTP, limit=7):    p50 {result['upstream']['p50_ms']} ms, "
          f"p95 {result['upstream']['p95_ms']} ms")
    print(f"upstream / local at p50: {result['ratio_p50']}x")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
