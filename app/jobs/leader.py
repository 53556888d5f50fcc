"""One process runs the schedule: with several app processes (and several workers each), the scheduled jobs
run exactly once at a time. The process holding the lock runs them; if it dies, the lock goes with it and
another process takes over at its next turn.

On PostgreSQL the database holds the lock (processes may be on different hosts): a session advisory lock
on a connection of the leader's own. Elsewhere a lock file in the data folder serves the processes of this
host, as SQLite does."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

SCHEDULE_LOCK_KEY = 0x5C4ED01E


class Leadership:
    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.database_url, self.data_dir = database_url, data_dir
        self._connection: Connection | None = None
        self._file: IO | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def try_acquire(self) -> bool:
        """True while this process leads; never waits."""
        if self.database_url.startswith("postgresql"):
            return self._postgres()
        return self._file_lock()

    def _postgres(self) -> bool:
        if self._connection is not None:
            try:  # still connected, so still holding the lock
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001 - a lost connection lost the lock with it
                log.warning("the schedule's lock connection was lost: trying to lead again")
                self._close_connection()
        engine = create_engine(self.database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        connection = engine.connect()
        if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULE_LOCK_KEY}).scalar():
            self._connection = connection
            log.info("this process runs the scheduled jobs")
            return True
        connection.close()
        engine.dispose()
        return False

    def _file_lock(self) -> bool:
        import fcntl

        if self._file is not None:
            return True
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.data_dir / "schedule.lock", "w")  # noqa: SIM115 - held open as long as the lead
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        log.info("this process runs the scheduled jobs")
        return True

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail; the lock is gone anyway
                log.debug("closing the lost lock connection failed", exc_info=True)

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULE_LOCK_KEY})
            finally:
                self._close_connection()
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None
