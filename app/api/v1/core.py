"""What every /api/v1 route shares: the caller's key and language, the rate limit, the work in a thread,
and every refusal as RFC 9457 problem+json in the caller's language."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.v1.ratelimit import RateLimiter
from app.db import session_scope
from app.domain.errors import DomainError, Forbidden, NotSignedIn
from app.domain.permissions import Actor, Scope
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, t
from app.services import api_keys
from app.services.customers import DuplicatesFound, EditConflict
from app.settings import get_settings

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
NO_STORE = {"Cache-Control": "no-store, private"}
T = TypeVar("T")

TITLES = {
    400: N_("api.problem.bad_request"), 401: N_("api.problem.unauthorized"), 403: N_("api.problem.forbidden"),
    404: N_("api.problem.not_found"), 405: N_("api.problem.method"), 409: N_("api.problem.conflict"),
    412: N_("api.problem.precondition_failed"), 415: N_("api.problem.bad_request"),
    422: N_("api.problem.invalid"), 428: N_("api.problem.precondition_required"),
    429: N_("api.problem.too_many"), 500: N_("api.problem.error"),
}


def request_language(header: str | None) -> str:
    """The best of the app's languages by the Accept-Language header ("en-GB,en;q=0.9,it;q=0.5"); Italian
    when none of them is asked for."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in (header or "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGUAGES and q > best_q and q > 0:
            best, best_q = lang, q
    return best


class ApiProblem(Exception):  # noqa: N818 - it is the answer, not a failure of the code
    def __init__(self, status: int, detail_key: str, *, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, extra: dict | None = None, **params: object) -> None:
        super().__init__(detail_key)
        self.status, self.detail_key, self.errors = status, detail_key, errors or {}
        self.headers, self.extra, self.params = headers or {}, extra or {}, params


def problem(status: int, lang: str, detail: str, *, errors: list[dict] | None = None,
            headers: dict[str, str] | None = None, extra: dict | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": t(TITLES.get(status, TITLES[400]), lang), "status": status,
            "detail": detail, "errors": errors or [], **(extra or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers={**NO_STORE, **(headers or {})})


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


def _field_errors(errors: dict[str, str], lang: str, params: dict) -> list[dict]:
    return [{"field": field, "message": t(key, lang, **params)} for field, key in errors.items() if field]


def domain_status(error: DomainError) -> int:
    if isinstance(error, NotSignedIn):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, DuplicatesFound):
        return 409
    if isinstance(error, EditConflict):
        return 412
    if any(key.endswith("not_found") for key in error.errors.values()):
        return 404
    return 422


def _detail(errors: dict[str, str], lang: str, params: dict, status: int) -> str:
    whole = errors.get("")
    if whole:
        return t(whole, lang, **params)
    return t(N_("api.err.fields") if status == 422 else TITLES.get(status, TITLES[400]), lang)


async def on_domain_error(request: Request, error: DomainError) -> JSONResponse:
    lang = _lang(request)
    status = domain_status(error)
    extra = {}
    if isinstance(error, DuplicatesFound):
        extra["duplicates"] = [{"id": d.id, "code": d.code, "display_name": d.name, "matched": list(d.matched)}
                               for d in error.duplicates]
    if isinstance(error, EditConflict):
        extra["current_version"] = error.current_version
    return problem(status, lang, _detail(error.errors, lang, error.params, status),
                   errors=_field_errors(error.errors, lang, error.params), extra=extra)


async def on_api_problem(request: Request, error: ApiProblem) -> JSONResponse:
    lang = _lang(request)
    return problem(error.status, lang, t(error.detail_key, lang, **error.params),
                   errors=_field_errors(error.errors, lang, error.params), headers=error.headers, extra=error.extra)


async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    lang = _lang(request)
    errors = []
    for item in error.errors()[:50]:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc) or "body", "message": t(N_("form.err.invalid"), lang)})
    return problem(422, lang, t(N_("api.err.fields"), lang), errors=errors)


async def on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    lang = _lang(request)
    status = error.status_code if error.status_code in TITLES else 400
    return problem(status, lang, t(TITLES[status], lang), headers=dict(error.headers or {}))


async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=error)
    lang = _lang(request)
    return problem(500, lang, t(TITLES[500], lang))


EXCEPTION_HANDLERS: dict[Any, Callable] = {
    ApiProblem: on_api_problem, DomainError: on_domain_error, RequestValidationError: on_validation_error,
    StarletteHTTPException: on_http_error, Exception: on_unexpected,
}


# The caller ------------------------------------------------------------------------------------------

bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                    description="An API key created in Impostazioni: `Authorization: Bearer rk_...`.")


@lru_cache(maxsize=4)
def _limiter(limit: int, redis_url: str | None) -> RateLimiter:
    return RateLimiter(limit, redis_url)


def limiter() -> RateLimiter:
    settings = get_settings()
    return _limiter(settings.api_rate_limit, settings.redis_url)


def _identify(token: str | None, lang: str) -> tuple[Actor | None, Any]:
    with session_scope() as session:
        caller = api_keys.authenticate(session=session, token=token, lang=lang)
    if caller is None:
        return None, None
    if caller.stale_last_use:
        with session_scope(write=True) as session:
            api_keys.touch(session=session, key_id=caller.actor.api_key_id)
    return caller.actor, limiter().hit(caller.prefix)


def needs(scope: Scope) -> Callable:
    """A dependency giving the key's actor when it is valid, within its rate and has `scope`."""

    async def caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Actor:
        lang = _lang(request)
        actor, verdict = await run_in_threadpool(_identify, credentials.credentials if credentials else None, lang)
        if actor is None:
            raise ApiProblem(401, N_("api.err.key"), headers={"WWW-Authenticate": "Bearer"})
        if not verdict.allowed:
            raise ApiProblem(429, N_("api.err.rate_limited"), headers={"Retry-After": str(verdict.retry_after)},
                             seconds=verdict.retry_after)
        if scope not in actor.scopes:
            raise ApiProblem(403, N_("api.err.scope"), scope=scope.value)
        return actor

    caller.__name__ = f"needs_{scope.name.lower()}"
    return Depends(caller)


async def in_thread(work: Callable[..., T], *args: object, write: bool = False) -> T:
    """Runs `work(session, *args)` in one transaction off the event loop."""

    def run() -> T:
        with session_scope(write=write) as session:
            return work(session, *args)

    return await run_in_threadpool(run)


# Opaque cursors ----------------------------------------------------------------------------------------


def encode_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, check: Callable[[object], bool]) -> object:
    """The value a cursor of ours holds; anything else is refused (400), never passed on to a query."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = object()
    if not check(value):
        raise ApiProblem(400, N_("api.err.cursor"))
    return value


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match names ("3" or W/"3"); None when it names none of ours."""
    if header is None:
        raise ApiProblem(428, N_("api.err.if_match_required"))
    value = header.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < 12 else None
