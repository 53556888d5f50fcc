"""Interventions: the office plans, reschedules and cancels them; the assigned technicians start, fill
in and close them with the customer's signature, which makes the signed sheet (a private PDF e-mailed
to the customer's users who asked for it); the reserved area shows the company's within each user's
scope; reminders with a calendar entry go out before each visit.

Who may touch one is decided here, next to every read and write: office staff any; a technician only
those assigned to them, and nothing else of the office; a customer user only their company's, and with
"own" visibility only those they asked for or where they are the contact on site. A refused id gets the
same answer as a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Row, Select, func, or_
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from app.domain import interventions as rules
from app.domain import upload_rules
from app.domain.customer_rules import display_name
from app.domain.errors import DomainError, Forbidden
from app.domain.inputs import (
    CancelInput,
    CloseInput,
    InterventionInput,
    InterventionTypeInput,
    NoteInput,
    WorkInput,
    check_text,
    search_text,
)
from app.domain.permissions import Actor, Perm, Role, has_perm, require, require_customer_record
from app.domain.vocabularies import CreditAction, InterventionStatus
from app.i18n import N_, normalize_language, t
from app.i18n.formats import TIME_ZONE, format_datetime
from app.models import (
    Attachment,
    Contact,
    Customer,
    Intervention,
    InterventionMaterial,
    InterventionNote,
    InterventionTechnician,
    InterventionType,
    OutboxAttachment,
    OutboxMessage,
    PortalAccess,
    Report,
    Site,
    Ticket,
    User,
)
from app.models.base import as_utc, utcnow
from app.services import anonymization, blocks, documents, movements, outbox, sequences
from app.services.portal_profiles import require_module
from app.settings import Settings, get_settings

NOT_FOUND = N_("interventions.not_found")
MODULE = "interventions"
PAGE_SIZE = 50
PREVIOUS_AT_SITE = 10
MAX_MATERIALS = 100
# How far back the calendar looks for a visit still running when its range opens: the longest visit allowed.
_LOOKBACK = rules.MAX_DURATION


# Reading rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionRow:
    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    site_name: str
    site_address: str
    type_id: int
    type_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    technician_ids: tuple[int, ...]
    technicians: tuple[str, ...]
    description: str
    sheet_id: int | None

    @property
    def has_sheet(self) -> bool:
        return self.sheet_id is not None


@dataclass(frozen=True)
class MaterialRow:
    description: str
    quantity: Decimal
    unit: str | None


@dataclass(frozen=True)
class NoteRow:
    author: str
    body: str
    is_correction: bool
    created_at: datetime


@dataclass(frozen=True)
class FileRow:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class InterventionDetail:
    row: InterventionRow
    version: int
    site_id: int
    contact_id: int | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    cancel_reason: str | None
    started_at: datetime | None
    closed_at: datetime | None
    work_done: str | None
    minutes_spent: int | None
    signer_name: str | None
    sheet_id: int | None
    sheet_sha256: str | None
    materials: tuple[MaterialRow, ...]
    notes: tuple[NoteRow, ...]
    photos: tuple[FileRow, ...]
    previous: tuple[tuple[InterventionRow, str | None, tuple[NoteRow, ...]], ...] = field(default=())


def site_address(site: Site | Row) -> str:
    place = " ".join(p for p in (site.cap, site.city, f"({site.province})" if site.province else None) if p)
    return ", ".join(p for p in (site.street, place) if p)


def type_name(kind: InterventionType, lang: str) -> str:
    return kind.name_en if normalize_language(lang) == "en" and kind.name_en else kind.name_it


# What a row shows of an intervention: a list or calendar reads these columns, never whole rows, because
# building thousands of full ORM objects costs more than the queries themselves.
_SHOWN = (Intervention.id, Intervention.number, Intervention.customer_id, Intervention.site_id,
          Intervention.type_id, Intervention.starts_at, Intervention.ends_at, Intervention.status,
          Intervention.description, Intervention.sheet_attachment_id)


def _rows(
    session: Session, interventions: Sequence[Intervention | Row], lang: str, among: Select | None = None,
    with_sites: bool = True,
) -> list[InterventionRow]:
    """The rows of these interventions (whole objects or `_SHOWN` columns), in their order. `among`, a query
    of ids that covers them (the calendar's window), replaces the lists of ids in the lookups: thousands of
    bound values cost more to send and plan than the lookups themselves. Without `with_sites` the rows carry
    no site (the calendar's events do not show it: the intervention's window does)."""
    if not interventions:
        return []
    shown = [tuple(i) if isinstance(i, Row) else tuple(getattr(i, c.key) for c in _SHOWN) for i in interventions]
    ids = among if among is not None else [i[0] for i in shown]
    customer_ids = select(Intervention.customer_id).where(col(Intervention.id).in_(among)) \
        if among is not None else {i[2] for i in shown}
    site_ids = select(Intervention.site_id).where(col(Intervention.id).in_(among)) \
        if among is not None else {i[3] for i in shown}
    customers = {c.id: (c.code, display_name(c.kind, c.company_name, c.first_name, c.last_name) or c.code)
                 for c in session.exec(select(Customer.id, Customer.code, Customer.kind, Customer.company_name,
                                              Customer.first_name, Customer.last_name)
                                       .where(col(Customer.id).in_(customer_ids)))}
    sites = {s.id: (s.name, site_address(s)) for s in session.exec(
        select(Site.id, Site.name, Site.street, Site.cap, Site.city, Site.province)
        .where(col(Site.id).in_(site_ids)))} if with_sites else {}
    kinds = {k.id: type_name(k, lang) for k in session.exec(select(InterventionType))}
    # The technicians' names are read once (a few dozen people), not joined to every assignment.
    names = {key: name for key, name in session.exec(
        select(User.id, User.full_name).where(User.role == Role.TECHNICIAN.value))}
    crew: dict[int, list[tuple[int, str]]] = {}
    for intervention_id, user_id in session.exec(
        select(InterventionTechnician.intervention_id, InterventionTechnician.user_id)
        .where(col(InterventionTechnician.intervention_id).in_(ids))
    ):
        crew.setdefault(intervention_id, []).append((user_id, names.get(user_id, "")))
    rows = []
    for key, number, customer_id, site_id, type_id, starts_at, ends_at, status, description, sheet_id in shown:
        (code, name), (place, address) = customers[customer_id], sites.get(site_id, ("", ""))
        people = sorted(crew.get(key, ()), key=lambda person: person[1])
        rows.append(InterventionRow(
            id=key, number=number, customer_id=customer_id, customer_code=code, customer_name=name,
            site_name=place, site_address=address, type_id=type_id, type_name=kinds[type_id],
            starts_at=as_utc(starts_at), ends_at=as_utc(ends_at), status=status,
            technician_ids=tuple(u for u, _ in people), technicians=tuple(n for _, n in people),
            description=description, sheet_id=sheet_id,
        ))
    return rows


def _id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# Types ------------------------------------------------------------------------------------------


def list_types(*, session: Session, active_only: bool = True) -> list[InterventionType]:
    query = select(InterventionType).order_by(InterventionType.position, InterventionType.id)
    if active_only:
        query = query.where(col(InterventionType.active))
    return list(session.exec(query))


def save_type(
    *, session: Session, actor: Actor, raw: InterventionTypeInput | Mapping, type_id: int | None = None,
) -> InterventionType:
    require(actor, Perm.SETTINGS_MANAGE)
    data, errors = InterventionTypeInput.read(raw)
    check_text(data.code, "code", 20, errors, required=True)
    check_text(data.name_it, "name_it", 80, errors, required=True)
    check_text(data.name_en, "name_en", 80, errors, required=True)
    position = _id(data.position) if data.position else 0
    if position is None:
        errors["position"] = N_("form.err.number")
    code = (data.code or "").lower()
    holder = session.exec(select(InterventionType.id).where(InterventionType.code == code)).first() if code else None
    if holder is not None and holder != type_id:
        errors["code"] = N_("interventions.err.type_code_taken")
    if errors:
        raise DomainError(errors)
    kind = InterventionType() if type_id is None else session.get(InterventionType, type_id)
    if kind is None:
        raise DomainError(NOT_FOUND)
    kind.code, kind.name_it, kind.name_en, kind.position, kind.active = (code, data.name_it, data.name_en,
                                                                          position, data.active)
    session.add(kind)
    session.flush()
    return kind


def list_technicians(*, session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The active technicians a planner can assign, by name."""
    require(actor, Perm.CUSTOMERS_READ)
    return [(u.id, u.full_name) for u in session.exec(
        select(User).where(User.role == Role.TECHNICIAN.value, col(User.is_active)).order_by(User.full_name))]


# Planning (office) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    technician: str
    number: str
    customer_name: str
    starts_at: datetime
    ends_at: datetime


def clashes(
    *, session: Session, technician_ids: tuple[int, ...], starts_at: datetime, ends_at: datetime,
    exclude_id: int | None = None,
) -> list[Clash]:
    """The other live interventions of these technicians that overlap the given times."""
    if not technician_ids:
        return []
    query = (
        select(InterventionTechnician, Intervention, User.full_name)
        .join(Intervention, Intervention.id == InterventionTechnician.intervention_id)
        .join(User, User.id == InterventionTechnician.user_id)
        .where(col(InterventionTechnician.user_id).in_(technician_ids), col(InterventionTechnician.active),
               InterventionTechnician.starts_at < ends_at, InterventionTechnician.starts_at >= starts_at - _LOOKBACK,
               InterventionTechnician.ends_at > starts_at)
        .order_by(InterventionTechnician.starts_at)
    )
    if exclude_id is not None:
        query = query.where(InterventionTechnician.intervention_id != exclude_id)
    found = []
    for _, intervention, name in session.exec(query):
        customer = session.get(Customer, intervention.customer_id)
        found.append(Clash(name, intervention.number, customer.display_name if customer else "",
                           as_utc(intervention.starts_at), as_utc(intervention.ends_at)))
    return found


def _checked(session: Session, customer_id: int, raw: InterventionInput | Mapping,
             exclude_id: int | None) -> tuple[InterventionInput, Site, InterventionType, Contact | None, Ticket | None]:
    data, errors = InterventionInput.read(raw)
    site = session.get(Site, _id(data.site_id)) if _id(data.site_id) else None
    if site is None or site.customer_id != customer_id:
        errors.setdefault("site_id", N_("interventions.err.site"))
    kind = session.get(InterventionType, _id(data.type_id)) if _id(data.type_id) else None
    if kind is None or (not kind.active and exclude_id is None):
        errors.setdefault("type_id", N_("interventions.err.type"))
    if not data.technician_ids:
        errors.setdefault("technician_ids", N_("interventions.err.technician"))
    else:
        found = set(session.exec(select(User.id).where(col(User.id).in_(data.technician_ids),
                                                       User.role == Role.TECHNICIAN.value, col(User.is_active))))
        if found != set(data.technician_ids):
            errors.setdefault("technician_ids", N_("interventions.err.technician"))
    rules.check_times(data.starts_at, data.ends_at, errors)
    check_text(data.description, "description", 4000, errors, required=True)
    contact = session.get(Contact, _id(data.contact_id)) if _id(data.contact_id) else None
    if data.contact_id and (contact is None or contact.customer_id != customer_id):
        errors.setdefault("contact_id", N_("interventions.err.contact"))
    ticket = session.get(Ticket, _id(data.ticket_id)) if _id(data.ticket_id) else None
    if data.ticket_id and (ticket is None or ticket.customer_id != customer_id):
        errors.setdefault("ticket_id", N_("interventions.err.ticket"))
    if errors:
        raise DomainError(errors)
    if not data.accept_overlap:
        found = clashes(session=session, technician_ids=data.technician_ids, starts_at=data.starts_at,
                        ends_at=data.ends_at, exclude_id=exclude_id)
        if found:
            first = found[0]
            raise DomainError({"technician_ids": N_("interventions.err.double_booked")},
                              technician=first.technician, number=first.number, customer=first.customer_name,
                              when=format_datetime(first.starts_at, "it"))
    return data, site, kind, contact, ticket


def _assign(session: Session, intervention: Intervention, technician_ids: tuple[int, ...]) -> None:
    current = {row.user_id: row for row in session.exec(
        select(InterventionTechnician).where(InterventionTechnician.intervention_id == intervention.id))}
    for user_id, row in current.items():
        if user_id not in technician_ids:
            session.delete(row)
    for user_id in technician_ids:
        row = current.get(user_id) or InterventionTechnician(intervention_id=intervention.id, user_id=user_id,
                                                              starts_at=intervention.starts_at,
                                                              ends_at=intervention.ends_at)
        row.starts_at, row.ends_at = intervention.starts_at, intervention.ends_at
        row.active = intervention.status not in (InterventionStatus.CANCELLED, )
        session.add(row)


def plan(*, session: Session, actor: Actor, customer_id: int, raw: InterventionInput | Mapping) -> Intervention:
    """A new planned intervention. Refused for a customer under a block that stops interventions; a
    technician already busy at that time is a warning the planner may accept (`accept_overlap`)."""
    require(actor, Perm.INTERVENTIONS_PLAN)
    customer = session.get(Customer, customer_id) if _id(customer_id) == customer_id else None
    if customer is None:
        raise DomainError("customer.not_found")
    blocks.require_allowed(session, customer_id, CreditAction.NEW_INTERVENTION)
    data, site, kind, contact, ticket = _checked(session, customer_id, raw, None)
    year = data.starts_at.astimezone(TIME_ZONE).year
    number = f"INT-{year}-{sequences.take(session, f'intervention.{year}'):05d}"
    intervention = Intervention(
        number=number, customer_id=customer_id, site_id=site.id, type_id=kind.id, starts_at=data.starts_at,
        ends_at=data.ends_at, description=data.description, contact_id=contact.id if contact else None,
        ticket_id=ticket.id if ticket else None, requested_by_user_id=ticket.opened_by_user_id if ticket else None,
        created_by_user_id=actor.user_id,
    )
    session.add(intervention)
    session.flush()
    _assign(session, intervention, data.technician_ids)
    movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                     kind="intervention.planned", summary=_summary(session, intervention, kind))
    return intervention


