"""The credit check of a new order, for a customer with a long history.

    python benchmarks/credit_check.py [--receivables 10000 --orders 500 --runs 300]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python benchmarks/credit_check.py

Builds one customer with `--receivables` open instalments and `--orders` open orders (in a fresh SQLite
database, or in the empty PostgreSQL database DATABASE_URL names), then times, in the same run:

- the check as the app makes it: the customer's row locked, the running exposure figures read, the
  hold reasons decided (app.services.credit.order_reasons);
- the naive check (the baseline): the same lock and decision, with the exposure summed from every open
  receivable and order at each check;
- for context, saving a whole three-line order with the check inside (sales.create_document).

Each run is its own transaction, rolled back so the figures never move. Prints p50/p95 per way and the
ratio to the baseline; the last line is one JSON object. Timings are wall-clock on a shared machine:
compare ratios. Target: the app's check p95 <= 10 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_dir  # noqa: E402

os.environ.setdefault("DATA_DIR", scratch_dir())

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import db as app_db  # noqa: E402
from app.db import engine_for, session_scope  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402

ORDER = {"payment_term": "BT30", "lines": [
    {"description": "Caldaia a condensazione", "quantity": "1", "unit_price": "1850"},
    {"description": "Installazione", "quantity": "6", "unit_price": "42", "vat_rate": "10"},
    {"description": "Smaltimento", "quantity": "1", "unit_price": "60"}]}


def build(receivables: int, orders: int) -> tuple[int, object]:
    """The customer and their history, written in bulk (a history of this size through the services
    would take minutes), then the running figures set by the credit job's own reconciliation."""
    from app.domain.permissions import Role
    from app.models import Customer, Receivable, SalesDocument
    from app.services import credit, customers
    from app.services.auth import actor_of
    from app.services.users import create_user

    with session_scope(write=True) as session:
        user = create_user(session=session, email="bench@example.com", full_name="Banco Prova", role=Role.ADMIN,
                           password="Trifoglio-Verde-42")
        office = actor_of(user)
        customer_id = customers.create_customer(session=session, actor=office, raw={
            "kind": "business", "company_name": "Rossi Impianti S.r.l.", "vat_number": "00743110157"}).id
    invoices = receivables // 4
    today, now = date.today(), datetime.now(UTC)
    engine = app_db.get_engine()
    with engine.begin() as connection:
        document = SalesDocument.__table__
        rows = [{"kind": "invoice", "year": 2025, "number": n, "document_date": today - timedelta(days=n % 400),
                 "customer_id": customer_id, "status": "approved", "shipping_costs": 0, "net_total": Decimal(1000),
                 "vat_total": Decimal(220), "gross_total": Decimal(1220), "version": 1, "created_at": now,
                 "updated_at": now} for n in range(1, invoices + 1)]
        rows += [{"kind": "order", "year": 2025, "number": n, "document_date": today, "customer_id": customer_id,
                  "status": "open", "shipping_costs": 0, "net_total": Decimal(100), "vat_total": Decimal(22),
                  "gross_total": Decimal(122), "version": 1, "created_at": now, "updated_at": now}
                 for n in range(1, orders + 1)]
        connection.execute(sa.insert(document), rows)
        invoice_ids = connection.execute(sa.select(document.c.id).where(document.c.kind == "invoice")).scalars().all()
        connection.execute(sa.insert(Receivable.__table__), [
            {"customer_id": customer_id, "invoice_id": invoice_id, "instalment": k, "due_on": today,
             "amount": Decimal(305), "paid": Decimal(0), "settled": False}
            for invoice_id in invoice_ids for k in range(1, 5)])
    with session_scope(write=True) as session:
        credit.reconcile(session)
        credit.save_terms(session=session, actor=office, customer_id=customer_id, raw={"credit_limit": "5000000"})
        assert session.get(Customer, customer_id) is not None
    return customer_id, office


def timed(runs: int, once) -> list[float]:  # noqa: ANN001
    samples = []
    for _ in range(runs):
        engine = app_db.get_engine()
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind) as session:
            started = time.perf_counter()
            once(session)
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--receivables", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(os.environ['DATA_DIR']) / 'bench.db'}"
    engine = engine_for(url)
    app_db.get_engine = lambda: engine
    upgrade_to_head(url)

    from app.domain import credit as rules
    from app.services import credit, customers, sales

    customer_id, office = build(args.receivables, args.orders)
    amount = Decimal("2703.20")

    def kept(session) -> None:  # noqa: ANN001
        customers.locked_customer(session, customer_id)
        credit.order_reasons(session, customer_id, amount=amount, previous=Decimal(0), shipping_costs=Decimal(0),
                             payment_term="BT30", source="office", block_holds=False)

    def summed(session) -> None:  # noqa: ANN001
        customers.locked_customer(session, customer_id)
        exposure = credit.exposure_by_sum(session, customer_id)
        row = credit.account(session, customer_id)
        rules.hold_reasons(rules.OrderCheck(
            block_holds=False, limit=row.credit_limit, exposure=exposure.total, amount=amount, from_web_shop=False,
            shipping_costs=Decimal(0), usual_shipping_costs=row.shipping_costs, payment_term="BT30",
            usual_payment_term=row.payment_term), credit.hold_policy())

    def whole_order(session) -> None:  # noqa: ANN001
        sales.create_document(session=session, actor=office, customer_id=customer_id, kind="order", raw=ORDER)

    with session_scope() as session:
        figures = credit.exposure(session, customer_id)
        assert figures == credit.exposure_by_sum(session, customer_id), "the running figures must equal the sums"
    for warm in (kept, summed, whole_order):
        timed(5, warm)
    results = {"database": engine.dialect.name, "receivables": args.receivables, "orders": args.orders,
               "runs": args.runs, "exposure": str(figures.total),
               "kept_figures": summary(timed(args.runs, kept)),
               "naive_sum_baseline": summary(timed(args.runs, summed)),
               "whole_order_with_check": summary(timed(max(20, args.runs // 3), whole_order))}
    base, mine = results["naive_sum_baseline"], results["kept_figures"]
    results["ratio_p95_baseline_over_kept"] = round(base["p95_ms"] / mine["p95_ms"], 1)
    print(f"{results['database']}: customer with {args.receivables} open receivables and {args.orders} open orders,"
          f" exposure {figures.total} €")
    for name in ("kept_figures", "naive_sum_baseline", "whole_order_with_check"):
        print(f"  {name:<24} p50 {results[name]['p50_ms']:>8.3f} ms   p95 {results[name]['p95_ms']:>8.3f} ms")
    print(f"  the naive sum's p95 is {results['ratio_p95_baseline_over_kept']}x the kept figures' "
          f"(target: kept p95 <= 10 ms: {'met' if mine['p95_ms'] <= 10 else 'NOT met'})")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
