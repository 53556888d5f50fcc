"""The migrations build the whole schema: nothing is left for autogenerate to find, and a database
built by the migrations this one replaced (frozen in tests/fixtures) is already at head and has the
schema a new database gets."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from alembic import command
from app import ddl
from app.db import session_scope
from app.demo.generator import RegistryGenerator, bulk_load
from app.domain.permissions import Actor, Role
from app.migrate import MIGRATION_LOCK_KEY, alembic_config, upgrade_to_head
from app.services import customers
from app.services.customers import RANK_GAP
from app.settings import PROJECT_ROOT
from tests.conftest import reset_postgres

FIXTURES = Path(__file__).parent / "fixtures"
FROZEN_REVISION = "67c41326fbaa"
# Rows the migrations write themselves, compared along with the schema.
SEEDED_TABLES = ("alembic_version", "portal_profile")
# How long a test waits for a migrating process to reach a state (they take a second or two).
PROCESS_TIMEOUT_SECONDS = 60
postgresql_only = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")


def test_upgrade_head_on_empty_sqlite_leaves_nothing_to_generate(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(url)
    command.check(alembic_config(url))


@postgresql_only
def test_upgrade_head_on_empty_postgresql_leaves_nothing_to_generate(postgres_url):
    reset_postgres(postgres_url)
    upgrade_to_head(postgres_url)
    command.check(alembic_config(postgres_url))


def test_the_frozen_databases_are_at_the_first_revision():
    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_base() == FROZEN_REVISION
    for backend in ("sqlite", "postgresql"):
        dump = (FIXTURES / f"schema_{FROZEN_REVISION}.{backend}.sql").read_text()
        assert re.findall(r"INSERT INTO (?:public\.)?alembic_version VALUES ?\('(\w+)'\)", dump) == [FROZEN_REVISION]


def test_sqlite_built_by_the_old_migrations_upgrades_to_the_new_schema(tmp_path):
    frozen = tmp_path / "frozen.db"
    connection = sqlite3.connect(frozen)
    connection.executescript((FIXTURES / f"schema_{FROZEN_REVISION}.sqlite.sql").read_text())
    connection.close()
    frozen_url = f"sqlite:///{frozen}"
    upgrade_to_head(frozen_url)
    command.check(alembic_config(frozen_url))

    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_to_head(fresh_url)

    assert schema_of(frozen_url) == schema_of(fresh_url)


@postgresql_only
def test_postgresql_built_by_the_old_migrations_upgrades_to_the_new_schema(postgres_url):
    reset_postgres(postgres_url)
    # The dump sets the session's search_path to nothing: a connection of its own, not one of the pool's.
    engine = sa.create_engine(postgres_url, poolclass=NullPool)
    with engine.connect() as connection:
        connection.connection.driver_connection.execute(
            (FIXTURES / f"schema_{FROZEN_REVISION}.postgresql.sql").read_text())
        connection.connection.driver_connection.commit()
    engine.dispose()
    upgrade_to_head(postgres_url)
    command.check(alembic_config(postgres_url))
    frozen = schema_of(postgres_url)

    reset_postgres(postgres_url)
    upgrade_to_head(postgres_url)

    assert frozen == schema_of(postgres_url)


def test_later_migrations_keep_the_sqlite_triggers_both_ways(tmp_path):
    """A batch rebuild of a table on SQLite silently drops its triggers (search index, append-only ledgers)."""
    url = f"sqlite:///{tmp_path / 'steps.db'}"
    config = alembic_config(url)

    def triggers() -> list[str]:
        connection = sqlite3.connect(tmp_path / "steps.db")
        try:
            return sorted(row[0] for row in connection.execute("SELECT sql FROM sqlite_master WHERE type='trigger'"))
        finally:
            connection.close()

    command.upgrade(config, FROZEN_REVISION)
    first = triggers()
    command.upgrade(config, "head")
    assert set(first) <= set(triggers())
    command.downgrade(config, FROZEN_REVISION)
    assert triggers() == first


def test_search_triggers_recreated_after_a_bulk_load_are_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'bulk.db'}"
    upgrade_to_head(url)
    migrated = schema_of(url)
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        ddl.drop_customer_search_triggers(connection)
        ddl.rebuild_search_order(connection, RANK_GAP)
    engine.dispose()
    assert schema_of(url) == migrated


def test_downgrade_to_base_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'round-trip.db'}"
    upgrade_to_head(url)
    fresh = schema_of(url)
    command.downgrade(alembic_config(url), "base")
    assert _table_names(url) == ["alembic_version"]
    upgrade_to_head(url)
    assert schema_of(url) == fresh


@postgresql_only
def test_downgrade_to_base_and_up_again_on_postgresql(postgres_url):
    reset_postgres(postgres_url)
    upgrade_to_head(postgres_url)
    fresh = schema_of(postgres_url)
    command.downgrade(alembic_config(postgres_url), "base")
    assert _table_names(postgres_url) == ["alembic_version"]
    upgrade_to_head(postgres_url)
    assert schema_of(postgres_url) == fresh


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=postgresql_only)])
def test_processes_starting_at_once_migrate_once(backend, tmp_path, postgres_url):
    url = f"sqlite:///{tmp_path / 'shared.db'}" if backend == "sqlite" else postgres_url
    if backend == "postgresql":
        reset_postgres(url)
    # PostgreSQL's processes each get a data folder of their own, as on different hosts: only the
    # database can serialize them.
    processes = [_start_migrate(url, tmp_path / (f"host-{n}" if backend == "postgresql" else "host"))
                 for n in range(3)]
    outputs = [_finish(process) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    command.check(alembic_config(url))
    migrated = schema_of(url)

    if backend == "postgresql":
        reset_postgres(url)
        upgrade_to_head(url)
        assert migrated == schema_of(url)
    else:
        fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
        upgrade_to_head(fresh_url)
        assert migrated == schema_of(fresh_url)


@postgresql_only
def test_a_held_migration_lock_makes_an_upgrade_wait(tmp_path, postgres_url):
    reset_postgres(postgres_url)
    holder = sa.create_engine(postgres_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    key = {"key": MIGRATION_LOCK_KEY}
    with holder.connect() as lock:
        lock.execute(sa.text("SELECT pg_advisory_lock(:key)"), key)
        process = _start_migrate(postgres_url, tmp_path)
        try:
            deadline = time.monotonic() + PROCESS_TIMEOUT_SECONDS
            while _waiting_for_the_lock(lock) == 0 and process.poll() is None:
                assert time.monotonic() < deadline, "the upgrade never asked for the lock"
                time.sleep(0.05)
            assert process.poll() is None, _finish(process)
            assert _table_names(postgres_url) == []
        finally:
            lock.execute(sa.text("SELECT pg_advisory_unlock(:key)"), key)
            output = _finish(process)
    holder.dispose()
    assert process.returncode == 0, output
    assert "waiting" in output
    command.check(alembic_config(postgres_url))


def _start_migrate(url: str, data_dir: Path) -> subprocess.Popen:
    """`python -m app.migrate` as a start-up command runs it, in a process of its own."""
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-m", "app.migrate"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(process: subprocess.Popen) -> str:
    try:
        output, _ = process.communicate(timeout=PROCESS_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def _waiting_for_the_lock(connection) -> int:  # noqa: ANN001
    # A bigint advisory key shows in pg_locks as its high and low halves, with objsubid 1.
    return connection.execute(sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 "
        "AND classid::bigint = :high AND objid::bigint = :low "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ), {"high": MIGRATION_LOCK_KEY >> 32, "low": MIGRATION_LOCK_KEY & 0xFFFFFFFF}).scalar()


def _table_names(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return sorted(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def schema_of(url: str) -> dict:
    """Tables with their columns in order, keys, constraints and indexes, plus what reflection does not
    see (triggers, functions, extensions, the search index) and the rows the migrations seed."""
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            tables = {name: _table(inspector, name) for name in sorted(inspector.get_table_names())}
            extra = _sqlite_objects(connection) if engine.dialect.name == "sqlite" else _postgres_objects(connection)
            rows = {table: sorted(tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table}")))
                    for table in SEEDED_TABLES}
    finally:
        engine.dispose()
    return {"tables": tables, "objects": extra, "rows": rows}


def _table(inspector, name: str) -> dict:  # noqa: ANN001
    def each(items: list[dict]) -> list:
        return sorted((_plain(item) for item in items), key=repr)

    return {
        "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(name)],
        "primary_key": inspector.get_pk_constraint(name)["constrained_columns"],
        "foreign_keys": each(inspector.get_foreign_keys(name)),
        "unique": each(inspector.get_unique_constraints(name)),
        "checks": each(inspector.get_check_constraints(name)),
        "indexes": each(inspector.get_indexes(name)),
    }


def _plain(value):  # noqa: ANN001, ANN202
    """Reflected items as comparable values: partial index conditions come back as SQL expressions."""
    if isinstance(value, dict):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, sa.sql.ClauseElement):
        return _sql(str(value))
    return value


def _sql(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _sqlite_objects(connection) -> list:  # noqa: ANN001
    rows = connection.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "OR sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY type, name"
    )
    return [(kind, name, table, _sql(sql)) for kind, name, table, sql in rows]


def _postgres_objects(connection) -> dict:  # noqa: ANN001
    def rows(query: str) -> list:
        return sorted(tuple(row) for row in connection.exec_driver_sql(query))

    return {
        "extensions": rows("SELECT extname, extversion FROM pg_extension"),
        "functions": rows(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prokind = 'f' "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        ),
        "triggers": rows(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        ),
        "indexes": rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"),
        "constraints": rows(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        ),
        "sequences": rows(
            "SELECT sequencename, data_type::text, start_value, increment_by, last_value FROM pg_sequences "
            "WHERE schemaname = 'public'"
        ),
    }


def test_links_waiting_in_the_outbox_lose_their_token_from_the_body(tmp_path):
    """The messages queued before the token had a column of its own keep working, masked on the page."""
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    command.upgrade(alembic_config(url), "b73a1478ce60")
    engine = sa.create_engine(url, poolclass=NullPool)
    row = ("'{key}', 'a@example.com', 'Reimposta', 'Apri http://x/set-password?token=AbC_-1234567890abcdefghij ora', "
           "'{kind}', '2026-11-28 10:00:00', {sent}, 0, '2026-11-28 10:00:00'")
    with engine.begin() as connection:
        for key, kind, sent in (("waiting", "password_reset", "NULL"), ("sent", "password_reset", "'2026-11-28'"),
                                ("other", "test", "NULL")):
            connection.execute(sa.text(
                "INSERT INTO outbox_message (dedupe_key, to_address, subject, body_text, kind, created_at, sent_at, "
                f"attempts, next_attempt_at) VALUES ({row.format(key=key, kind=kind, sent=sent)})"))
    upgrade_to_head(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text(
            "SELECT dedupe_key, body_text || ' | ' || coalesce(link_token, '-') FROM outbox_message")).all())
    assert stored["waiting"] == "Apri http://x/set-password?token=•••••••• ora | AbC_-1234567890abcdefghij"
    assert stored["sent"].endswith("token=AbC_-1234567890abcdefghij ora | -")
    assert stored["other"].endswith("token=AbC_-1234567890abcdefghij ora | -")


def test_customers_already_there_get_the_new_search_text(tmp_path):
    """Phones, city and the IT prefix of the VAT number joined the search text: existing rows are refreshed."""
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    config = alembic_config(url)
    command.upgrade(config, "5b5f68d31a76")  # the revision before cc12994066f8
    engine = sa.create_engine(url, poolclass=NullPool)
    bulk_load(engine, 40, seed=7)
    expected = {n: RegistryGenerator(7).customer(n).customer for n in range(1, 41)}
    with engine.begin() as connection:  # as the previous rule left them: no phones, no city
        connection.exec_driver_sql("UPDATE customer SET search_text = lower(code)")
    command.upgrade(config, "head")
    with engine.connect() as connection:
        stored = dict(connection.exec_driver_sql("SELECT code, search_text FROM customer").all())
    assert stored == {row["code"]: row["search_text"] for row in expected.values()}
    wanted = next(row for row in expected.values() if row["phone"])
    office = Actor(user_id=1, role=Role.OFFICE, customer_id=None, name="Test", language="it")
    with session_scope(engine=engine) as session:  # the index follows the refreshed rows
        found = customers.search_customers(session=session, actor=office, query=wanted["phone"][3:])
    assert wanted["code"] in [row.code for row in found.rows]
    engine.dispose()
