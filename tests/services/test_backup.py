"""A backup taken while customers are being saved, put back into a new place: every table and file as it was
at one moment, no transaction cut in half."""

import os
import subprocess
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from app.db import session_scope
from app.domain.permissions import Role
from app.services import customers
from app.services.backup import BackupError, make_backup, restore_backup
from tests import factories

# Tables the writer below adds to while the backup runs; every other table must come back identical.
WRITTEN = {"customer", "movement", "ledger_value", "record_version", "code_sequence"}


def _rows(engine: sa.Engine) -> dict[str, set[tuple]]:
    with engine.connect() as connection:
        return {table.name: {tuple(row) for row in connection.execute(sa.select(table))}
                for table in SQLModel.metadata.sorted_tables}


def _target_url(engine: sa.Engine, tmp_path: Path) -> str:
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'registry.db'}"
    base = engine.url
    admin = base.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
    subprocess.run(["psql", admin, "-q", "-c", "DROP DATABASE IF EXISTS test_restore", "-c",
                    "CREATE DATABASE test_restore"], check=True, capture_output=True)
    return base.set(database="test_restore").render_as_string(hide_password=False)


def test_a_backup_under_write_load_restores_one_consistent_moment(db, engine, tmp_path):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for n in range(5):
            customers.create_customer(session=s, actor=office, raw={
                "kind": "private", "first_name": f"Anna{n}", "last_name": "Rossi", "tax_code": None})
    uploads = tmp_path / "uploads"
    for name, content in (("ab/contratto.pdf", b"%PDF-1.7 contratto"), ("cd/foto.jpg", b"\xff\xd8\xff foto")):
        (uploads / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / "files" / name).write_bytes(content)

    stop, written = threading.Event(), []

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            with session_scope(write=True, engine=engine) as s:
                written.append(customers.create_customer(session=s, actor=office, raw={
                    "kind": "private", "first_name": f"Carico{n}", "last_name": "Bianchi"}).id)
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        done = make_backup(database_url=engine.url.render_as_string(hide_password=False), upload_dir=uploads,
                           target_dir=tmp_path / "backups")
        while len(written) < 10:  # the writer goes on after the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert done.files == 2 and done.missing == [] and done.path.name.endswith(".tar.gz")

    target = _target_url(engine, tmp_path)
    restored_uploads = tmp_path / "restored" / "uploads"
    restore_backup(archive=done.path, database_url=target, upload_dir=restored_uploads)
    with pytest.raises(BackupError):  # never over what is there
        restore_backup(archive=done.path, database_url=target, upload_dir=restored_uploads)

    restored_engine = sa.create_engine(target, poolclass=NullPool)
    source, copy = _rows(engine), _rows(restored_engine)
    restored_engine.dispose()
    for table, rows in source.items():
        if table in WRITTEN:
            assert copy[table] <= rows or table == "code_sequence", table
        else:
            assert copy[table] == rows, table
    ids = {row[0] for row in copy["customer"]}
    created = {row[1] for row in copy["movement"] if row[2] == "customer.created"}
    assert ids == created, "a customer without its movement, or the reverse: a transaction cut in half"
    assert 5 + 3 <= len(ids) < 5 + len(written)  # a moment in the middle of the writing
    for name in ("ab/contratto.pdf", "cd/foto.jpg"):
        assert (restored_uploads / "files" / name).read_bytes() == (uploads / "files" / name).read_bytes()
    if engine.dialect.name == "postgresql":
        subprocess.run(["psql", engine.url.set(database="postgres").render_as_string(hide_password=False)
                        .replace("+psycopg", ""), "-q", "-c", "DROP DATABASE test_restore"],
                       check=True, capture_output=True, env=os.environ)