def _summary(session: Session, intervention: Intervention, kind: InterventionType | None = None) -> str:
    kind = kind or session.get(InterventionType, intervention.type_id)
    site = session.get(Site, intervention.site_id)
    return (f"{intervention.number} {kind.name_it if kind else ''} - {site.name if site else ''} - "
            f"{format_datetime(intervention.starts_at, 'it')}")


def _locked(session: Session, intervention_id: object) -> Intervention:
    key = _id(intervention_id)
    intervention = session.exec(select(Intervention).where(Intervention.id == key).with_for_update()).first() \
        if key is not None else None
    if intervention is None:
        raise DomainError(NOT_FOUND)
    return intervention


def _check_version(intervention: Intervention, expected_version: object) -> None:
    if expected_version is not None and expected_version != intervention.version:
        raise DomainError(N_("interventions.err.stale"))


def update(
    *, session: Session, actor: Actor, intervention_id: int, raw: InterventionInput | Mapping,
    expected_version: int | None = None,
) -> Intervention:
    """Changes a planned or running intervention; a change of times is recorded as a reschedule, so its
    reminders go out again for the new date."""
    require(actor, Perm.INTERVENTIONS_PLAN)
    intervention = _locked(session, intervention_id)
    _check_version(intervention, expected_version)
    if InterventionStatus(intervention.status) in (InterventionStatus.CLOSED, InterventionStatus.CANCELLED):
        raise DomainError(N_("interventions.err.not_editable"))
    data, site, kind, contact, _ = _checked(session, intervention.customer_id, raw, intervention.id)
    before = (as_utc(intervention.starts_at), as_utc(intervention.ends_at))
    intervention.site_id, intervention.type_id, intervention.description = site.id, kind.id, data.description
    intervention.contact_id = contact.id if contact else None
    intervention.starts_at, intervention.ends_at = data.starts_at, data.ends_at
    intervention.version += 1
    intervention.updated_at = utcnow()
    session.add(intervention)
    _assign(session, intervention, data.technician_ids)
    if before != (data.starts_at, data.ends_at):
        movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source="office",
                         kind="intervention.rescheduled", field=intervention.number,
                         before=format_datetime(before[0], "it"), after=format_datetime(data.starts_at, "it"))
    else:
        movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source="office",
                         kind="intervention.updated", summary=_summary(session, intervention, kind))
    return intervention


