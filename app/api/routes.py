"""HTTP routes next to the app's websocket: downloads that a browser opens as a plain link.
Each one finds the user from the session cookie and asks the same services the pages use."""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from app.api import session as session_routes
from app.api.v1 import v1
from app.db import session_scope
from app.domain import upload_rules
from app.domain.errors import DomainError, Forbidden, NotSignedIn
from app.domain.history import read_filter
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm, require
from app.i18n import normalize_language, t
from app.services import auth, consent_pdf, customer_export, customer_import, documents, health, history
from app.settings import get_settings

PRIVATE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store, private"}


def _refusal(error: DomainError, lang: str) -> Response:
    status = 401 if isinstance(error, NotSignedIn) else 403 if isinstance(error, Forbidden) else 404
    return PlainTextResponse(t(error.message_key, lang), status_code=status, headers=PRIVATE_HEADERS)


async def _download(request: Request, make: Callable) -> Response:  # noqa: ANN401
    """Runs `make(session, actor, lang)` -> (bytes, file name, media type) for the signed-in user."""
    lang = normalize_language(request.cookies.get(auth.LANGUAGE_COOKIE))
    token = request.cookies.get(auth.SESSION_COOKIE, "")

    def work() -> tuple[bytes, str, str]:
        with session_scope() as session:
            actor = auth.resolve_session(session=session, token=token)
            if actor is None:
                raise NotSignedIn()
            return make(session, actor, lang)

    try:
        body, filename, media_type = await run_in_threadpool(work)
    except DomainError as error:
        return _refusal(error, lang)
    return Response(body, media_type=media_type, headers={
        **PRIVATE_HEADERS, "Content-Disposition": _disposition(filename)})


def _disposition(filename: str) -> str:
    """Always a download, never shown inline; the name survives accents (RFC 6266)."""
    plain = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


async def consent_form(request: Request) -> Response:
    customer_id = parse_id(request.path_params.get("customer_id"))

    def make(session, actor, lang):  # noqa: ANN001, ANN202
        if customer_id is None:
            raise DomainError("customer.not_found")
        body, filename = consent_pdf.consent_form(session=session, actor=actor, customer_id=customer_id,
                                                  issuer=get_settings().company_name, lang=lang)
        return body, filename, "application/pdf"

    return await _download(request, make)


async def attachment(request: Request) -> Response:
    attachment_id = parse_id(request.path_params.get("attachment_id"))

    def make(session, actor, lang):  # noqa: ANN001, ANN202, ARG001
        found = documents.open_download(session=session, actor=actor, attachment_id=attachment_id)
        return found.path.read_bytes(), found.filename, found.content_type

    return await _download(request, make)


async def history_export(request: Request) -> Response:
    customer_id = parse_id(request.path_params.get("customer_id"))
    fmt = request.path_params.get("fmt")

    def make(session, actor, lang):  # noqa: ANN001, ANN202
        if customer_id is None or fmt not in ("csv", "xlsx"):
            raise DomainError("customer.not_found")
        flt, _ = read_filter(dict(request.query_params))  # a filter that cannot be read is left out, as on screen
        return history.export(session=session, actor=actor, customer_id=customer_id, flt=flt, fmt=fmt, lang=lang)

    return await _download(request, make)


async def _signed_in(request: Request, perm: Perm) -> tuple[Actor | None, str, Response | None]:
    """The session's actor allowed `perm`, or the refusal to answer with."""
    lang = normalize_language(request.cookies.get(auth.LANGUAGE_COOKIE))
    token = request.cookies.get(auth.SESSION_COOKIE, "")

    def work() -> Actor:
        with session_scope() as session:
            actor = auth.resolve_session(session=session, token=token)
        if actor is None:
            raise NotSignedIn()
        return require(actor, perm)

    try:
        return await run_in_threadpool(work), lang, None
    except DomainError as error:
        return None, lang, _refusal(error, lang)


async def customers_export(request: Request) -> Response:
    """The customer list with the filters and search of its address, as CSV (streamed page by page) or
    XLSX (written to a temporary file, sent, then deleted)."""
    fmt = request.path_params.get("fmt")
    actor, lang, refusal = await _signed_in(request, Perm.CUSTOMERS_READ)
    if refusal is not None:
        return refusal
    if fmt not in ("csv", "xlsx"):
        return PlainTextResponse(t("customer.not_found", lang), status_code=404, headers=PRIVATE_HEADERS)
    filters = customer_export.filters_from_params(dict(request.query_params))
    filename = f"{t('customers.export_file', lang)}.{fmt}"
    headers = {**PRIVATE_HEADERS, "Content-Disposition": _disposition(filename)}
    if fmt == "csv":
        return StreamingResponse(customer_export.csv_chunks(session_scope, actor, filters, lang),
                                 media_type="text/csv; charset=utf-8", headers=headers)
    path = await run_in_threadpool(customer_export.write_xlsx, session_scope, actor, filters, lang)
    return FileResponse(path, media_type=upload_rules.ALLOWED_TYPES["xlsx"], headers=headers,
                        background=BackgroundTask(os.unlink, path))


async def import_errors(request: Request) -> Response:
    job_id = parse_id(request.path_params.get("job_id"))

    def make(session, actor, lang):  # noqa: ANN001, ANN202
        return customer_import.error_file(session=session, actor=actor, job_id=job_id, lang=lang)

    return await _download(request, make)


async def healthz(_request: Request) -> Response:
    """The process answers: for a proxy's or orchestrator's liveness check."""
    return PlainTextResponse("ok", headers=PRIVATE_HEADERS)


async def readyz(_request: Request) -> Response:
    """Ready for users: the database answers and is at the code's schema, and Redis answers when used."""
    checks = await run_in_threadpool(health.readiness, get_settings())
    ready = all(check.ok for check in checks)
    return JSONResponse({check.name: check.detail for check in checks}, status_code=200 if ready else 503,
                        headers=PRIVATE_HEADERS)


def consent_form_path(customer_id: int) -> str:
    return f"/api/customers/{customer_id}/consents.pdf"


api = Starlette(routes=[
    Route(session_routes.SESSION_PATH, session_routes.sign_in, methods=["POST"]),
    Route(session_routes.SIGN_OUT_PATH, session_routes.sign_out, methods=["POST"]),
    Route("/api/customers/{customer_id}/consents.pdf", consent_form, methods=["GET"]),
    Route("/api/attachments/{attachment_id}", attachment, methods=["GET"]),
    Route("/api/customers/{customer_id}/history.{fmt}", history_export, methods=["GET"]),
    Route("/api/customers/export.{fmt}", customers_export, methods=["GET"]),
    Route("/api/imports/{job_id}/errors.csv", import_errors, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    # The REST API for other programs, with its own keys, errors and documentation (app/api/v1).
    Mount("/api/v1", app=v1),
])
