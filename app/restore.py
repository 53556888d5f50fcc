"""`python -m app.restore BACKUP [--force]`: puts a backup made by `python -m app.backup` into the database
and upload folder the environment names (DATABASE_URL, DATA_DIR / UPLOAD_DIR), which should be new and
empty; then `python -m app.migrate` brings an older backup's schema up to date."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.services.backup import BackupError, restore_backup
from app.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m app.restore", description=__doc__)
    parser.add_argument("backup", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite an existing database file and files")
    args = parser.parse_args()
    try:
        manifest = restore_backup(archive=args.backup, database_url=settings.database_url,
                                  upload_dir=settings.upload_dir, force=args.force)
    except BackupError as error:
        parser.exit(1, f"{parser.prog}: {error}\n")
    print(f"restored the {manifest['database']} database and {len(manifest['files'])} files "
          f"from the backup of {manifest['made_at']}")


if __name__ == "__main__":
    main()