def cancel(
    *, session: Session, actor: Actor, intervention_id: int, raw: CancelInput | Mapping,
    expected_version: int | None = None,
) -> Intervention:
    require(actor, Perm.INTERVENTIONS_PLAN)
    intervention = _locked(session, intervention_id)
    _check_version(intervention, expected_version)
    data, errors = CancelInput.read(raw)
    check_text(data.reason, "reason", 500, errors, required=True)
    if errors:
        raise DomainError(errors)
    _move(intervention, InterventionStatus.CANCELLED)
    intervention.cancel_reason = data.reason
    session.add(intervention)
    session.execute(sql_update(InterventionTechnician).where(InterventionTechnician.intervention_id == intervention.id)
                    .values(active=False))
    movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source="office",
                     kind="intervention.cancelled", summary=f"{intervention.number}: {data.reason}")
    return intervention


def _move(intervention: Intervention, target: InterventionStatus) -> None:
    current = InterventionStatus(intervention.status)
    if not current.may_become(target):
        raise DomainError(N_("interventions.err.status"), current=current.value, target=target.value)
    intervention.status = target.value
    intervention.version += 1
    intervention.updated_at = utcnow()


# The technician's work ---------------------------------------------------------------------------


def _is_assigned(session: Session, actor: Actor, intervention_id: int) -> bool:
    return session.get(InterventionTechnician, (intervention_id, actor.user_id)) is not None


