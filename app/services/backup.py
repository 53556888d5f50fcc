"""Backups taken while the app runs, and putting one back.

A backup is one .tar.gz: the database (SQLite's online backup API, a consistent copy taken in one read
transaction while others keep writing; `pg_dump`'s snapshot for PostgreSQL), then the private files, and a
manifest with each file's checksum. The database is copied first: a file added after it has no row and is
left out; a row's file removed meanwhile is named in the manifest as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"
FILES = "files"


class BackupError(Exception):
    """A backup or a restore could not be made; the message says why and what to do."""


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _postgres_args(database_url: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore connection options, the password passed in the environment, never argv."""
    url = make_url(database_url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    return args, ({"PGPASSWORD": url.password} if url.password else {})


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database: str
    files: int
    missing: list[str]


def make_backup(*, database_url: str, upload_dir: Path, target_dir: Path) -> BackupResult:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    with tempfile.TemporaryDirectory(dir=target_dir) as work_name:
        work = Path(work_name)
        sqlite_file = _sqlite_path(database_url)
        if sqlite_file is not None:
            if not sqlite_file.exists():
                raise BackupError(f"no database at {sqlite_file}")
            source, copy = sqlite3.connect(sqlite_file), sqlite3.connect(work / SQLITE_NAME)
            try:
                source.backup(copy)  # one consistent snapshot, writers keep going
            finally:
                copy.close()
                source.close()
            kind = "sqlite"
        else:
            if shutil.which("pg_dump") is None:
                raise BackupError("pg_dump is not installed: apt-get install postgresql-client")
            args, env = _postgres_args(database_url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(work / POSTGRES_NAME), *args], env)
            kind = "postgresql"
        files, missing = {}, []
        stored = upload_dir / FILES
        if stored.is_dir():
            for path in sorted(p for p in stored.rglob("*") if p.is_file()):
                relative = path.relative_to(stored).as_posix()
                destination = work / FILES / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copy2(path, destination)
                except FileNotFoundError:  # removed between the listing and the copy
                    missing.append(relative)
                    continue
                files[relative] = _checksum(destination)
        manifest = {"made_at": stamp, "database": kind, "files": files, "missing": missing}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        archive = target_dir / f"backup-{stamp}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            for item in sorted(work.iterdir()):
                tar.add(item, arcname=item.name)
    return BackupResult(archive, kind, len(files), missing)


def restore_backup(*, archive: Path, database_url: str, upload_dir: Path, force: bool = False) -> dict:
    """Puts a backup into an empty place (a new SQLite file, an empty PostgreSQL database, an empty upload
    folder) and checks every file against the manifest; returns the manifest."""
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    stored = upload_dir / FILES
    if stored.is_dir() and any(stored.iterdir()) and not force:
        raise BackupError(f"{stored} is not empty: restore into a new folder, or pass --force")
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links or devices from the archive
        manifest = json.loads((work / MANIFEST).read_text())
        sqlite_file = _sqlite_path(database_url)
        if manifest["database"] == "sqlite":
            if sqlite_file is None:
                raise BackupError("this backup is of a SQLite database: give a sqlite:/// DATABASE_URL")
            if sqlite_file.exists() and not force:
                raise BackupError(f"{sqlite_file} exists: restore into a new file, or pass --force")
            sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / SQLITE_NAME, sqlite_file)
        else:
            if sqlite_file is not None:
                raise BackupError("this backup is of a PostgreSQL database: give a postgresql:// DATABASE_URL")
            args, env = _postgres_args(database_url)
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *args,
                  str(work / POSTGRES_NAME)], env)
        for relative, checksum in manifest["files"].items():
            source, destination = work / FILES / relative, stored / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            if _checksum(destination) != checksum:
                raise BackupError(f"{relative} does not match its checksum: the backup is damaged")
    return manifest
