"""Importing customers from a file, on SQLite, against a bare insert of the same rows.

    python benchmarks/customer_import.py [--rows 100000] [--skip-xlsx] [--skip-rerun] [--profile]

Generates `--rows` customers (the demo generator's: businesses and private persons with valid VAT numbers,
tax codes, phones and addresses) into a CSV file (';', as Italian spreadsheets save it) and an XLSX file,
then, each on a fresh SQLite database migrated to head:

- baseline: one `executemany` INSERT of the same rows' cells into a bare table of text columns;
- CSV import: upload, start and run exactly as the page does (the worker's body, in this thread);
- re-run of the same CSV on the same database (every row found, nothing changes);
- XLSX import on another fresh database.

Prints rows/s, seconds and the ratio to the baseline for each; the last line is one JSON object. The
target is 100,000 rows in 60 s or less. Everything is written in a temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import pstats
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_dir  # noqa: E402

SCRATCH = Path(scratch_dir())
os.environ.setdefault("DATA_DIR", str(SCRATCH))

import sqlalchemy as sa  # noqa: E402

from app import db as app_db  # noqa: E402
from app.db import engine_for, session_scope  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402

HEADERS = ["Codice esterno", "Tipo", "Ragione sociale", "Nome", "Cognome", "Partita IVA", "Codice fiscale",
           "Codice SDI", "PEC", "Email", "Telefono", "Cellulare", "Indirizzo", "CAP", "Comune", "Provincia"]
FIELDS = ["external_code", "kind", "company_name", "first_name", "last_name", "vat_number", "tax_code", "sdi_code",
          "pec", "email", "phone", "mobile", "street", "cap", "city", "province"]


def generate(rows: int) -> list[list[str]]:
    from app.demo.generator import RegistryGenerator

    generator = RegistryGenerator(seed=7)
    table = []
    for number in range(1, rows + 1):
        c = generator.customer(number).customer
        table.append(["" if c.get(f) is None else str(c[f]) for f in FIELDS])
    return table


def write_csv(path: Path, table: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(table)


def write_xlsx(path: Path, table: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clienti")
    sheet.append(HEADERS)
    for row in table:
        sheet.append(row)
    book.save(path)


def fresh_database(name: str) -> sa.Engine:
    url = f"sqlite:///{SCRATCH / name}"
    upgrade_to_head(url)
    engine = engine_for(url)
    app_db.get_engine = lambda: engine  # the import's own sessions open on this database
    return engine


def baseline(table: list[list[str]]) -> float:
    path = SCRATCH / "baseline.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"CREATE TABLE bare (id INTEGER PRIMARY KEY, {', '.join(f'{f} TEXT' for f in FIELDS)})")
    started = time.perf_counter()
    with connection:
        connection.executemany(f"INSERT INTO bare ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})",
                               table)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def admin():  # noqa: ANN201
    from app.domain.permissions import Role
    from app.services.auth import actor_of
    from app.services.users import create_user

    with session_scope(write=True) as session:
        user = create_user(session=session, email="bench@example.com", full_name="Banco Prova", role=Role.ADMIN,
                           password="Trifoglio-Verde-42")
        return actor_of(user)


def run_import(actor, path: Path, profile: bool) -> tuple[float, dict]:  # noqa: ANN001
    from app.services import customer_import

    started = time.perf_counter()
    with session_scope(write=True) as session:
        job = customer_import.upload(session=session, actor=actor, filename=path.name, data=path.read_bytes())
    with session_scope(write=True) as session:
        customer_import.start(session=session, actor=actor, job_id=job.id, mapping=FIELDS)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    customer_import.run(job.id, actor)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    elapsed = time.perf_counter() - started
    with session_scope() as session:
        view = customer_import.get_job(session=session, actor=actor, job_id=job.id)
    if view.status != "done":
        raise SystemExit(f"the import ended {view.status}: {view.message}")
    return elapsed, view.counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-rerun", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("UPLOAD_MAX_MB", "200")
    from app.settings import get_settings

    get_settings.cache_clear()

    table = generate(args.rows)
    csv_path, xlsx_path = SCRATCH / "clienti.csv", SCRATCH / "clienti.xlsx"
    write_csv(csv_path, table)
    base = baseline(table)
    print(f"rows: {args.rows}; baseline executemany insert: {base:.2f} s ({args.rows / base:,.0f} rows/s)")
    results: dict[str, object] = {"rows": args.rows, "baseline_s": round(base, 3)}

    def report(name: str, elapsed: float, counts: dict) -> None:
        print(f"{name}: {elapsed:.1f} s, {args.rows / elapsed:,.0f} rows/s, {elapsed / base:.0f}x the baseline; "
              f"counts {counts}")
        results[f"{name}_s"] = round(elapsed, 2)
        results[f"{name}_rows_per_s"] = round(args.rows / elapsed)
        results[f"{name}_ratio"] = round(elapsed / base, 1)

    fresh_database("csv.db")
    actor = admin()
    elapsed, counts = run_import(actor, csv_path, args.profile)
    report("csv", elapsed, counts)
    if not args.skip_rerun:
        elapsed, counts = run_import(actor, csv_path, False)
        report("csv_rerun", elapsed, counts)
    if not args.skip_xlsx:
        write_xlsx(xlsx_path, table)
        fresh_database("xlsx.db")
        actor = admin()
        elapsed, counts = run_import(actor, xlsx_path, False)
        report("xlsx", elapsed, counts)
    results["target_met"] = results["csv_s"] <= 60 * args.rows / 100_000
    print(json.dumps(results))


if __name__ == "__main__":
    main()