def _assigned(session: Session, actor: Actor, intervention_id: object, *, lock: bool = False) -> Intervention:
    """An intervention the technician is assigned to; any other answers as if it did not exist."""
    require(actor, Perm.INTERVENTIONS_WORK)
    key = _id(intervention_id)
    if key is None or not _is_assigned(session, actor, key):
        raise DomainError(NOT_FOUND)
    return _locked(session, key) if lock else session.get(Intervention, key)


def start(*, session: Session, actor: Actor, intervention_id: int, now: datetime | None = None) -> Intervention:
    """`now` is for visits recorded after the fact (the demo's past ones); the pages never pass it."""
    intervention = _assigned(session, actor, intervention_id, lock=True)
    _move(intervention, InterventionStatus.IN_PROGRESS)
    intervention.started_at = now.astimezone(UTC) if now else utcnow()
    session.add(intervention)
    movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source="field",
                     kind="intervention.started", summary=intervention.number)
    return intervention


def _read_work(data: WorkInput, errors: dict[str, str], *, required: bool) -> list[InterventionMaterial]:
    check_text(data.work_done, "work_done", 8000, errors, required=required)
    minutes = data.minutes_spent
    if minutes is None and required:
        errors.setdefault("minutes_spent", N_("form.err.required"))
    elif minutes is not None and (minutes != minutes.to_integral_value() or not 0 < minutes <= rules.MAX_MINUTES):
        errors.setdefault("minutes_spent", N_("interventions.err.minutes"))
    if len(data.materials) > MAX_MATERIALS:
        errors["materials"] = N_("interventions.err.too_many_materials")
    lines = []
    for index, line in enumerate(data.materials[:MAX_MATERIALS]):
        if not line.description and line.quantity is None:
            continue  # an empty row the form keeps for typing
        check_text(line.description, f"materials.{index}.description", 200, errors, required=True)
        check_text(line.unit, f"materials.{index}.unit", 10, errors)
        if line.quantity is None or line.quantity <= 0 or line.quantity >= Decimal(10) ** 9:
            errors.setdefault(f"materials.{index}.quantity", N_("interventions.err.quantity"))
        lines.append(InterventionMaterial(intervention_id=0, position=len(lines), description=line.description or "",
                                          quantity=line.quantity or Decimal(0), unit=line.unit))
    return lines


def _store_work(session: Session, intervention: Intervention, data: WorkInput,
                lines: list[InterventionMaterial]) -> None:
    intervention.work_done = data.work_done
    intervention.minutes_spent = int(data.minutes_spent) if data.minutes_spent is not None else None
    for old in session.exec(select(InterventionMaterial).where(
            InterventionMaterial.intervention_id == intervention.id)):
        session.delete(old)
    session.flush()
    for line in lines:
        line.intervention_id = intervention.id
        session.add(line)
    intervention.updated_at = utcnow()
    session.add(intervention)


def save_work(*, session: Session, actor: Actor, intervention_id: int, raw: WorkInput | Mapping) -> Intervention:
    """What the technician has written so far; the intervention must be running."""
    intervention = _assigned(session, actor, intervention_id, lock=True)
    if intervention.status != InterventionStatus.IN_PROGRESS:
        raise DomainError(N_("interventions.err.not_running"))
    data, errors = WorkInput.read(raw)
    lines = _read_work(data, errors, required=False)
    if errors:
        raise DomainError(errors)
    _store_work(session, intervention, data, lines)
    return intervention


def add_photo(
    *, session: Session, actor: Actor, intervention_id: int, filename: object, data: bytes,
    settings: Settings | None = None,
) -> Attachment:
    intervention = _assigned(session, actor, intervention_id, lock=True)
    if intervention.status != InterventionStatus.IN_PROGRESS:
        raise DomainError(N_("interventions.err.not_running"))
    # A photo, before anything is written: the store itself also takes documents.
    sniffed = bytes(data[: upload_rules.SNIFF_BYTES]) if isinstance(data, bytes | bytearray) else b""
    if not upload_rules.detect_type(sniffed)[1].startswith("image/"):
        raise DomainError({"file": N_("interventions.err.photo_type")})
    return documents.write_file(session=session, actor=actor, customer_id=intervention.customer_id,
                                owner_kind="intervention", owner_id=intervention.id, filename=filename,
                                data=data, settings=settings, source="field")


