"""Requests per key per minute (a fixed window on the clock's minute). With REDIS_URL the count lives in Redis,
so it holds across every worker process; without it, in this process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window turns, when refused
    remaining: int


class RateLimiter:
    def __init__(self, limit: int, redis_url: str | None = None, clock=time.time) -> None:  # noqa: ANN001
        self.limit = limit
        self.redis_url = redis_url
        self.clock = clock
        self._redis = None
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def _window(self) -> tuple[int, int]:
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        return window, max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))

    def _local(self, key_id: str, window: int) -> int:
        with self._lock:
            if len(self._counts) > 10_000:  # old windows go; the current ones start again at worst
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key_id, window), 0) + 1
            self._counts[(key_id, window)] = count
            return count

    def _shared(self, key_id: str, window: int) -> int:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        name = f"api:rate:{key_id}:{window}"
        with self._redis.pipeline(transaction=True) as pipe:
            count, _ = pipe.incr(name).expire(name, 2 * WINDOW_SECONDS).execute()
        return int(count)

    def hit(self, key_id: str) -> Verdict:
        """Counts one request of the key (blocking: call it off the event loop)."""
        window, retry_after = self._window()
        count = None
        if self.redis_url:
            try:
                count = self._shared(key_id, window)
            except Exception:  # noqa: BLE001 - Redis away: count in this process rather than refuse everyone
                log.warning("API rate limit: Redis unreachable, counting in this process", exc_info=True)
                self._redis = None
        if count is None:
            count = self._local(key_id, window)
        return Verdict(count <= self.limit, retry_after, max(0, self.limit - count))
