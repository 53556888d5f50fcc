"""`python -m app.backup [--to FOLDER]`: a consistent backup of the database and the private files while
the app runs (settings from the environment, as the app reads them)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.services.backup import BackupError, make_backup
from app.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m app.backup", description=__doc__)
    parser.add_argument("--to", type=Path, default=settings.data_dir / "backups", help="where the .tar.gz goes")
    args = parser.parse_args()
    try:
        done = make_backup(database_url=settings.database_url, upload_dir=settings.upload_dir, target_dir=args.to)
    except BackupError as error:
        parser.exit(1, f"{parser.prog}: {error}\n")
    print(f"{done.path} ({done.database}, {done.files} files"
          + (f", {len(done.missing)} removed while copying" if done.missing else "") + ")")


if __name__ == "__main__":
    main()
