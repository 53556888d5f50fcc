"""Database objects the models cannot express, created by the migrations for each database.

SQLite rebuilds a table for most ALTERs (Alembic's batch mode) and drops its triggers with it:
a migration that alters `customer` or `movement` in batch mode must call these again afterwards.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def create_customer_search(connection: Connection, rowid_column: str = "id") -> None:
    """Substring search over customer.search_text: FTS5 trigram on SQLite, pg_trgm on PostgreSQL.

    On SQLite the index's rowid is `rowid_column`: since the search_rank migration that is the
    customer's position in name order, so matches come out of the index already sorted by name."""
    if connection.dialect.name == "sqlite":
        key = rowid_column
        watched = "search_text" if key == "id" else f"search_text, {key}"
        create_customer_search_triggers(connection, key, watched)
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS customer_search USING fts5("
            f"search_text, content='customer', content_rowid='{key}', tokenize='trigram')"
        )
        rebuild_customer_search(connection)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_customer_search_trgm ON customer USING gin (search_text gin_trgm_ops)"
        )


def create_customer_search_triggers(connection: Connection, key: str = "search_rank",
                                   watched: str = "search_text, search_rank") -> None:
    for statement in (
        "CREATE TRIGGER IF NOT EXISTS customer_search_insert AFTER INSERT ON customer BEGIN "
        f"INSERT INTO customer_search(rowid, search_text) VALUES (new.{key}, new.search_text); END",
        "CREATE TRIGGER IF NOT EXISTS customer_search_delete AFTER DELETE ON customer BEGIN "
        "INSERT INTO customer_search(customer_search, rowid, search_text) "
        f"VALUES ('delete', old.{key}, old.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS customer_search_update AFTER UPDATE OF {watched} ON customer BEGIN "
        "INSERT INTO customer_search(customer_search, rowid, search_text) "
        f"VALUES ('delete', old.{key}, old.search_text); "
        f"INSERT INTO customer_search(rowid, search_text) VALUES (new.{key}, new.search_text); END",
    ):
        connection.exec_driver_sql(statement)


def drop_customer_search_triggers(connection: Connection) -> None:
    for name in ("customer_search_insert", "customer_search_delete", "customer_search_update"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def renumber_search_ranks(connection: Connection, gap: int) -> None:
    """Every customer's search_rank = its position in (sort_name, id) order times `gap`.
    Three passes through disjoint ranges, so the unique index never sees two equal ranks."""
    connection.exec_driver_sql(f"UPDATE customer SET search_rank = -id - {1 << 40}")
    connection.exec_driver_sql(
        "UPDATE customer SET search_rank = -ranked.position FROM (SELECT id, ROW_NUMBER() OVER "
        "(ORDER BY sort_name, id) AS position FROM customer) AS ranked WHERE customer.id = ranked.id"
    )  # negative first: the unique index never sees two rows with the same rank
    connection.exec_driver_sql(f"UPDATE customer SET search_rank = -search_rank * {int(gap)}")


def rebuild_search_order(connection: Connection, gap: int) -> None:
    """After a bulk load: ranks renumbered in name order, and on SQLite the index rebuilt once
    instead of row by row."""
    if connection.dialect.name == "sqlite":
        drop_customer_search_triggers(connection)
        renumber_search_ranks(connection, gap)
        create_customer_search_triggers(connection)
        rebuild_customer_search(connection)
    else:
        renumber_search_ranks(connection, gap)


def rebuild_customer_search(connection: Connection) -> None:
    """SQLite: the trigram index filled again from customer.search_text, then merged into one segment.

    A rebuild leaves a couple of dozen segments (FTS5 merges as it writes), and every term of a
    query is looked up in each of them: at a million customers one merged segment answers the
    search two to three times faster. Later writes add small segments that FTS5 merges among
    themselves; running this again (or 'optimize' alone) after a bulk change restores one segment."""
    connection.exec_driver_sql("INSERT INTO customer_search(customer_search) VALUES ('rebuild')")
    connection.exec_driver_sql("INSERT INTO customer_search(customer_search) VALUES ('optimize')")


def drop_customer_search(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        drop_customer_search_triggers(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS customer_search")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_customer_search_trgm")


def make_append_only(connection: Connection, table: str) -> None:
    """The database itself refuses UPDATE and DELETE on a ledger table, whoever connects."""
    if connection.dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '%% rows are append-only', TG_TABLE_NAME; END $$"
        )
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        connection.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change()"
        )


def drop_append_only(connection: Connection, table: str) -> None:
    if connection.dialect.name == "sqlite":
        for action in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only_{action}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
