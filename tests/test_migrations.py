"""The migrations build the whole schema: nothing is left for autogenerate to find."""

import os

import pytest

from alembic import command
from app.migrate import alembic_config, upgrade_to_head
from tests.conftest import reset_postgres


def test_upgrade_head_on_empty_sqlite_leaves_nothing_to_generate(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(url)
    command.check(alembic_config(url))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")
def test_upgrade_head_on_empty_postgresql_leaves_nothing_to_generate(postgres_url):
    reset_postgres(postgres_url)
    upgrade_to_head(postgres_url)
    command.check(alembic_config(postgres_url))
