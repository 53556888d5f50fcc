"""The time of an answer tells nothing about the account: a sign-in for an address without an account, for
an account whose password was imported as a bcrypt hash, for a native argon2id one, and a forgotten-password
request with or without an account, all spend one argon2id and one bcrypt computation.

Each kind is tried 30 times, the kinds interleaved so that the load of the machine weighs on all alike, and
their medians are compared: the slowest may be at most TOLERANCE slower than the fastest. Before the work
was made equal, a forgotten-password request answered in a few milliseconds and a sign-in in a few tenths of
a second; the medians of bcrypt and argon2id accounts differed by the ratio of their costs."""

from __future__ import annotations

import statistics
import time

import bcrypt
import pytest

from app.domain.errors import DomainError
from app.services import auth
from tests import factories
from tests.factories import PASSWORD

TRIES = 30
TOLERANCE = 0.20


def test_sign_in_and_forgotten_password_take_as_long_whatever_the_account(db, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the hashing is the same on PostgreSQL; once is enough for half a minute of it")
    with db(write=True) as s:
        factories.user(s, email="native@example.com")
        imported = factories.user(s, email="imported@example.com")
        # An older system's hash, with the cost most of them use (bcrypt's own default).
        imported.password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=12)).decode()
        s.add(imported)

    def sign_in(email: str) -> None:
        with pytest.raises(DomainError):
            auth.authenticate(sessions=db, email=email, password="Not-The-Password-1")

    kinds = {
        "sign-in, no such account": lambda: sign_in("nobody@example.com"),
        "sign-in, argon2id account": lambda: sign_in("native@example.com"),
        "sign-in, imported bcrypt account": lambda: sign_in("imported@example.com"),
        "forgotten password, account": lambda: auth.ask_for_password_reset(sessions=db, email="native@example.com"),
        "forgotten password, no account": lambda: auth.ask_for_password_reset(sessions=db, email="ghost@example.com"),
    }
    for attempt in kinds.values():  # the first call of each makes its dummy hashes
        attempt()
    times: dict[str, list[float]] = {name: [] for name in kinds}
    names = list(kinds)
    for i in range(TRIES):
        for name in names[i % len(names):] + names[:i % len(names)]:
            started = time.perf_counter()
            kinds[name]()
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in times.items()}
    slowest, fastest = max(medians.values()), min(medians.values())
    assert slowest <= fastest * (1 + TOLERANCE), {name: f"{m * 1000:.0f} ms" for name, m in medians.items()}
