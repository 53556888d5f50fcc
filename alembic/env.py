"""Migrations run against the same database URL and the same metadata as the app."""

from __future__ import annotations

from logging.config import fileConfig

from sqlmodel import SQLModel

import app.models  # noqa: F401  registers every table on SQLModel.metadata
from alembic import context
from app.db import engine_for
from app.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata

# Search structures built by hand in the migrations, per database: SQLite's FTS5 table (and its
# shadow tables) and PostgreSQL's trigram index. They are not in the models, so autogenerate must
# not propose to drop them.
UNMODELLED = ("customer_search", "ix_customer_search_trgm", "history_search", "ix_history_line_search_trgm")


def include_name(name, type_, parent_names):  # noqa: ANN001, ANN201
    return not (name or "").startswith(UNMODELLED)


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True, compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with engine_for(_url()).connect() as connection:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild tables (create, copy, drop, rename): with foreign keys enforced the
        # drop fails. Switch them off outside any transaction, check integrity at the end instead.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
