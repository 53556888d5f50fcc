"""A technician's agenda and the office's planning calendar, with a long history behind them.

    python benchmarks/interventions.py [--history 5000 --month 2000 --technicians 30 --runs 200]
    python benchmarks/interventions.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Builds (in a fresh SQLite database, or in the PostgreSQL database named, whose public schema is emptied)
a few hundred generated customers with their sites and `--technicians` technicians; one technician has
`--history` interventions over the five years before this month; every other one `--others` older ones;
and `--month` interventions this month spread across all of them, and ten each in the fortnight after
(working hours, some cancelled, the past ones closed, today's first ones under way). Then times, in the same run:

- the agenda: app.services.interventions.agenda for the busy technician's today (today's list and the
  week), against the naive read: every intervention of that technician loaded and filtered in Python;
- the calendar: the data of the office's month view, the active technicians (for the colours) and
  app.services.interventions.calendar for the month with the rows as the page shows them, against the
  naive read: every intervention loaded and filtered in Python, then the same rows.

Each run opens its own session. Prints p50/p95 per way and the ratio; the last line is one JSON object.
Timings are wall-clock on a shared machine: compare ratios. Targets: agenda p95 <= 20 ms, calendar
p95 <= 50 ms.
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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratch import scratch_dir  # noqa: E402

os.environ.setdefault("DATA_DIR", scratch_dir())

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app import db as app_db  # noqa: E402
from app.db import engine_for  # noqa: E402
from app.demo.generator import bulk_load  # noqa: E402
from app.domain.permissions import Actor, Role  # noqa: E402
from app.domain.vocabularies import InterventionStatus  # noqa: E402
from app.i18n.formats import TIME_ZONE  # noqa: E402
from app.migrate import upgrade_to_head  # noqa: E402
from app.models import Customer, Intervention, InterventionTechnician, InterventionType, Site  # noqa: E402
from app.models.base import as_utc  # noqa: E402
from app.services import interventions  # noqa: E402
from app.services.auth import actor_of  # noqa: E402
from app.services.interventions import local_day_bounds  # noqa: E402
from app.services.users import create_user  # noqa: E402

CUSTOMERS = 600
DESCRIPTIONS = ("Manutenzione programmata della caldaia", "Perdita d'acqua dalla caldaia", "Verifica fumi",
                "Installazione climatizzatore", "Sostituzione valvola termostatica", "Controllo impianto")


def _month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def build(engine: sa.Engine, args: argparse.Namespace, today: date) -> tuple[Actor, Actor, dict]:
    """The data written in bulk: through the services a five-year history would take far longer than the
    timings, and the rows are the ones the services would write."""
    rng = random.Random(12)
    bulk_load(engine, CUSTOMERS, batch=CUSTOMERS)
    now = datetime.now(UTC)
    with Session(engine) as session:
        office = actor_of(create_user(session=session, email="ufficio@bench.example.com", full_name="Ufficio Prova",
                                      role=Role.OFFICE))
        technicians = [create_user(session=session, email=f"tecnico{n:02d}@bench.example.com",
                                   full_name=f"Tecnico {n:02d}", role=Role.TECHNICIAN)
                       for n in range(args.technicians)]
        session.commit()
        tech_ids = [u.id for u in technicians]
        busy = actor_of(technicians[0])
        with_site = set(session.exec(select(Site.customer_id)))
        missing = [c for c in session.exec(select(Customer.id)) if c not in with_site]
        session.execute(sa.insert(Site.__table__), [
            {"customer_id": c, "name": "Sede", "street": "Via Roma 1", "cap": "20121", "city": "Milano",
             "province": "MI", "country": "IT", "is_default": True, "created_at": now} for c in missing])
        session.commit()
        sites = list(session.exec(select(Site.id, Site.customer_id)))
        kinds = list(session.exec(select(InterventionType.id)))
    month_start, month_end = _month(today)
    month_days = (month_end - month_start).days + 1
    history_days = 5 * 365
    plan: list[tuple[int, date]] = []
    plan += [(tech_ids[0], month_start - timedelta(days=rng.randint(1, history_days))) for _ in range(args.history)]
    plan += [(t, month_start - timedelta(days=rng.randint(1, history_days)))
             for t in tech_ids[1:] for _ in range(args.others)]
    plan += [(tech_ids[n % len(tech_ids)], month_start + timedelta(days=rng.randrange(month_days)))
             for n in range(args.month)]
    # The fortnight after the month, planned already: the agenda's week runs into it at the month's end.
    plan += [(tech_ids[n % len(tech_ids)], month_end + timedelta(days=rng.randint(1, 14)))
             for n in range(args.technicians * 10)]
    rows, crew = [], []
    now_local = datetime.now(TIME_ZONE)
    for number, (tech, day) in enumerate(plan, start=1):
        starts = datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.choice((0, 15, 30, 45)),
                          tzinfo=TIME_ZONE)
        ends = starts + timedelta(minutes=rng.choice((60, 90, 120, 180)))
        site_id, customer_id = sites[rng.randrange(len(sites))]
        if rng.random() < 0.04:
            status = InterventionStatus.CANCELLED
        elif ends < now_local:
            status = InterventionStatus.CLOSED
        elif starts < now_local:
            status = InterventionStatus.IN_PROGRESS
        else:
            status = InterventionStatus.PLANNED
        done = status is InterventionStatus.CLOSED
        rows.append({
            "id": number, "number": f"INT-B-{number:07d}", "customer_id": customer_id, "site_id": site_id,
            "type_id": rng.choice(kinds), "starts_at": starts.astimezone(UTC), "ends_at": ends.astimezone(UTC),
            "description": rng.choice(DESCRIPTIONS), "status": status.value,
            "cancel_reason": "Rimandato dal cliente" if status is InterventionStatus.CANCELLED else None,
            "started_at": starts.astimezone(UTC) if done or status is InterventionStatus.IN_PROGRESS else None,
            "closed_at": ends.astimezone(UTC) if done else None, "work_done": "Eseguito" if done else None,
            "minutes_spent": int((ends - starts).total_seconds() // 60) if done else None,
            "signer_name": "Mario Rossi" if done else None, "version": 1, "created_at": now, "updated_at": now})
        crew.append({"intervention_id": number, "user_id": tech, "starts_at": starts.astimezone(UTC),
                     "ends_at": ends.astimezone(UTC), "active": status is not InterventionStatus.CANCELLED})
    with engine.begin() as connection:
        for offset in range(0, len(rows), 5000):
            connection.execute(sa.insert(Intervention.__table__), rows[offset:offset + 5000])
            connection.execute(sa.insert(InterventionTechnician.__table__), crew[offset:offset + 5000])
        connection.exec_driver_sql("ANALYZE")
    return busy, office, {"interventions": len(rows), "busy_history": args.history + sum(
        1 for tech, day in plan[args.history:] if tech == tech_ids[0])}


def naive_agenda(session: Session, actor: Actor, today: date) -> interventions.Agenda:
    """Every intervention of the technician loaded, the day and the week picked in Python."""
    mine = session.exec(select(Intervention).join(
        InterventionTechnician, InterventionTechnician.intervention_id == Intervention.id)
        .where(InterventionTechnician.user_id == actor.user_id)).all()
    day_start, day_end = local_day_bounds(today)
    week_end = local_day_bounds(today + timedelta(days=7))[1]
    live = [i for i in mine if i.status != InterventionStatus.CANCELLED.value]
    running = [i for i in live if as_utc(i.starts_at) < day_start and i.status == InterventionStatus.IN_PROGRESS.value]
    todays = [i for i in live if day_start <= as_utc(i.starts_at) < day_end]
    week = [i for i in live if day_end <= as_utc(i.starts_at) < week_end]
    order = lambda i: (as_utc(i.starts_at), i.id)  # noqa: E731
    return interventions.Agenda(interventions._rows(session, sorted(running, key=order) + sorted(todays, key=order),
                                                    actor.language),
                                interventions._rows(session, sorted(week, key=order), actor.language))


def naive_calendar(session: Session, actor: Actor, start: datetime, end: datetime) -> list:
    """Every intervention loaded, the month's picked in Python, then the same rows."""
    interventions.list_technicians(session=session, actor=actor)
    found = [i for i in session.exec(select(Intervention)).all()
             if i.status != InterventionStatus.CANCELLED.value and as_utc(i.starts_at) < end
             and as_utc(i.ends_at) > start]
    found.sort(key=lambda i: (as_utc(i.starts_at), i.id))
    return interventions._rows(session, found, actor.language)


