"""The REST API, /api/v1: FastAPI mounted on the Reflex backend (app/api/routes.py). Every route authenticates
an API key, counts it against the rate limit, checks the route's scope and calls the same services as the
pages, with the key as the actor."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from app.api.v1 import customers, records
from app.api.v1.core import EXCEPTION_HANDLERS

DOCS_PAGE = Path(__file__).with_name("docs.html")
DESCRIPTION = """The customer registry for other programs. Authenticate with an API key created by an
administrator in Impostazioni: `Authorization: Bearer rk_...`. Each key has scopes; a route needs the scope it
names. Errors are RFC 9457 `application/problem+json`, with messages in the `Accept-Language` language (it, en).
A key may make a limited number of requests per minute: beyond it the answer is 429 with `Retry-After`."""


def create_api() -> FastAPI:
    api = FastAPI(title="Anagrafica clienti REST API", version="1", description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  exception_handlers=EXCEPTION_HANDLERS)
    api.include_router(customers.router)
    api.include_router(records.consents_router)
    api.include_router(records.orders_router)
    api.include_router(records.interventions_router)

    @api.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # Self-contained (no CDN): it reads openapi.json next to it and lists every route and schema.
        return HTMLResponse(DOCS_PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})

    return api


v1 = create_api()
