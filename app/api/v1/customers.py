"""/api/v1/customers: the registry through the same services as the office pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from sqlmodel import Session

from app.api.v1 import schemas
from app.api.v1.core import (
    ApiProblem,
    decode_cursor,
    encode_cursor,
    etag,
    in_thread,
    needs,
    parse_if_match,
)
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Scope
from app.domain.vocabularies import CustomerKind, CustomerStatus, Source
from app.i18n import N_
from app.models.base import as_utc
from app.services import change_requests, customers

router = APIRouter(prefix="/customers", tags=["customers"])
CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PRIVATE = {"Cache-Control": "no-store, private"}
ERRORS = {
    401: {"model": schemas.Problem, "description": "No valid key"},
    403: {"model": schemas.Problem, "description": "The key lacks the scope"},
    429: {"model": schemas.Problem, "description": "Too many requests: retry after `Retry-After` seconds"},
}
NOT_FOUND = {404: {"model": schemas.Problem, "description": "No such customer"}}
INVALID = {422: {"model": schemas.Problem, "description": "Invalid input, per field"}}
NOT_MODIFIED = {304: {"description": "Not modified: If-None-Match named the current ETag"}}
BAD_CURSOR = {400: {"model": schemas.Problem, "description": "A cursor this API did not give"}}


def _search_cursor(value: object) -> bool:
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**62 for v in value[1:]))


def _changes_cursor(value: object) -> bool:
    if value == []:
        return True
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int) and not isinstance(value[1], bool) and 0 <= value[1] < 2**62):
        return False
    try:
        return datetime.fromisoformat(value[0]).tzinfo is not None
    except ValueError:
        return False


def _card(session: Session, actor: Actor, customer_id: int) -> schemas.CustomerDetail:
    card = customers.get_card(session=session, actor=actor, customer_id=customer_id)
    return schemas.detail(card.customer, card.contacts, card.sites)


def _answer(response: Response, found: schemas.CustomerDetail) -> schemas.CustomerDetail:
    response.headers["ETag"] = etag(found.version)
    response.headers.update(PRIVATE)
    return found


def _not_modified(request: Request, found: schemas.CustomerDetail) -> Response | None:
    wanted = request.headers.get("if-none-match")
    if wanted and etag(found.version) in [w.strip().removeprefix("W/") for w in wanted.split(",")]:
        return Response(status_code=304, headers={"ETag": etag(found.version), **PRIVATE})
    return None


@router.get("", response_model=schemas.CustomerPage, responses={**ERRORS, **BAD_CURSOR, **INVALID},
            summary="Search customers (the office list's search), by name")
async def list_customers(
    response: Response, actor: Actor = needs(Scope.CUSTOMERS_READ),
    q: Annotated[str, Query(max_length=200, description="Text as typed in the office list's search")] = "",
    kind: CustomerKind | None = None, status: CustomerStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=1000, description="`next_cursor` of the previous page")] = None,
) -> schemas.CustomerPage:
    after = decode_cursor(cursor, _search_cursor)

    def work(session: Session) -> schemas.CustomerPage:
        page = customers.search_customers(session=session, actor=actor, query=q, kind=kind, status=status,
                                          after=tuple(after) if after else None, limit=limit)
        rows = customers.customers_by_ids(session=session, actor=actor, ids=[r.id for r in page.rows])
        return schemas.CustomerPage(items=[schemas.summary(c) for c in rows],
                                    next_cursor=encode_cursor(list(page.next_after)) if page.next_after else None)

    response.headers.update(PRIVATE)
    return await in_thread(work)


@router.get("/changes", response_model=schemas.ChangesPage, responses={**ERRORS, **BAD_CURSOR, **INVALID},
            summary="Customers created or changed after a cursor, oldest change first")
async def customer_changes(
    response: Response, actor: Actor = needs(Scope.CUSTOMERS_READ),
    after: Annotated[str | None, Query(max_length=1000, description="`next` of the previous call")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> schemas.ChangesPage:
    value = decode_cursor(after, _changes_cursor)
    key = (datetime.fromisoformat(value[0]), value[1]) if value else None

    def work(session: Session) -> schemas.ChangesPage:
        found = customers.changed_customers(session=session, actor=actor, after=key, limit=limit)
        last = found[-1] if found else None
        next_key = [as_utc(last.updated_at).isoformat(), last.id] if last else (value or [])
        return schemas.ChangesPage(items=[schemas.record(c) for c in found], next=encode_cursor(next_key))

    response.headers.update(PRIVATE)
    return await in_thread(work)


@router.get("/by-external-code/{external_code}", response_model=schemas.CustomerDetail,
            responses={**ERRORS, **NOT_FOUND, **INVALID, **NOT_MODIFIED},
            summary="The customer with this code in another system")
async def customer_by_external_code(
    request: Request, response: Response, external_code: Annotated[str, Path(min_length=1, max_length=100)],
    actor: Actor = needs(Scope.CUSTOMERS_READ),
) -> schemas.CustomerDetail | Response:
    def work(session: Session) -> schemas.CustomerDetail:
        customer = customers.find_by_external_code(session=session, actor=actor, external_code=external_code)
        return _card(session, actor, customer.id)

    found = await in_thread(work)
    return _not_modified(request, found) or _answer(response, found)


@router.get("/{customer_id}", response_model=schemas.CustomerDetail,
            responses={**ERRORS, **NOT_FOUND, **INVALID, **NOT_MODIFIED},
            summary="One customer with its contacts and sites; ETag is its version")
async def get_customer(
    request: Request, response: Response, customer_id: CustomerId, actor: Actor = needs(Scope.CUSTOMERS_READ),
) -> schemas.CustomerDetail | Response:
    found = await in_thread(_card, actor, customer_id)
    return _not_modified(request, found) or _answer(response, found)


@router.post("", response_model=schemas.CustomerDetail, status_code=201,
             responses={**ERRORS, **INVALID, 409: {"model": schemas.DuplicatesProblem,
                                                   "description": "Possible duplicates (resend with confirmation)"}},
             summary="Create a customer, checked for duplicates")
async def create_customer(
    response: Response, body: schemas.CustomerCreate, actor: Actor = needs(Scope.CUSTOMERS_WRITE),
    confirm_duplicates: bool = False,
) -> schemas.CustomerDetail:
    raw = body.model_dump(exclude_unset=True)
    raw["kind"] = body.kind.value
    if raw.get("assigned_user_id") is not None:
        raw["assigned_user_id"] = str(raw["assigned_user_id"])

    def work(session: Session) -> schemas.CustomerDetail:
        customer = customers.create_customer(session=session, actor=actor, raw=raw, source=Source.API,
                                             confirmed_duplicates=confirm_duplicates)
        return _card(session, actor, customer.id)

    found = await in_thread(work, write=True)
    response.headers["Location"] = f"/api/v1/customers/{found.id}"
    return _answer(response, found)


@router.patch("/{customer_id}", response_model=schemas.ChangeOutcome,
              responses={**ERRORS, **NOT_FOUND, **INVALID,
                         412: {"model": schemas.Problem, "description": "If-Match names an older version"},
                         428: {"model": schemas.Problem, "description": "If-Match is missing"}},
              summary="Ask for changes: each field is applied, held for review or refused by the field rules")
async def update_customer(
    response: Response, customer_id: CustomerId, body: schemas.CustomerPatch,
    if_match: Annotated[str | None, Header(description='The ETag read, e.g. "3"')] = None,
    actor: Actor = needs(Scope.CUSTOMERS_WRITE),
) -> schemas.ChangeOutcome:
    expected = parse_if_match(if_match)
    raw = body.model_dump(exclude_unset=True)

    def work(session: Session) -> schemas.ChangeOutcome:
        customer = customers.locked_customer(session, customer_id) if customers.get_customer(
            session=session, actor=actor, customer_id=customer_id) else None
        if expected != customer.version:
            raise ApiProblem(412, N_("api.err.stale"), headers={"ETag": etag(customer.version)},
                             extra={"current_version": customer.version})
        try:
            outcome = change_requests.submit_request(session=session, actor=actor, customer_id=customer_id,
                                                     raw=raw, source=Source.API)
        except DomainError as error:
            if error.message_key != "requests.nothing_changed" or len(error.errors) != 1:
                raise
            outcome = change_requests.SubmitOutcome(request_id=None, applied=[], pending=[], refused=[])
        return schemas.ChangeOutcome(request_id=outcome.request_id, applied=outcome.applied,
                                     pending=outcome.pending, refused=outcome.refused,
                                     customer=_card(session, actor, customer_id))

    outcome = await in_thread(work, write=True)
    response.headers["ETag"] = etag(outcome.customer.version)
    response.headers.update(PRIVATE)
    return outcome
