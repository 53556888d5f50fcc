"""Scheduled work. Runs inside the app (a lifespan task per worker; rows are claimed, so running
on several workers at once is safe) and from the command line for cron: `python -m app.jobs outbox`,
`python -m app.jobs contracts`, `python -m app.jobs files`, `python -m app.jobs credit`,
`python -m app.jobs interventions`, `python -m app.jobs webhooks`, `python -m app.jobs sync` (the upstream
registry's changes)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date

from app.db import session_scope
from app.jobs.leader import Leadership
from app.services import credit, customer_import, documents, interventions, outbox, upstream, webhooks
from app.settings import get_settings

log = logging.getLogger(__name__)

OUTBOX_EVERY_SECONDS = 20


async def deliver_outbox() -> int:
    return await outbox.deliver_pending(session_factory=session_scope, settings=get_settings())


async def warn_expiring_contracts() -> int:
    def run() -> int:
        with session_scope(write=True) as session:
            return documents.warn_expiring_contracts(session=session, today=date.today())

    return await asyncio.to_thread(run)


async def remove_orphan_files() -> int:
    def run() -> int:
        with session_scope() as session:
            return documents.remove_orphans(session=session)

    return await asyncio.to_thread(run)


async def check_credit() -> credit.JobResult:
    def run() -> credit.JobResult:
        with session_scope(write=True) as session:
            return credit.run_job(session, date.today())

    return await asyncio.to_thread(run)


async def remind_interventions() -> int:
    def run() -> int:
        with session_scope(write=True) as session:
            return interventions.send_reminders(session=session)

    return await asyncio.to_thread(run)


async def fail_abandoned_imports() -> int:
    """Imports left running by a process that stopped (their heartbeat went quiet) end as failed."""
    def run() -> int:
        with session_scope(write=True) as session:
            return customer_import.fail_abandoned(session=session)

    return await asyncio.to_thread(run)


async def deliver_webhooks() -> int:
    return await asyncio.to_thread(webhooks.deliver_due, session_factory=session_scope)


async def sync_upstream() -> upstream.SyncResult:
    """The upstream registry's changes to the customers linked to it (nothing when none is connected)."""
    return await asyncio.to_thread(upstream.sync, session_factory=session_scope)


JOBS = {"outbox": deliver_outbox, "webhooks": deliver_webhooks, "contracts": warn_expiring_contracts,
        "files": remove_orphan_files, "credit": check_credit, "interventions": remind_interventions,
        "imports": fail_abandoned_imports, "sync": sync_upstream}
# Jobs that need not run at every turn of the schedule: seconds between two runs.
EVERY_SECONDS = {"credit": 3600, "interventions": 600, "imports": 60, "sync": 300}


async def run_scheduled_jobs() -> None:
    """Every worker of every process starts this; only the one that leads runs the jobs."""
    settings = get_settings()
    leadership = Leadership(settings.database_url, settings.data_dir)
    last_run: dict[str, float] = {}
    try:
        while True:
            try:
                leading = await asyncio.to_thread(leadership.try_acquire)
            except Exception:  # the database away for a moment must not end the schedule
                log.exception("could not ask who runs the scheduled jobs")
                leading = False
            if leading:
                await _run_due(last_run)
            await asyncio.sleep(OUTBOX_EVERY_SECONDS)
    finally:
        leadership.release()


async def _run_due(last_run: dict[str, float]) -> None:
    for name, job in JOBS.items():
        now = time.monotonic()
        if name in last_run and now - last_run[name] < EVERY_SECONDS.get(name, 0):
            continue
        last_run[name] = now
        try:
            done = await job()
            if done:
                log.info("job %s: %s done", name, done)
        except Exception:  # one failing run must not stop the schedule
            log.exception("job %s failed", name)