@dataclass(frozen=True)
class Closing:
    intervention: Intervention
    created: bool  # False: this closing had already been received (the same token sent again)


def close(
    *, session: Session, actor: Actor, intervention_id: int, raw: CloseInput | Mapping,
    settings: Settings | None = None, now: datetime | None = None,
) -> Closing:
    """Closes a running intervention with the customer's signature: writes the signed sheet, stores it
    privately and queues it to the customer's users who receive signed sheets. Sent twice with the same
    token (a dropped connection, a reload), it answers with the first closing and makes nothing twice.
    `now`, like start's, records a past closing with the time printed on its sheet (the demo's)."""
    settings = settings or get_settings()
    intervention = _assigned(session, actor, intervention_id, lock=True)
    data, errors = CloseInput.read(raw)
    token = data.close_token
    if intervention.status == InterventionStatus.CLOSED:
        if token and intervention.close_token == token:
            return Closing(intervention, False)
        raise DomainError(N_("interventions.err.already_closed"))
    if intervention.status != InterventionStatus.IN_PROGRESS:
        raise DomainError(N_("interventions.err.not_running"))
    lines = _read_work(data, errors, required=True)
    check_text(data.signer_name, "signer_name", 200, errors, required=True)
    if not token or len(token) > 64:
        errors.setdefault("", N_("interventions.err.token"))
    signature = None
    try:
        signature = rules.decode_signature(data.signature)
    except DomainError as refused:
        errors.update(refused.errors)
    if errors:
        raise DomainError(errors)
    _store_work(session, intervention, data, lines)
    _move(intervention, InterventionStatus.CLOSED)
    intervention.closed_at = now.astimezone(UTC) if now else utcnow()
    intervention.signer_name, intervention.close_token = data.signer_name, token
    session.flush()

    from app.services import intervention_sheet

    pdf, digest = intervention_sheet.render(session=session, intervention=intervention, signature=signature,
                                            issuer=settings.company_name, lang=settings.default_language)
    sheet = documents.write_file(session=session, actor=actor, customer_id=intervention.customer_id,
                                 owner_kind="intervention_sheet", owner_id=intervention.id,
                                 filename=f"{intervention.number}.pdf", data=pdf, settings=settings, source="field")
    intervention.sheet_attachment_id, intervention.sheet_sha256 = sheet.id, digest
    session.add(intervention)
    movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source="field",
                     kind="intervention.closed",
                     summary=f"{intervention.number}: {data.signer_name} - sha256 {digest[:16]}")
    _send_sheet(session, intervention, pdf, settings)
    return Closing(intervention, True)


def _recipients(session: Session, intervention: Intervention, flag: str) -> list[User]:
    """The customer's active reserved-area users with `flag` on who may see this intervention."""
    customer = session.get(Customer, intervention.customer_id)
    if customer is None or customer.block_automatic_emails:
        return []
    users = session.exec(
        select(User).join(PortalAccess, PortalAccess.user_id == User.id)
        .where(PortalAccess.customer_id == customer.id, col(getattr(PortalAccess, flag)), col(User.is_active))
        .order_by(User.id)
    ).all()
    return [u for u in users if intervention.id in _visible_for_user(session, u, [intervention.id])]


def _send_sheet(session: Session, intervention: Intervention, pdf: bytes, settings: Settings) -> None:
    for user in _recipients(session, intervention, "receives_signed_sheets"):
        lang = normalize_language(user.language)
        message = outbox.enqueue(
            session=session, dedupe_key=f"intervention-sheet:{intervention.id}:{user.id}", to_address=user.email,
            subject=t("mail.intervention_sheet.subject", lang, number=intervention.number),
            body_text=t("mail.intervention_sheet.body", lang, name=user.full_name, number=intervention.number,
                        signer=intervention.signer_name or "",
                        link=f"{settings.public_base_url}/portal/interventions"),
            kind="intervention_sheet",
        )
        session.flush()
        _attach(session, message.id, f"{intervention.number}.pdf", "application/pdf", pdf)


def _attach(session: Session, message_id: int, filename: str, content_type: str, data: bytes) -> None:
    exists = session.exec(select(OutboxAttachment.id).where(OutboxAttachment.message_id == message_id,
                                                            OutboxAttachment.filename == filename)).first()
    if exists is None:
        session.add(OutboxAttachment(message_id=message_id, filename=filename, content_type=content_type, data=data))


def add_note(*, session: Session, actor: Actor, intervention_id: int, raw: NoteInput | Mapping) -> InterventionNote:
    """A note by the office or an assigned technician; once the intervention is closed, a note is the only
    correction, marked as such and logged on the customer."""
    if has_perm(actor, Perm.INTERVENTIONS_PLAN):
        intervention = _locked(session, intervention_id)
        source = "office"
    else:
        intervention = _assigned(session, actor, intervention_id, lock=True)
        source = "field"
    data, errors = NoteInput.read(raw)
    check_text(data.body, "body", 4000, errors, required=True)
    if errors:
        raise DomainError(errors)
    note = InterventionNote(intervention_id=intervention.id, author_user_id=actor.user_id, author_name=actor.name,
                            is_correction=intervention.status == InterventionStatus.CLOSED, body=data.body)
    session.add(note)
    movements.record(session=session, customer_id=intervention.customer_id, actor=actor, source=source,
                     kind="intervention.note", summary=f"{intervention.number}: {data.body[:200]}")
    return note


