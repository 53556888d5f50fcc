"""Brings a database to the newest schema; the app calls it at start, set-up and tests too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from alembic import command
from app.settings import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)

# The one key every process that migrates a PostgreSQL database locks ("registry" in ASCII).
MIGRATION_LOCK_KEY = 0x7265676973747279


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    config.attributes["configure_logger"] = False
    return config


def _sqlite_file(url: str) -> Path | None:
    return Path(url.split("///", 1)[1]) if url.startswith("sqlite") and "///" in url else None


def upgrade_to_head(database_url: str | None = None) -> None:
    url = database_url or get_settings().database_url
    if (path := _sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


def upgrade_to_head_locked(database_url: str | None = None) -> None:
    """Several processes start at once: one migrates, the others wait for it and find nothing to do.

    On PostgreSQL the processes may run on different hosts, so the database itself holds the lock;
    elsewhere a lock file in the data folder serializes the processes of this host."""
    url = database_url or get_settings().database_url
    if url.startswith("postgresql"):
        with postgres_migration_lock(url):
            upgrade_to_head(url)
        return
    import fcntl

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            upgrade_to_head(url)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def postgres_migration_lock(url: str) -> Iterator[None]:
    """Holds the session-level advisory lock MIGRATION_LOCK_KEY for the block.

    The lock lives on a connection of its own, outside any pool and in autocommit: it is never idle
    in a transaction while the migration runs on other connections, and if the unlock cannot be
    sent, closing the connection ends the session and with it the lock."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            key = {"key": MIGRATION_LOCK_KEY}
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                log.info("another process is migrating the database: waiting for it")
                connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
    finally:
        engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(format="%(message)s")
    log.setLevel(logging.INFO)
    upgrade_to_head_locked()
    print("database schema is up to date")
