"""The database is configured the way the services rely on."""

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import User


def test_sqlite_pragmas_and_write_lock_taken_up_front(engine, db):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db() as session:
        assert session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000
    path = engine.url.database
    with db(write=True) as session:
        session.execute(sa.text("SELECT 1"))  # nothing written yet, but the write lock is already held
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_a_customer_user_without_a_customer_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), db(write=True) as session:
        session.add(User(email="orphan@example.com", full_name="Orfano", role="customer", customer_id=None))
        session.flush()
    with pytest.raises(IntegrityError), db(write=True) as session:
        session.add(User(email="ghost@example.com", full_name="Fantasma", role="customer", customer_id=999))
        session.flush()


def test_app_configuration_keeps_framework_defaults_safe():
    import rxconfig

    assert rxconfig.config.show_built_with_reflex is False
    assert rxconfig.config.state_auto_setters is False
    assert "*" not in rxconfig.config.cors_allowed_origins