# Who sees what -----------------------------------------------------------------------------------


def _visible_for_user(session: Session, user: User, ids: list[int]) -> set[int]:
    """Which of these interventions a customer user sees: their company's, narrowed to those they asked
    for or where they are the contact on site when their visibility is "own"."""
    access = session.get(PortalAccess, user.id)
    if access is None or not ids:
        return set()
    query = select(Intervention.id).where(col(Intervention.id).in_(ids),
                                          Intervention.customer_id == access.customer_id)
    if access.visibility != "company":
        contact_ids = select(Contact.id).where(Contact.customer_id == access.customer_id,
                                               func.lower(Contact.email) == (user.email or "").lower())
        query = query.where(or_(Intervention.requested_by_user_id == user.id,
                                col(Intervention.contact_id).in_(contact_ids)))
    return set(session.exec(query))


def visible_ids(*, session: Session, actor: Actor, ids: list[int]) -> set[int]:
    """Which of these interventions the actor may see."""
    clean = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    if actor.role is Role.CUSTOMER:
        user = session.get(User, actor.user_id)
        return _visible_for_user(session, user, clean) if user else set()
    if has_perm(actor, Perm.CUSTOMERS_READ):
        return set(session.exec(select(Intervention.id).where(col(Intervention.id).in_(clean))))
    if has_perm(actor, Perm.INTERVENTIONS_WORK):
        return set(session.exec(select(InterventionTechnician.intervention_id).where(
            col(InterventionTechnician.intervention_id).in_(clean), InterventionTechnician.user_id == actor.user_id)))
    return set()


def _readable(session: Session, actor: Actor, intervention_id: object) -> Intervention:
    key = _id(intervention_id)
    if actor is None:
        require(actor, Perm.OWN_ACCOUNT)
    if actor.role is Role.CUSTOMER:
        require(actor, Perm.PORTAL_ACCESS)
        require_module(session=session, actor=actor, module=MODULE)
    if key is None or key not in visible_ids(session=session, actor=actor, ids=[key]):
        raise DomainError(NOT_FOUND)
    return session.get(Intervention, key)


def require_file_reader(*, session: Session, actor: Actor, intervention: Intervention, owner_kind: str) -> None:
    """An intervention's signed sheet: whoever sees the intervention; its photos: staff and its technicians."""
    if actor is None:
        require(actor, Perm.OWN_ACCOUNT)
    if owner_kind != "intervention_sheet" and actor.role is Role.CUSTOMER:
        raise Forbidden()
    _readable(session, actor, intervention.id)


# Reading -----------------------------------------------------------------------------------------


def detail(*, session: Session, actor: Actor, intervention_id: object) -> InterventionDetail:
    """One intervention as the office, its technician or a customer user who sees it reads it; the
    technician also gets the previous visits at the same site with their work and notes."""
    intervention = _readable(session, actor, intervention_id)
    lang = actor.language
    row = _rows(session, [intervention], lang)[0]
    contact = session.get(Contact, intervention.contact_id) if intervention.contact_id else None
    materials = tuple(MaterialRow(m.description, m.quantity, m.unit) for m in session.exec(
        select(InterventionMaterial).where(InterventionMaterial.intervention_id == intervention.id)
        .order_by(InterventionMaterial.position)))
    photos: tuple[FileRow, ...] = ()
    if actor.role is not Role.CUSTOMER:
        photos = tuple(FileRow(a.id, a.original_name, a.size) for a in session.exec(
            select(Attachment).where(Attachment.owner_kind == "intervention", Attachment.owner_id == intervention.id)
            .order_by(Attachment.id)))
    previous: tuple = ()
    if actor.role is not Role.CUSTOMER:
        earlier = list(session.exec(
            select(Intervention).where(Intervention.site_id == intervention.site_id, Intervention.id != intervention.id,
                                       Intervention.starts_at < intervention.starts_at)
            .order_by(col(Intervention.starts_at).desc()).limit(PREVIOUS_AT_SITE)))
        previous = tuple((r, e.work_done, _notes(session, e.id))
                         for r, e in zip(_rows(session, earlier, lang), earlier, strict=True))
    return InterventionDetail(
        row=row, version=intervention.version, site_id=intervention.site_id, contact_id=intervention.contact_id,
        contact_name=f"{contact.first_name} {contact.last_name}" if contact else None,
        contact_phone=contact.phone if contact else None, contact_email=contact.email if contact else None,
        cancel_reason=intervention.cancel_reason, started_at=intervention.started_at,
        closed_at=intervention.closed_at, work_done=intervention.work_done,
        minutes_spent=intervention.minutes_spent, signer_name=intervention.signer_name,
        sheet_id=intervention.sheet_attachment_id, sheet_sha256=intervention.sheet_sha256, materials=materials,
        notes=_notes(session, intervention.id) if actor.role is not Role.CUSTOMER else (), photos=photos,
        previous=previous,
    )


