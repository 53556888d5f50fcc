"""Who brings the database up to date: the start-up command does; importing the app does not, and a
job run by cron refuses a database that is behind."""

import inspect
import logging
import os
import subprocess
import sys

from app.migrate import schema_behind, upgrade_to_head, warn_if_schema_outdated
from app.settings import PROJECT_ROOT


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_importing_the_app_leaves_the_database_alone(tmp_path):
    done = _run(tmp_path, "-c", "import app.app")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "app.db").exists()


def test_the_start_up_command_migrates_and_jobs_wait_for_it(tmp_path):
    refused = _run(tmp_path, "-m", "app.jobs", "outbox")
    assert refused.returncode == 1
    assert "python -m app.migrate" in refused.stderr

    migrated = _run(tmp_path, "-m", "app.migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert schema_behind(f"sqlite:///{tmp_path / 'app.db'}") is None

    ran = _run(tmp_path, "-m", "app.jobs", "outbox")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "outbox: 0"


def test_reflex_run_is_told_what_the_database_needs(tmp_path, caplog):
    from reflex.utils import prerequisites

    import rxconfig  # noqa: F401  replaces Reflex's own check

    assert prerequisites.check_schema_up_to_date is warn_if_schema_outdated
    # The replacement only works while Reflex looks the check up by this name when it starts.
    assert "check_schema_up_to_date()" in inspect.getsource(prerequisites.get_and_validate_app)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with caplog.at_level(logging.INFO, logger="app.migrate"):
        warn_if_schema_outdated(url)
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "python -m app.migrate" in caplog.text

    upgrade_to_head(url)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.migrate"):
        warn_if_schema_outdated(url)
    assert caplog.records == []