def timed(engine: sa.Engine, runs: int, once: Callable[[Session], object]) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        with Session(engine) as session:
            started = time.perf_counter()
            once(session)
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2), "max_ms": round(ordered[-1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history", type=int, default=5000, help="the busy technician's past interventions")
    parser.add_argument("--others", type=int, default=1000, help="past interventions of every other technician")
    parser.add_argument("--month", type=int, default=2000, help="interventions this month, across all technicians")
    parser.add_argument("--technicians", type=int, default=30)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{Path(os.environ['DATA_DIR']) / 'bench.db'}"
    engine = engine_for(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    app_db.get_engine = lambda: engine
    upgrade_to_head(url)

    today = datetime.now(TIME_ZONE).date()
    started = time.perf_counter()
    busy, office, sizes = build(engine, args, today)
    built = time.perf_counter() - started
    month_start, month_end = _month(today)
    start, end = local_day_bounds(month_start)[0], local_day_bounds(month_end)[1]

    def agenda(session: Session) -> interventions.Agenda:
        return interventions.agenda(session=session, actor=busy, today=today)

    def calendar(session: Session) -> list:
        interventions.list_technicians(session=session, actor=office)
        return interventions.calendar(session=session, actor=office, start=start, end=end)

    with Session(engine) as session:  # the two ways must answer the same, or the ratio means nothing
        mine, base = agenda(session), naive_agenda(session, busy, today)
        assert [r.id for r in mine.today + mine.week] == [r.id for r in base.today + base.week]
        month_rows = calendar(session)
        assert [r.id for r in month_rows] == [r.id for r in naive_calendar(session, office, start, end)]
    # Objects alive before timing (the imports, the load) are set aside as a served app's would be after
    # start-up; the reads' own garbage is collected as usual.
    gc.collect()
    gc.freeze()
    results = {"database": engine.dialect.name, **sizes, "technicians": args.technicians,
               "build_seconds": round(built, 1), "runs": args.runs, "today_rows": len(mine.today),
               "week_rows": len(mine.week), "month_rows": len(month_rows)}
    print(f"{engine.dialect.name}: {sizes['interventions']:,} interventions, the busy technician "
          f"{sizes['busy_history']:,}; {len(month_rows):,} this month across {args.technicians} technicians "
          f"(built in {built:.0f} s); p50 / p95 in ms")
    print(f"  {'read':<42} {'app':>17} {'naive baseline':>19} {'ratio p95':>10}")
    targets = {"agenda": 20.0, "calendar": 50.0}
    cases = {
        "agenda": (f"agenda: today {len(mine.today)} + week {len(mine.week)}", agenda,
                   lambda s: naive_agenda(s, busy, today)),
        "calendar": (f"calendar: the month, {len(month_rows)} rows", calendar,
                     lambda s: naive_calendar(s, office, start, end)),
    }
    for key, (label, app_way, naive_way) in cases.items():
        app_way(Session(engine))
        ours, theirs = timed(engine, args.runs, app_way), timed(engine, max(10, args.runs // 10), naive_way)
        ratio = round(theirs["p95_ms"] / ours["p95_ms"], 1) if ours["p95_ms"] else None
        met = ours["p95_ms"] <= targets[key]
        results[key] = {"app": ours, "naive": theirs, "ratio_p95": ratio, "target_p95_ms": targets[key],
                        "met": met}
        print(f"  {label:<42} {ours['p50_ms']:>7.2f} / {ours['p95_ms']:>7.2f} "
              f"{theirs['p50_ms']:>8.2f} / {theirs['p95_ms']:>8.2f} {ratio:>9}x  "
              f"(target p95 <= {targets[key]:.0f} ms: {'met' if met else 'NOT met'})")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