def _notes(session: Session, intervention_id: int) -> tuple[NoteRow, ...]:
    return tuple(NoteRow(n.author_name, n.body, n.is_correction, n.created_at) for n in session.exec(
        select(InterventionNote).where(InterventionNote.intervention_id == intervention_id)
        .order_by(InterventionNote.id)))


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A calendar day in Italy as UTC instants: 23 or 25 hours on the days the clocks change."""
    start = datetime.combine(day, time(0), tzinfo=TIME_ZONE).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=TIME_ZONE).astimezone(UTC)
    return start, end


@dataclass(frozen=True)
class Agenda:
    today: list[InterventionRow]
    week: list[InterventionRow]


def agenda(*, session: Session, actor: Actor, today: date) -> Agenda:
    """A technician's own interventions: today's (and any still running from before), then the next
    seven days; cancelled ones are left out."""
    require(actor, Perm.INTERVENTIONS_WORK)
    day_start, day_end = local_day_bounds(today)
    week_end = local_day_bounds(today + timedelta(days=7))[1]
    mine = (select(Intervention)
            .join(InterventionTechnician, InterventionTechnician.intervention_id == Intervention.id)
            .where(InterventionTechnician.user_id == actor.user_id, col(InterventionTechnician.active)))
    todays = list(session.exec(mine.where(InterventionTechnician.starts_at >= day_start,
                                          InterventionTechnician.starts_at < day_end)
                               .order_by(InterventionTechnician.starts_at, Intervention.id)))
    running = list(session.exec(mine.where(InterventionTechnician.starts_at < day_start,
                                           InterventionTechnician.starts_at >= day_start - _LOOKBACK,
                                           Intervention.status == InterventionStatus.IN_PROGRESS.value)
                                .order_by(InterventionTechnician.starts_at)))
    week = list(session.exec(mine.where(InterventionTechnician.starts_at >= day_end,
                                        InterventionTechnician.starts_at < week_end)
                             .order_by(InterventionTechnician.starts_at, Intervention.id)))
    return Agenda(_rows(session, running + todays, actor.language), _rows(session, week, actor.language))


def calendar(
    *, session: Session, actor: Actor, start: datetime, end: datetime, technician_ids: tuple[int, ...] = (),
    type_ids: tuple[int, ...] = (), include_cancelled: bool = False,
) -> list[InterventionRow]:
    """Every intervention overlapping [start, end), for the planning calendar, in the database's order."""
    require(actor, Perm.CUSTOMERS_READ)
    if end - start > timedelta(days=62):
        end = start + timedelta(days=62)
    window = [Intervention.starts_at < end, Intervention.starts_at >= start - _LOOKBACK, Intervention.ends_at > start]
    if not include_cancelled:
        window.append(Intervention.status != InterventionStatus.CANCELLED.value)
    if technician_ids:
        window.append(col(Intervention.id).in_(
            select(InterventionTechnician.intervention_id).where(
                col(InterventionTechnician.user_id).in_(technician_ids),
                InterventionTechnician.starts_at < end, InterventionTechnician.starts_at >= start - _LOOKBACK)))
    if type_ids:
        window.append(col(Intervention.type_id).in_(type_ids))
    found = list(session.exec(select(*_SHOWN).where(*window).order_by(Intervention.starts_at, Intervention.id)
                              .limit(5000)))
    return _rows(session, found, actor.language, among=select(Intervention.id).where(*window), with_sites=False)


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    technician_id: int | None = None
    customer_text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    customer_id: int | None = None


