"""Adds generated customers to the app's database: `python -m app.demo --customers 100000`."""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from app.db import get_engine
from app.demo.generator import bulk_load
from app.migrate import upgrade_to_head_locked
from app.models import Customer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.demo", description=__doc__)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    upgrade_to_head_locked()
    engine = get_engine()
    with engine.connect() as connection:
        start = connection.execute(select(func.coalesce(func.max(Customer.id), 0))).scalar() + 1
    started = time.perf_counter()
    bulk_load(engine, args.customers, seed=args.seed, start=start,
              progress=lambda done: print(f"\r{done:,} / {args.customers:,}", end="", flush=True))
    print(f"\n{args.customers:,} customers added in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
