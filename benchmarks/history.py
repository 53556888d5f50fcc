"""The first page of a customer's transaction history, whatever the filters.

    python benchmarks/history.py [--lines 200000 --runs 30]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python benchmarks/history.py

Builds one customer with `--lines` article lines over ten years of invoices, open orders, credit notes and
complaints (in a fresh SQLite database, or in the empty PostgreSQL database DATABASE_URL names), then
times the first page (30 lines) for a set of filter combinations in two ways, in the same run:

- the app's (app.services.history.search): the history_line copy, read along its (customer, date) index;
- the naive baseline: the same page joined and filtered from the documents, lines and articles at each
  request.

Prints p50/p95 per combination and way, and the ratio; the last line is one JSON object. Timings are
wall-clock on a shared machine: compare ratios. Target: the app's p95 <= 30 ms for every combination.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
from sqlmodel import Session, col, func, select  # noqa: E402

from app import db as app_db  # noqa: E402
from app.db import engine_for, session_scope  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402

KINDS = [("invoice", "approved", "sold", "FT")] * 7 + [("order", "open", "ordered", "ORD"),
                                                       ("credit_note", "approved", "returned", "NC"),
                                                       ("complaint", "approved", "complaint", "REC")]
SIZES = ("38", "40", "42", "44", "46", "S", "M", "L", "XL")
COLOURS = ("nero", "blu", "rosso", "verde", "grigio")
NAMES = ("Scarponi antinfortunistici", "Guanti da lavoro", "Giacca termica", "Pantaloni cargo", "Casco",
         "Occhiali protettivi", "Cuffie antirumore", "Gilet alta visibilità", "Mascherina FFP2",
         "Cintura porta attrezzi")


def build(lines: int) -> tuple[int, object]:
    """The history written in bulk (through the services it would take an hour), with the copy the app
    keeps beside it."""
    from app.domain.history import search_text
    from app.domain.permissions import Role
    from app.models import Article, HistoryLine, SalesDocument, SalesLine
    from app.services import customers
    from app.services.auth import actor_of
    from app.services.users import create_user

    rng = random.Random(7)
    with session_scope(write=True) as session:
        office = actor_of(create_user(session=session, email="bench@example.com", full_name="Banco Prova",
                                      role=Role.ADMIN, password="Trifoglio-Verde-42"))
        customer_id = customers.create_customer(session=session, actor=office, raw={
            "kind": "business", "company_name": "Rossi Impianti S.r.l.", "vat_number": "00743110157"}).id
    articles = []
    for n in range(200):
        name = NAMES[n % len(NAMES)]
        articles.append({"code": f"ART-{n:04d}", "ean": f"80012345{n:05d}", "description": f"{name} {n}",
                         "unit_price": Decimal(rng.randint(5, 400)), "vat_rate": Decimal(22),
                         "properties": f"taglia={SIZES[n % len(SIZES)]}; colore={COLOURS[n % len(COLOURS)]}",
                         "active": True})
    engine = app_db.get_engine()
    now, today = datetime.now(UTC), date.today()
    per_document = 10
    with engine.begin() as connection:
        connection.execute(sa.insert(Article.__table__), articles)
        article_rows = connection.execute(sa.select(Article.__table__)).mappings().all()
        documents = []
        for n in range(lines // per_document):
            kind, status, _, _ = KINDS[n % len(KINDS)]
            day = today - timedelta(days=rng.randint(0, 3650))
            documents.append({"kind": kind, "year": day.year, "number": n + 1, "document_date": day,
                              "customer_id": customer_id, "status": status, "shipping_costs": Decimal(0),
                              "net_total": Decimal(0), "vat_total": Decimal(0), "gross_total": Decimal(0),
                              "defective": kind == "complaint" and n % 2 == 0, "version": 1, "created_at": now,
                              "updated_at": now})
        connection.execute(sa.insert(SalesDocument.__table__), documents)
        saved = connection.execute(sa.select(SalesDocument.__table__).order_by(SalesDocument.__table__.c.id)
                                   ).mappings().all()
        sales_lines, history_lines = [], []
        line_id = 0
        for document in saved:
            kind_prefix = next(p for k, _, _, p in KINDS if k == document["kind"])
            shown = next(h for k, _, h, _ in KINDS if k == document["kind"])
            number = f"{kind_prefix}-{document['year']}/{document['number']:05d}"
            gross_total = Decimal(0)
            picked = []
            for position in range(1, per_document + 1):
                article = article_rows[rng.randrange(len(article_rows))]
                quantity = Decimal(rng.randint(1, 20))
                gross = (quantity * article["unit_price"] * Decimal("1.22")).quantize(Decimal("0.01"))
                gross_total += gross
                line_id += 1
                picked.append((line_id, position, article, quantity, gross))
            for line_id_, position, article, quantity, gross in picked:
                sales_lines.append({"id": line_id_, "document_id": document["id"], "position": position,
                                    "article_id": article["id"], "description": article["description"],
                                    "quantity": quantity, "unit_price": article["unit_price"],
                                    "discount": Decimal(0), "vat_rate": Decimal(22), "net": gross, "vat": Decimal(0),
                                    "gross": gross})
                history_lines.append({
                    "line_id": line_id_, "customer_id": customer_id, "document_id": document["id"],
                    "document_kind": document["kind"], "document_number": number, "source_number": None,
                    "document_date": document["document_date"], "document_created_at": now, "status": shown,
                    "article_id": article["id"], "article_code": article["code"], "ean": article["ean"],
                    "description": article["description"], "properties": article["properties"],
                    "quantity": quantity, "unit_price": article["unit_price"], "unit_discount": Decimal(0),
                    "final_unit_gross": (gross / quantity).quantize(Decimal("0.01")), "document_gross": gross_total,
                    "defective": document["defective"],
                    "search_text": search_text(article["description"], article["code"], article["ean"],
                                               article["properties"], number)})
            connection.execute(sa.update(SalesDocument.__table__).where(SalesDocument.__table__.c.id == document["id"])
                               .values(gross_total=gross_total))
            if len(sales_lines) >= 20_000:
                connection.execute(sa.insert(SalesLine.__table__), sales_lines)
                connection.execute(sa.insert(HistoryLine.__table__), history_lines)
                sales_lines, history_lines = [], []
        if sales_lines:
            connection.execute(sa.insert(SalesLine.__table__), sales_lines)
            connection.execute(sa.insert(HistoryLine.__table__), history_lines)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    return customer_id, office


def naive_page(session: Session, customer_id: int, flt) -> list:  # noqa: ANN001
    """The same first page from the documents themselves: what the history cost without its copy."""
    from app.domain.history import VISIBLE
    from app.models import Article, SalesDocument, SalesLine

    gross_unit = SalesLine.gross / SalesLine.quantity
    text = func.lower(SalesLine.description + " " + func.coalesce(Article.code, "") + " " +
                      func.coalesce(Article.ean, "") + " " + func.coalesce(Article.properties, ""))
    shown = sa.or_(*(sa.and_(SalesDocument.kind == k, SalesDocument.status == s) for k, s in VISIBLE))
    statement = (select(SalesLine.id, SalesLine.description, SalesDocument.document_date)
                 .join(SalesDocument, col(SalesDocument.id) == SalesLine.document_id)
                 .join(Article, col(Article.id) == SalesLine.article_id, isouter=True)
                 .where(SalesDocument.customer_id == customer_id, shown))
    if flt.text:
        statement = statement.where(text.like(f"%{flt.text}%"))
    if flt.status is not None:
        statement = statement.where(sa.or_(*(sa.and_(SalesDocument.kind == k, SalesDocument.status == s)
                                             for (k, s), h in VISIBLE.items() if h is flt.status)))
    if flt.price_min is not None:
        statement = statement.where(gross_unit >= flt.price_min)
    if flt.price_max is not None:
        statement = statement.where(gross_unit <= flt.price_max)
    if flt.date_from is not None:
        statement = statement.where(SalesDocument.document_date >= flt.date_from)
    if flt.date_to is not None:
        statement = statement.where(SalesDocument.document_date <= flt.date_to)
    if flt.value_min is not None:
        statement = statement.where(SalesDocument.gross_total >= flt.value_min)
    if flt.value_max is not None:
        statement = statement.where(SalesDocument.gross_total <= flt.value_max)
    if flt.defective:
        statement = statement.where(col(SalesDocument.defective))
    if flt.property:
        statement = statement.where(text.like(f"%{flt.property}%"))
    return list(session.exec(statement.order_by(col(SalesDocument.document_date).desc(),
                                                col(SalesLine.id).desc()).limit(31)))


def timed(runs: int, once) -> dict[str, float]:  # noqa: ANN001
    samples = []
    for _ in range(runs):
        with Session(app_db.get_engine()) as session:
            started = time.perf_counter()
            once(session)
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(os.environ['DATA_DIR']) / 'bench.db'}"
    engine = engine_for(url)
    app_db.get_engine = lambda: engine
    upgrade_to_head(url)

    from app.domain.history import read_filter
    from app.services import history

    started = time.perf_counter()
    customer_id, office = build(args.lines)
    built = time.perf_counter() - started
    today = date.today()
    combinations = {
        "no filter": {},
        "common text": {"q": "scarponi"},
        "rare text (a document number)": {"q": "ft-2019/00"},
        "text matching nothing": {"q": "zzz"},
        "status returned + price range": {"status": "returned", "price_min": "50", "price_max": "120"},
        "one month": {"date_from": (today - timedelta(days=400)).isoformat(),
                      "date_to": (today - timedelta(days=370)).isoformat()},
        "document value range": {"value_min": "20000", "value_max": "21000"},
        "defective": {"defective": "on"},
        "property + status": {"property": "taglia=42", "status": "sold"},
        "everything": {"q": "guanti", "status": "sold", "price_min": "10", "price_max": "500",
                       "date_from": (today - timedelta(days=2000)).isoformat(), "date_to": today.isoformat(),
                       "value_min": "1000", "value_max": "90000", "property": "colore=blu"},
    }
    results = {"database": engine.dialect.name, "lines": args.lines, "runs": args.runs,
               "build_seconds": round(built, 1), "combinations": {}}
    print(f"{engine.dialect.name}: one customer with {args.lines} history lines (built in {built:.0f} s); "
          f"first page of 30, p50 / p95 in ms")
    print(f"  {'filters':<32} {'history':>17} {'naive baseline':>19} {'ratio p95':>10}")
    worst = 0.0
    for name, raw in combinations.items():
        flt, errors = read_filter(raw)
        assert not errors, errors

        def app_page(session, flt=flt) -> None:  # noqa: ANN001
            history.search(session=session, actor=office, customer_id=customer_id, flt=flt)

        def naive(session, flt=flt) -> None:  # noqa: ANN001
            naive_page(session, customer_id, flt)

        app_page(Session(engine))
        mine, base = timed(args.runs, app_page), timed(max(5, args.runs // 3), naive)
        ratio = round(base["p95_ms"] / mine["p95_ms"], 1) if mine["p95_ms"] else None
        worst = max(worst, mine["p95_ms"])
        results["combinations"][name] = {"history": mine, "naive": base, "ratio_p95": ratio}
        print(f"  {name:<32} {mine['p50_ms']:>7.2f} / {mine['p95_ms']:>7.2f} "
              f"{base['p50_ms']:>8.2f} / {base['p95_ms']:>8.2f} {ratio:>9}x")
    results["worst_p95_ms"] = worst
    print(f"  worst p95 of the history: {worst:.2f} ms (target <= 30 ms: {'met' if worst <= 30 else 'NOT met'})")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
