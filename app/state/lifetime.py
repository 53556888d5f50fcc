"""How long Reflex keeps a browser tab's state: signed-out tabs a few minutes, signed-in ones Reflex's hour.

Every new client token gets its own state tree (about 3 files on disk and 23 KB in memory for a signed-out
visitor), kept by Reflex for an hour after its last event whoever holds it. Anyone can make tokens by the
thousand without signing in, so the state of a tab that is signed out lives `ANONYMOUS_STATE_MINUTES`
instead. Reflex has one expiry for all tokens (`redis_token_expiration`); each of its three state managers
is given here the per-token expiry it lacks, on the same paths it already uses to expire states:

- disk: the in-memory copy is marked as touched earlier than it was, and the files written for it are
  dated back, so Reflex's own sweeps (the write queue's and the one at start) remove them early;
- memory: the token's deadline is set nearer;
- redis: the keys just written get the shorter TTL.

A tab that signs in is written again with the full life at its next event; one left on the sign-in page
and then used after its state is gone starts from a fresh state, as after Reflex's hour.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from typing import Any

from reflex.istate.manager import StateManager
from reflex.istate.manager.disk import StateManagerDisk
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken, StateToken
from reflex.state import BaseState

from app.settings import get_settings
from app.state.session import SessionState


def _root(state: Any) -> Any:
    while isinstance(state, BaseState) and state.parent_state is not None:
        state = state.parent_state
    return state


def signed_in(state: Any) -> bool:
    """Whether the tab this state tree belongs to has a signed-in user (the guards record it on each event)."""
    root = _root(state)
    if not isinstance(root, BaseState):
        return True  # not a tab's state tree: Reflex's own expiry applies
    session = root.substates.get(SessionState.get_name())
    return session is not None and bool(session.user_role)


class _ShortAnonymousLife:
    """What the three managers share: the life a state tree is given."""

    token_expiration: int
    anonymous_expiration: int = 600

    def _shortened_by(self, state: Any) -> float:
        """How many seconds less than Reflex's expiry this tree lives (0 when signed in)."""
        if state is None or signed_in(state):
            return 0.0
        return max(0.0, self.token_expiration - self.anonymous_expiration)


@dataclasses.dataclass
class DiskStates(_ShortAnonymousLife, StateManagerDisk):
    def _date_back(self, token: StateToken, state: Any) -> None:
        shortened = self._shortened_by(state)
        if shortened and token.cache_key in self._token_last_touched:
            self._token_last_touched[token.cache_key] = (time.time() - shortened, token)

    async def get_state(self, token: StateToken) -> Any:
        state = await super().get_state(token)
        self._date_back(self._coerce_token(token), state)
        return state

    async def set_state(self, token: StateToken, state: Any, **context: Any) -> None:
        await super().set_state(token, state, **context)
        self._date_back(self._coerce_token(token), state)

    async def set_state_for_substate(self, token: StateToken, substate: Any) -> None:
        await super().set_state_for_substate(token, substate)
        shortened = self._shortened_by(substate)
        if shortened and isinstance(token, BaseStateToken):
            path = self.token_path(token.with_cls(type(substate)))
            written = time.time() - shortened
            with contextlib.suppress(FileNotFoundError):
                os.utime(path, (written, written))


@dataclasses.dataclass
class MemoryStates(_ShortAnonymousLife, StateManagerMemory):
    def _track_token(self, token: StateToken) -> None:
        super()._track_token(token)
        shortened = self._shortened_by(self.states.get(token.cache_key))
        if shortened:
            deadline, _ = self._token_expires_at[token.cache_key]
            self._token_expires_at[token.cache_key] = (deadline - shortened, token)


@dataclasses.dataclass
class RedisStates(_ShortAnonymousLife, StateManagerRedis):
    async def set_state(self, token: StateToken, state: Any, **context: Any) -> None:
        await super().set_state(token, state, **context)
        token = self._coerce_token(token)
        if not isinstance(token, BaseStateToken) or not self._shortened_by(state):
            return
        pipeline = self.redis.pipeline(transaction=False)
        stack = [_root(state)]
        while stack:
            current = stack.pop()
            pipeline.expire(token._state_key(type(current)), self.anonymous_expiration)
            stack.extend(current.substates.values())
        await pipeline.execute()


def with_short_anonymous_life(manager: StateManager, minutes: int | None = None) -> StateManager:
    """The same manager, but signed-out tabs' states live `minutes` (ANONYMOUS_STATE_MINUTES)."""
    minutes = get_settings().anonymous_state_minutes if minutes is None else minutes
    for plain, shorter in ((StateManagerDisk, DiskStates), (StateManagerMemory, MemoryStates),
                           (StateManagerRedis, RedisStates)):
        if type(manager) is plain:
            fields = {f.name: getattr(manager, f.name) for f in dataclasses.fields(manager) if f.init}
            replaced = shorter(**fields)
            replaced.anonymous_expiration = max(1, minutes * 60)
            return replaced
    return manager
