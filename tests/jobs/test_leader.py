"""Several processes, one schedule: only the process holding the lock runs the jobs, and another takes
over when it goes."""

import os

import pytest

from app.jobs.leader import Leadership

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_leader_at_a_time_and_a_successor(backend, tmp_path):
    url = os.environ["TEST_DATABASE_URL"] if backend == "postgresql" else f"sqlite:///{tmp_path / 'x.db'}"
    first, second = Leadership(url, tmp_path), Leadership(url, tmp_path)
    try:
        assert first.try_acquire() and first.try_acquire()  # and it keeps leading
        assert not second.try_acquire() and not second.held
        first.release()
        assert second.try_acquire() and second.held
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()