def list_page(
    *, session: Session, actor: Actor, filters: ListFilters, after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[InterventionRow], tuple[datetime, int] | None]:
    """A page of interventions, latest first, with the key of the next page (None: the last page)."""
    require(actor, Perm.CUSTOMERS_READ)
    query = select(Intervention)
    status = InterventionStatus.parse(filters.status)
    if status is not None:
        query = query.where(Intervention.status == status.value)
    if filters.technician_id:
        query = query.where(col(Intervention.id).in_(select(InterventionTechnician.intervention_id).where(
            InterventionTechnician.user_id == filters.technician_id)))
    if filters.customer_id:
        query = query.where(Intervention.customer_id == filters.customer_id)
    text = search_text(filters.customer_text).lower()
    if text:
        like = f"%{text}%"
        query = query.where(col(Intervention.customer_id).in_(select(Customer.id).where(or_(
            func.lower(Customer.code).like(like), func.lower(func.coalesce(Customer.company_name, "")).like(like),
            func.lower(func.coalesce(Customer.last_name, "")).like(like),
            func.lower(func.coalesce(Customer.first_name, "")).like(like)))))
    if filters.date_from:
        query = query.where(Intervention.starts_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(Intervention.starts_at < local_day_bounds(filters.date_to)[1])
    if after is not None:
        at, key = after
        query = query.where(or_(Intervention.starts_at < at, (Intervention.starts_at == at) & (Intervention.id < key)))
    found = list(session.exec(query.order_by(col(Intervention.starts_at).desc(), col(Intervention.id).desc())
                              .limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    rows = _rows(session, found, actor.language)
    return rows, ((found[-1].starts_at, found[-1].id) if more and found else None)


def _is_open(intervention: Intervention) -> bool:
    """Still to be done (planned or under way), whatever the clock says: a closed visit is past even when it
    ended early, a late one is still upcoming until someone closes or cancels it."""
    return intervention.status in (InterventionStatus.PLANNED, InterventionStatus.IN_PROGRESS)


def customer_interventions(*, session: Session, actor: Actor, customer_id: int) -> list[InterventionRow]:
    """A customer's interventions for the card: open ones first (soonest first), then the others (latest first)."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    found = list(session.exec(select(Intervention).where(Intervention.customer_id == customer_id)
                              .order_by(col(Intervention.starts_at).desc(), col(Intervention.id).desc()).limit(500)))
    upcoming = sorted((i for i in found if _is_open(i)), key=lambda i: (as_utc(i.starts_at), i.id))
    past = [i for i in found if not _is_open(i)]
    return _rows(session, upcoming + past, actor.language)


def portal_interventions(*, session: Session, actor: Actor) -> tuple[list[InterventionRow], list[InterventionRow]]:
    """A customer user's view: open ones (soonest first) and past ones (latest first), within their scope."""
    require(actor, Perm.PORTAL_ACCESS)
    require_module(session=session, actor=actor, module=MODULE)
    ids = list(session.exec(select(Intervention.id).where(Intervention.customer_id == actor.customer_id)
                            .order_by(col(Intervention.starts_at).desc()).limit(1000)))
    visible = visible_ids(session=session, actor=actor, ids=ids)
    found = list(session.exec(select(Intervention).where(col(Intervention.id).in_(visible))
                              .order_by(Intervention.starts_at, Intervention.id)))
    upcoming = [i for i in found if _is_open(i)]
    past = [i for i in reversed(found) if not _is_open(i)]
    return _rows(session, upcoming, actor.language), _rows(session, past, actor.language)


# Reminders ---------------------------------------------------------------------------------------


def send_reminders(*, session: Session, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Queues the reminders due now with their calendar entry: one per intervention, offset, date and user,
    so a rescheduled visit is reminded again, a cancelled one never. Safe to run on several workers."""
    settings = settings or get_settings()
    now = now or utcnow()
    offsets = rules.parse_offsets(settings.intervention_reminder_days)
    if not offsets:
        return 0
    due = session.exec(select(Intervention).where(
        Intervention.status == InterventionStatus.PLANNED.value, Intervention.starts_at > now,
        Intervention.starts_at <= now + timedelta(days=offsets[0])).order_by(Intervention.starts_at)).all()
    queued = 0
    for intervention in due:
        starts_at = as_utc(intervention.starts_at)
        offset = rules.due_offset(starts_at, now, offsets)
        if offset is None:
            continue
        recipients = _recipients(session, intervention, "receives_reminders")
        if not recipients:
            continue
        row = _rows(session, [intervention], settings.default_language)[0]
        for user in recipients:
            key = f"intervention-reminder:{intervention.id}:{offset}:{starts_at.isoformat()}:{user.id}"
            if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
                continue
            lang = normalize_language(user.language)
            message = outbox.enqueue(
                session=session, dedupe_key=key, to_address=user.email, kind="intervention_reminder",
                subject=t("mail.intervention_reminder.subject", lang, number=intervention.number,
                          when=format_datetime(intervention.starts_at, lang)),
                body_text=t("mail.intervention_reminder.body", lang, name=user.full_name, number=intervention.number,
                            kind=row.type_name, when=format_datetime(intervention.starts_at, lang),
                            site=f"{row.site_name} - {row.site_address}", days=offset,
                            link=f"{settings.public_base_url}/portal/interventions"),
            )
            session.flush()
            from app.services import intervention_sheet

            _attach(session, message.id, f"{intervention.number}.ics", "text/calendar",
                    intervention_sheet.calendar_entry(intervention, row, settings.company_name, lang))
            queued += 1
    return queued


# Anonymization ------------------------------------------------------------------------------------------


def _subject_interventions(s: anonymization.Subject) -> list:
    if s.contact is not None:
        return [Intervention.customer_id == s.customer.id, Intervention.contact_id == s.contact.id]
    return [Intervention.customer_id == s.customer.id]


def _erase_for_anonymization(session: Session, s: anonymization.Subject) -> None:
    """A customer's interventions go with their photos, signed sheets and notes (the work records name the
    people on site and carry their signatures; no law keeps them). For one contact, only the link to them
    and the signer's name where they signed."""
    if s.contact is not None:
        name = f"{s.contact.first_name} {s.contact.last_name}"
        session.execute(sql_update(Intervention).where(*_subject_interventions(s), Intervention.signer_name == name)
                        .values(signer_name=None))
        session.execute(sql_update(Intervention).where(*_subject_interventions(s)).values(contact_id=None))
        return
    ids = select(Intervention.id).where(*_subject_interventions(s))
    files = (s.upload_dir or get_settings().upload_dir) / "files"
    kinds = documents.INTERVENTION_KINDS
    s.files += [files / name for name in session.exec(select(Attachment.stored_name).where(
        col(Attachment.owner_kind).in_(kinds), col(Attachment.owner_id).in_(ids)))]
    session.execute(sql_update(Intervention).where(*_subject_interventions(s)).values(sheet_attachment_id=None))
    session.execute(sql_delete(Attachment).where(col(Attachment.owner_kind).in_(kinds),
                                                 col(Attachment.owner_id).in_(ids)))
    for child in (InterventionNote, InterventionMaterial, InterventionTechnician):
        session.execute(sql_delete(child).where(col(child.intervention_id).in_(ids)))
    session.execute(sql_update(Report).where(col(Report.intervention_id).in_(ids)).values(intervention_id=None))
    session.execute(sql_delete(Intervention).where(*_subject_interventions(s)))


# Before the contacts and the sites, which the interventions refer to.
anonymization.register(anonymization.Place(
    "interventions", N_("anon.place.interventions"), anonymization.Outcome.ERASED,
    frozenset({anonymization.Scope.CUSTOMER, anonymization.Scope.CONTACT}),
    lambda session, s: session.exec(select(func.count()).select_from(Intervention)
                                    .where(*_subject_interventions(s))).one(),
    _erase_for_anonymization,
), before="contacts")
