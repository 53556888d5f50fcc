"""Whether the app can serve users: the database reachable and at the code's schema, Redis reachable when
the state lives there."""

from __future__ import annotations

from dataclasses import dataclass

from app.migrate import schema_behind
from app.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def readiness(settings: Settings) -> list[Check]:
    problem = schema_behind(settings.database_url)
    checks = [Check("database", problem is None, problem or "ok")]
    if settings.redis_url:
        try:
            import redis

            redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            checks.append(Check("redis", True, "ok"))
        except Exception as error:  # noqa: BLE001 - any failure means not ready, and says why
            checks.append(Check("redis", False, f"{type(error).__name__}: {error}"))
    else:
        checks.append(Check("redis", True, "not used"))
    return checks
