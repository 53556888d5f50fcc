"""The search index's upkeep after bulk loads: the triggers off while rows go in, then ranks renumbered
and the index rebuilt once.

The index itself (SQLite's FTS5 table and these triggers, PostgreSQL's pg_trgm index) is created by
the initial migration, which writes its SQL out rather than importing this module: the triggers
recreated here must stay the same as the migration's, which tests/test_migrations.py checks.
SQLite also drops a table's triggers when a batch migration rebuilds it: a migration that alters
`customer` in batch mode must create them again, with its own copy of the SQL.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def create_customer_search_triggers(connection: Connection) -> None:
    """SQLite: the triggers that keep the index in step with `customer`, keyed on search_rank."""
    for statement in (
        "CREATE TRIGGER IF NOT EXISTS customer_search_insert AFTER INSERT ON customer BEGIN "
        "INSERT INTO customer_search(rowid, search_text) VALUES (new.search_rank, new.search_text); END",
        "CREATE TRIGGER IF NOT EXISTS customer_search_delete AFTER DELETE ON customer BEGIN "
        "INSERT INTO customer_search(customer_search, rowid, search_text) "
        "VALUES ('delete', old.search_rank, old.search_text); END",
        "CREATE TRIGGER IF NOT EXISTS customer_search_update AFTER UPDATE OF search_text, search_rank ON customer "
        "BEGIN INSERT INTO customer_search(customer_search, rowid, search_text) "
        "VALUES ('delete', old.search_rank, old.search_text); "
        "INSERT INTO customer_search(rowid, search_text) VALUES (new.search_rank, new.search_text); END",
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
