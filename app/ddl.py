"""Database objects the models cannot express, created by the migrations for each database.

SQLite rebuilds a table for most ALTERs (Alembic's batch mode) and drops its triggers with it:
a migration that alters `customer` or `movement` in batch mode must call these again afterwards.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def create_customer_search(connection: Connection) -> None:
    """Substring search over customer.search_text: FTS5 trigram on SQLite, pg_trgm on PostgreSQL."""
    if connection.dialect.name == "sqlite":
        for statement in (
            "CREATE VIRTUAL TABLE IF NOT EXISTS customer_search USING fts5("
            "search_text, content='customer', content_rowid='id', tokenize='trigram')",
            "CREATE TRIGGER IF NOT EXISTS customer_search_insert AFTER INSERT ON customer BEGIN "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text); END",
            "CREATE TRIGGER IF NOT EXISTS customer_search_delete AFTER DELETE ON customer BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END",
            "CREATE TRIGGER IF NOT EXISTS customer_search_update AFTER UPDATE OF search_text ON customer BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text); END",
            "INSERT INTO customer_search(customer_search) VALUES ('rebuild')",
        ):
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_customer_search_trgm ON customer USING gin (search_text gin_trgm_ops)"
        )


def drop_customer_search(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in ("customer_search_insert", "customer_search_delete", "customer_search_update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
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
