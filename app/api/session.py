"""Sign-in and sign-out over plain HTTP, so that the session cookie can be HttpOnly.

A cookie set from the websocket (Reflex's `rx.Cookie`) is written by the page's JavaScript, which can then
read it back, and so can any script injected into the page. These routes set and clear the session cookie
in the answer's `Set-Cookie` instead: HttpOnly (no script ever sees it), SameSite=Strict, Secure behind
HTTPS. The app's state never holds the token: it reads it from the cookies the browser sent with the
websocket's opening request (`SessionState._session_token`), which is why the page reloads after either.

Both routes answer only requests from the app's own origin (a form on another site cannot sign a visitor
in to an account of its choosing, or out), and both take the client address as the throttling counts it.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.permissions import home_path
from app.domain.text import drop_unsafe
from app.domain.throttle import client_address
from app.i18n import normalize_language, t
from app.services import auth
from app.services.users import set_language
from app.settings import get_settings

SESSION_PATH = "/api/session"
SIGN_OUT_PATH = "/api/session/end"
NO_STORE = {"Cache-Control": "no-store, private"}
YEAR = 365 * 24 * 3600


def secure_cookies() -> bool:
    return get_settings().public_base_url.startswith("https://")


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is not None and origin.rstrip("/") in get_settings().cors_origins


def _client(request: Request) -> str:
    return client_address(request.client.host if request.client else None, request.headers.get("x-forwarded-for"),
                          get_settings().trusted_proxies)


def _set_session_cookie(answer: Response, token: str, max_age: int) -> None:
    answer.set_cookie(auth.SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True,
                      secure=secure_cookies(), samesite="strict")


async def _fields(request: Request) -> dict[str, str]:
    """The form's text fields, cleaned like every text a handler receives; anything else is left out."""
    try:
        form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    except Exception:  # noqa: BLE001  a body that is no form is a form with nothing in it
        return {}
    return {key: drop_unsafe(value) for key, value in form.items() if isinstance(value, str)}


async def sign_in(request: Request) -> Response:
    lang = normalize_language(request.cookies.get(auth.LANGUAGE_COOKIE))
    if not _same_origin(request):
        return JSONResponse({"error": t("auth.forbidden", lang)}, status_code=403, headers=NO_STORE)
    fields = await _fields(request)
    keep_language = fields.get("keep_language") == "1"

    def work() -> auth.SignIn:
        signed = auth.authenticate(
            sessions=session_scope, email=fields.get("email", ""), password=fields.get("password", ""),
            user_agent=request.headers.get("user-agent", ""), client=_client(request),
            device=request.cookies.get(auth.DEVICE_COOKIE))
        if keep_language and signed.actor.language != lang:
            with session_scope(write=True) as session:  # chosen on the sign-in page: it wins over the saved one
                set_language(session=session, actor=signed.actor, language=lang)
        return signed

    try:
        signed = await run_in_threadpool(work)
    except DomainError as error:
        status = 429 if error.message_key == "login.address_waits" else 401
        return JSONResponse({"error": t(error.message_key, lang, **error.params)}, status_code=status,
                            headers=NO_STORE)
    answer = JSONResponse({"home": home_path(signed.actor.role)}, headers=NO_STORE)
    _set_session_cookie(answer, signed.token, get_settings().session_absolute_days * 24 * 3600)
    answer.set_cookie(auth.DEVICE_COOKIE, signed.device, max_age=YEAR, path="/", httponly=True,
                      secure=secure_cookies(), samesite="strict")
    answer.set_cookie(auth.LANGUAGE_COOKIE, lang if keep_language else signed.actor.language, max_age=YEAR,
                      path="/", secure=secure_cookies(), samesite="lax")
    return answer


async def sign_out(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "forbidden"}, status_code=403, headers=NO_STORE)
    token = request.cookies.get(auth.SESSION_COOKIE, "")

    def work() -> None:
        with session_scope(write=True) as session:
            auth.logout(session=session, token=token)

    await run_in_threadpool(work)
    answer = JSONResponse({"home": "/login"}, headers=NO_STORE)
    _set_session_cookie(answer, "", 0)
    return answer
