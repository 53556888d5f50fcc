"""A signed-out tab's state is dropped minutes after its last event; a signed-in tab keeps Reflex's hour.

Time is moved forward by replacing the clock Reflex's managers read, as their own sweeps would see it."""

from __future__ import annotations

import os
import time
import uuid

import pytest
import reflex as rx
from reflex.istate.manager.disk import StateManagerDisk
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken

from app.app import app
from app.settings import get_settings
from app.state.auth import LoginState
from app.state.lifetime import DiskStates, MemoryStates, RedisStates, with_short_anonymous_life
from app.state.session import SessionState

HOUR = 3600
MINUTES = 10


class _Clock:
    """time.time() as a module sees it, `ahead` seconds later than now."""

    def __init__(self, ahead: float) -> None:
        self.ahead = ahead

    def time(self) -> float:
        return time.time() + self.ahead

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(time, name)


def _token() -> BaseStateToken:
    return BaseStateToken(ident=str(uuid.uuid4()), cls=rx.State)


async def _open_tabs(manager) -> tuple[BaseStateToken, BaseStateToken]:  # noqa: ANN001
    """A tab left on the sign-in page, and one signed in."""
    anonymous, signed = _token(), _token()
    async with manager.modify_state(anonymous) as root:
        root.get_substate(LoginState.get_full_name().split(".")[1:]).login_error = "x"
    async with manager.modify_state(signed) as root:
        root.get_substate(SessionState.get_full_name().split(".")[1:]).user_role = "office"
    return anonymous, signed


def test_the_app_gives_signed_out_tabs_the_short_life():
    assert isinstance(app.state_manager, DiskStates | MemoryStates | RedisStates)
    assert app.state_manager.anonymous_expiration == get_settings().anonymous_state_minutes * 60
    assert get_settings().anonymous_state_minutes * 60 < app.state_manager.token_expiration


async def test_disk_drops_a_signed_out_tabs_files_after_minutes(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_STATES_WORKDIR", str(tmp_path))
    monkeypatch.setenv("REFLEX_STATE_MANAGER_DISK_DEBOUNCE", "0")
    disk = with_short_anonymous_life(StateManagerDisk(token_expiration=HOUR), minutes=MINUTES)
    anonymous, signed = await _open_tabs(disk)
    await disk.close()

    def files(token: BaseStateToken) -> set[str]:
        wanted = {disk.token_path(token.with_cls(cls)).name for cls in (rx.State, SessionState, LoginState)}
        return wanted & set(os.listdir(tmp_path))

    assert files(anonymous) and files(signed)
    for ahead, anonymous_left, signed_left in ((MINUTES * 60 - 60, True, True), (MINUTES * 60 + 60, False, True),
                                                (HOUR + 60, False, False)):
        monkeypatch.setattr("reflex.istate.manager.disk.time", _Clock(ahead))
        # In memory, a sweep drops what looks older than Reflex's expiry; on disk the same goes for files.
        for token, left in ((anonymous, anonymous_left), (signed, signed_left)):
            touched, _ = disk._token_last_touched[token.cache_key]
            assert (time.time() + ahead - touched <= HOUR) is left, (ahead, token)
        disk._purge_expired_states()
        assert bool(files(anonymous)) is anonymous_left, ahead
        assert bool(files(signed)) is signed_left, ahead


async def test_memory_drops_a_signed_out_tab_after_minutes(monkeypatch):
    memory = with_short_anonymous_life(StateManagerMemory(token_expiration=HOUR), minutes=MINUTES)
    anonymous, signed = await _open_tabs(memory)
    try:
        for ahead, anonymous_left, signed_left in ((MINUTES * 60 - 60, True, True),
                                                    (MINUTES * 60 + 60, False, True), (HOUR + 60, False, False)):
            monkeypatch.setattr("reflex.istate.manager.memory.time", _Clock(ahead))
            memory._purge_expired_tokens()
            assert (anonymous.cache_key in memory.states) is anonymous_left, ahead
            assert (signed.cache_key in memory.states) is signed_left, ahead
    finally:
        await memory.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
async def test_redis_gives_a_signed_out_tabs_keys_the_short_ttl():
    from redis.asyncio import Redis

    redis = Redis.from_url(os.environ["REDIS_URL"])
    manager = with_short_anonymous_life(StateManagerRedis(redis=redis, token_expiration=HOUR), minutes=MINUTES)
    try:
        anonymous, signed = await _open_tabs(manager)
        for token, longest in ((anonymous, MINUTES * 60), (signed, HOUR)):
            keys = [key async for key in redis.scan_iter(f"{token.ident}_*")]
            ttls = [await redis.ttl(key) for key in keys]
            assert keys and all(0 < ttl <= longest for ttl in ttls), (token, ttls)
        assert max([await redis.ttl(k) async for k in redis.scan_iter(f"{signed.ident}_*")]) > MINUTES * 60
    finally:
        await manager.close()
        await redis.aclose()
