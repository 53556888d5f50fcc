"""The REST API, /api/v1: FastAPI mounted on the Reflex backend (app/api/routes.py). Every route authenticates
an API key, counts it against the rate limit, checks the route's scope and calls the same services as the
pages, with the key as the actor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from app.api.v1 import customers, records
from app.api.v1.core import EXCEPTION_HANDLERS, PROBLEM_JSON
from app.api.v1.schemas import Problem

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

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = problem_document(get_openapi(
                title=api.title, version=api.version, openapi_version=api.openapi_version,
                description=api.description, routes=api.routes, servers=api.servers))
        return api.openapi_schema

    api.openapi = openapi

    @api.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # Self-contained (no CDN): it reads openapi.json next to it and lists every route and schema.
        return HTMLResponse(DOCS_PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})

    return api


def problem_document(document: dict[str, Any]) -> dict[str, Any]:
    """Every refusal as the API sends it: application/problem+json, FastAPI's own validation errors included."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    schemas.setdefault("FieldError", schemas["Problem"].pop("$defs", {}).get("FieldError"))
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation["responses"].setdefault("400", {"description": "The body could not be read"})
            for status, response in operation.get("responses", {}).items():
                if not status.isdigit() or int(status) < 400:
                    continue
                content = response.get("content") or {}
                schema = content.get("application/json", {}).get("schema")
                if not schema or schema.get("$ref", "").endswith("/HTTPValidationError"):
                    schema = {"$ref": "#/components/schemas/Problem"}
                response["content"] = {PROBLEM_JSON: {"schema": schema}}
                if status == "422":
                    response["description"] = "Invalid input, per field"
    return document


v1 = create_api()
