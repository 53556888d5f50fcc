"""/api/v1: a customer's consents, its orders and the interventions, through the same services as the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlmodel import Session, select

from app.api.v1 import schemas
from app.api.v1.core import ApiProblem, decode_cursor, encode_cursor, in_thread, needs
from app.api.v1.customers import BAD_CURSOR, ERRORS, INVALID, NOT_FOUND, PRIVATE, CustomerId
from app.domain.credit import parse_reasons
from app.domain.permissions import Actor, Scope
from app.domain.sales import display_number
from app.domain.vocabularies import DocumentKind, Source
from app.i18n import N_, t
from app.models import ConsentType, SalesDocument
from app.models.base import as_utc
from app.services import consents, customers, interventions, sales

consents_router = APIRouter(prefix="/customers/{customer_id}/consents", tags=["consents"])
orders_router = APIRouter(prefix="/customers/{customer_id}/orders", tags=["orders"])
interventions_router = APIRouter(prefix="/interventions", tags=["interventions"])
ContactId = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="A contact person; none: the customer")]


# Consents --------------------------------------------------------------------------------------------


def _type_by_code(session: Session, code: str) -> ConsentType:
    found = session.exec(select(ConsentType).where(ConsentType.code == code)).first() if code.isprintable() else None
    if found is None:
        raise ApiProblem(404, N_("consents.err.type_not_found"))
    return found


def _event(event, version: int, code: str) -> schemas.ConsentEventOut:  # noqa: ANN001
    return schemas.ConsentEventOut(
        id=event.id, contact_id=event.contact_id, type_code=code, state=event.state, text_version=version,
        text_sha256=event.text_sha256, source=event.source, signature_collected=event.signature_collected,
        recorded_by=event.actor_label or None, recorded_at=as_utc(event.created_at))


@consents_router.get("", response_model=list[schemas.ConsentSubject], responses={**ERRORS, **NOT_FOUND, **INVALID},
                     summary="Each consent's current state, for the customer and each of its contacts")
async def current_consents(
    response: Response, customer_id: CustomerId, actor: Actor = needs(Scope.CONSENTS_READ),
) -> list[schemas.ConsentSubject]:
    def work(session: Session) -> list[schemas.ConsentSubject]:
        current = consents.current_consents(session=session, actor=actor, customer_id=customer_id)
        return [schemas.ConsentSubject(contact_id=contact_id, consents=[schemas.ConsentState(
            type_code=s.code, type_title=s.title, channel=s.channel, state=s.state, text_version=s.version,
            latest_text_version=s.latest_version, signature_missing=s.signature_missing,
            recorded_at=as_utc(s.recorded_at), source=s.source) for s in rows])
            for contact_id, rows in current.items()]

    response.headers.update(PRIVATE)
    return await in_thread(_with_customer(work, actor, customer_id))


def _with_customer(work, actor: Actor, customer_id: int):  # noqa: ANN001, ANN202
    """A missing customer answers 404 before anything else is read."""

    def checked(session: Session):  # noqa: ANN202
        customers.get_customer(session=session, actor=actor, customer_id=customer_id)
        return work(session)

    return checked


@consents_router.get("/history", response_model=list[schemas.ConsentEventOut],
                     responses={**ERRORS, **NOT_FOUND, **INVALID}, summary="One consent's events, newest first")
async def consent_history(
    response: Response, customer_id: CustomerId,
    type: Annotated[str, Query(min_length=1, max_length=40, description="The consent type's code")],  # noqa: A002
    contact_id: ContactId = None, actor: Actor = needs(Scope.CONSENTS_READ),
) -> list[schemas.ConsentEventOut]:
    def work(session: Session) -> list[schemas.ConsentEventOut]:
        consent_type = _type_by_code(session, type)
        rows = consents.history(session=session, actor=actor, customer_id=customer_id, contact_id=contact_id,
                                type_id=consent_type.id)
        return [_event(event, version, consent_type.code) for event, version in rows]

    response.headers.update(PRIVATE)
    return await in_thread(_with_customer(work, actor, customer_id))


@consents_router.post("", response_model=schemas.ConsentRecorded, status_code=201,
                      responses={**ERRORS, **NOT_FOUND, **INVALID,
                                 200: {"model": schemas.ConsentRecorded,
                                       "description": "The consent already stood so: nothing was recorded"}},
                      summary='Record a consent (source "api")')
async def record_consent(
    response: Response, customer_id: CustomerId, body: schemas.ConsentRecord,
    actor: Actor = needs(Scope.CONSENTS_WRITE),
) -> schemas.ConsentRecorded:
    def work(session: Session) -> schemas.ConsentRecorded:
        consent_type = _type_by_code(session, body.type)
        event = consents.record_consent(session=session, actor=actor, customer_id=customer_id,
                                        contact_id=body.contact_id, type_id=consent_type.id, state=body.state,
                                        source=Source.API, signature_collected=body.signature_collected)
        if event is None:
            return schemas.ConsentRecorded(recorded=False, event=None)
        version = consents.latest_text(session, consent_type.id).version
        return schemas.ConsentRecorded(recorded=True, event=_event(event, version, consent_type.code))

    outcome = await in_thread(_with_customer(work, actor, customer_id), write=True)
    if not outcome.recorded:
        response.status_code = 200
    response.headers.update(PRIVATE)
    return outcome


# Orders ----------------------------------------------------------------------------------------------


def _amount(value: object) -> str:
    return format(value, "f")


@orders_router.post("", response_model=schemas.OrderOut, status_code=201,
                    responses={**ERRORS, **NOT_FOUND, **INVALID},
                    summary="Create an order: the credit checks may hold it for the credit manager")
async def create_order(
    response: Response, customer_id: CustomerId, body: schemas.OrderCreate,
    actor: Actor = needs(Scope.DOCUMENTS_WRITE),
) -> schemas.OrderOut:
    raw = body.model_dump(exclude_unset=True, mode="json")
    if raw.get("shipping_site_id") is not None:
        raw["shipping_site_id"] = str(raw["shipping_site_id"])
    for line in raw.get("lines", []):
        if line.get("article_id") is not None:
            line["article_id"] = str(line["article_id"])

    def work(session: Session) -> schemas.OrderOut:
        document = sales.create_document(session=session, actor=actor, customer_id=customer_id,
                                         kind=DocumentKind.ORDER, raw=raw, source=Source.API)
        return _order(session, actor, document)

    found = await in_thread(_with_customer(work, actor, customer_id), write=True)
    response.headers["Location"] = f"/api/v1/customers/{customer_id}/orders/{found.id}"
    response.headers.update(PRIVATE)
    return found


def _order(session: Session, actor: Actor, document: SalesDocument) -> schemas.OrderOut:
    lines = sales.document_lines(session=session, actor=actor, customer_id=document.customer_id,
                                 document_id=document.id)
    reasons = parse_reasons(document.held_reasons)
    return schemas.OrderOut(
        id=document.id, number=display_number(document.kind, document.year, document.number), kind=document.kind,
        status=document.status, held=bool(reasons),
        reasons=[schemas.HoldReasonOut(code=r.value, label=t(r.label_key, actor.language)) for r in reasons],
        customer_id=document.customer_id, document_date=document.document_date, payment_term=document.payment_term,
        net_total=_amount(document.net_total), vat_total=_amount(document.vat_total),
        gross_total=_amount(document.gross_total),
        lines=[schemas.OrderLineOut(position=line.position, article_id=line.article_id, description=line.description,
                                    quantity=_amount(line.quantity), unit_price=_amount(line.unit_price),
                                    discount=_amount(line.discount), vat_rate=_amount(line.vat_rate),
                                    gross=_amount(line.gross)) for line in lines],
    )


# Interventions ---------------------------------------------------------------------------------------


# Days a calendar can turn into times in any time zone: the far ends of `date` cannot.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _intervention_cursor(value: object) -> bool:
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int) and not isinstance(value[1], bool) and 0 <= value[1] < 2**62):
        return False
    try:
        moment = datetime.fromisoformat(value[0])
        return moment.tzinfo is not None and moment.astimezone(UTC) is not None
    except (ValueError, OverflowError):
        return False


def _row(row: interventions.InterventionRow) -> dict:
    return {"id": row.id, "number": row.number, "customer_id": row.customer_id, "customer_code": row.customer_code,
            "customer_name": row.customer_name, "site_name": row.site_name, "site_address": row.site_address,
            "type_name": row.type_name, "starts_at": as_utc(row.starts_at), "ends_at": as_utc(row.ends_at),
            "status": row.status, "technicians": list(row.technicians), "description": row.description}


@interventions_router.get("", response_model=schemas.InterventionPage, responses={**ERRORS, **BAD_CURSOR, **INVALID},
                          summary="Interventions, latest first, filtered by customer and days")
async def list_interventions(
    response: Response, actor: Actor = needs(Scope.INTERVENTIONS_READ),
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    date_from: Annotated[date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY,
                                            description="First day (local time)")] = None,
    date_to: Annotated[date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY,
                                          description="Last day (local time)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> schemas.InterventionPage:
    value = decode_cursor(cursor, _intervention_cursor)
    after = (datetime.fromisoformat(value[0]).astimezone(UTC), value[1]) if value else None
    filters = interventions.ListFilters(customer_id=customer_id, date_from=date_from, date_to=date_to)

    def work(session: Session) -> schemas.InterventionPage:
        rows, next_key = interventions.list_page(session=session, actor=actor, filters=filters, after=after,
                                                 limit=limit)
        return schemas.InterventionPage(
            items=[schemas.InterventionOut(**_row(r)) for r in rows],
            next_cursor=encode_cursor([as_utc(next_key[0]).isoformat(), next_key[1]]) if next_key else None)

    response.headers.update(PRIVATE)
    return await in_thread(work)


@interventions_router.get("/{intervention_id}", response_model=schemas.InterventionDetailOut,
                          responses={**ERRORS, 404: {"model": schemas.Problem, "description": "No such intervention"},
                                     **INVALID}, summary="One intervention with its work and materials")
async def get_intervention(
    response: Response, intervention_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Actor = needs(Scope.INTERVENTIONS_READ),
) -> schemas.InterventionDetailOut:
    def work(session: Session) -> schemas.InterventionDetailOut:
        found = interventions.detail(session=session, actor=actor, intervention_id=intervention_id)
        return schemas.InterventionDetailOut(
            **_row(found.row), version=found.version, site_id=found.site_id, contact_id=found.contact_id,
            cancel_reason=found.cancel_reason, started_at=as_utc(found.started_at), closed_at=as_utc(found.closed_at),
            work_done=found.work_done, minutes_spent=found.minutes_spent, signer_name=found.signer_name,
            sheet_sha256=found.sheet_sha256,
            materials=[schemas.MaterialOut(description=m.description, quantity=_amount(m.quantity), unit=m.unit)
                       for m in found.materials])

    response.headers.update(PRIVATE)
    return await in_thread(work)
