"""Contracts, verifications and reports with private attachments, and the contract expiry warnings."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.domain import upload_rules
from app.domain.errors import DomainError, Forbidden
from app.domain.ids import parse_id
from app.domain.inputs import DATE_INVALID, ContractInput, ReportInput, check_text
from app.domain.permissions import Actor, Perm, Role, require, require_customer_record
from app.i18n import N_, t
from app.models import Attachment, Contract, Customer, Intervention, Report, User
from app.models.base import utcnow
from app.services import movements, outbox
from app.services.portal_profiles import require_module
from app.settings import Settings, get_settings

REPORT_KINDS = ("verification", "report", "certificate", "other")
OWNER_KINDS = ("contract", "report")
# An intervention's photos and its signed sheet, kept in the same private store.
INTERVENTION_KINDS = ("intervention", "intervention_sheet")
# The files of a support request's messages: same private store, read through the ticket's visibility.
TICKET_FILE = "ticket_msg"
CONTRACT_STATES = ("active", "expiring", "expired")
ORPHAN_AGE = timedelta(hours=1)


# Contracts and reports ----------------------------------------------------------------


def contract_state(expires_on: date, today: date, warning_days: int) -> str:
    if expires_on < today:
        return "expired"
    return "expiring" if expires_on <= today + timedelta(days=warning_days) else "active"


def save_contract(
    *, session: Session, actor: Actor, customer_id: int, raw: ContractInput | Mapping, contract_id: int | None = None,
) -> Contract:
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    if session.get(Customer, customer_id) is None:
        raise DomainError("customer.not_found")
    data, errors = ContractInput.read(raw)
    number, title, start_on, expires_on, notes = data.number, data.title, data.start_on, data.expires_on, data.notes
    check_text(number, "number", 40, errors, required=True)
    check_text(title, "title", 200, errors, required=True)
    check_text(notes, "notes", 4000, errors)
    for field in ("start_on", "expires_on"):
        if getattr(data, field) is None:
            errors.setdefault(field, DATE_INVALID)
    if start_on and expires_on and expires_on < start_on:
        errors["expires_on"] = N_("documents.err.expires_before_start")
    holder = session.exec(select(Contract.id).where(Contract.number == number)).first() if number else None
    if holder is not None and holder != contract_id:
        errors["number"] = N_("documents.err.number_taken")
    if errors:
        raise DomainError(errors)
    if contract_id is None:
        contract = Contract(customer_id=customer_id, number=number, title=title, start_on=start_on,
                            expires_on=expires_on)
        kind = "contract.added"
    else:
        contract = session.get(Contract, contract_id)
        if contract is None or contract.customer_id != customer_id:
            raise DomainError("documents.not_found")
        if contract.expires_on != expires_on:
            contract.expiry_notice_at = None  # a renewed contract is warned about again
        kind = "contract.updated"
    contract.number, contract.title, contract.start_on, contract.expires_on = number, title, start_on, expires_on
    contract.notes, contract.shared, contract.updated_at = notes, data.shared, utcnow()
    session.add(contract)
    session.flush()
    movements.record(session=session, customer_id=customer_id, actor=actor, source="office", kind=kind,
                     summary=f"{contract.number} {contract.title} ({contract.expires_on.isoformat()})")
    return contract


def save_report(
    *, session: Session, actor: Actor, customer_id: int, raw: ReportInput | Mapping, report_id: int | None = None,
) -> Report:
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    if session.get(Customer, customer_id) is None:
        raise DomainError("customer.not_found")
    data, errors = ReportInput.read(raw)
    title, report_date, notes = data.title, data.report_date, data.notes
    check_text(title, "title", 200, errors, required=True)
    check_text(notes, "notes", 4000, errors)
    kind = data.kind if data.kind in REPORT_KINDS else None
    if kind is None:
        errors["kind"] = N_("documents.err.kind")
    if report_date is None:
        errors.setdefault("report_date", DATE_INVALID)
    intervention = session.get(Intervention, parse_id(data.intervention_id)) if data.intervention_id else None
    if data.intervention_id and (intervention is None or intervention.customer_id != customer_id):
        errors["intervention_id"] = N_("documents.err.intervention")
    if errors:
        raise DomainError(errors)
    if report_id is None:
        report = Report(customer_id=customer_id, title=title, kind=kind, report_date=report_date)
    else:
        report = session.get(Report, report_id)
        if report is None or report.customer_id != customer_id:
            raise DomainError("documents.not_found")
    report.title, report.kind, report.report_date, report.notes = title, kind, report_date, notes
    report.shared = data.shared
    report.intervention_id = intervention.id if intervention else None
    session.add(report)
    session.flush()
    movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                     kind="report.added" if report_id is None else "report.updated",
                     summary=f"{report.title} ({report.report_date.isoformat()})")
    return report


# Attachments -------------------------------------------------------------------------------


def _folders(settings: Settings) -> tuple[Path, Path]:
    files, incoming = settings.upload_dir / "files", settings.upload_dir / "incoming"
    files.mkdir(parents=True, exist_ok=True)
    incoming.mkdir(parents=True, exist_ok=True)
    return files, incoming


def _owner(session: Session, owner_kind: str, owner_id: object) -> Contract | Report | Intervention:
    model = {"contract": Contract, "report": Report, **{kind: Intervention for kind in INTERVENTION_KINDS}}.get(
        owner_kind) if isinstance(owner_kind, str) else None
    owner = session.get(model, owner_id) if model and isinstance(owner_id, int) else None
    if owner is None:
        raise DomainError("documents.not_found")
    return owner


@dataclass(frozen=True)
class StoredFile:
    """A checked file written to the private store under a random name, not yet owned by any row."""

    name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def write_private_file(filename: object, data: object, settings: Settings | None = None) -> StoredFile:
    """Checks one uploaded file (name, size, type read from its content) and writes it complete under
    its final random name. Until a row refers to it the file is never served, and `remove_orphans`
    deletes it once it is an hour old."""
    settings = settings or get_settings()
    name = upload_rules.check_name(filename)
    if not isinstance(data, bytes | bytearray):
        raise DomainError({"file": "uploads.err.empty"})
    upload_rules.check_size(len(data), settings.upload_max_bytes)
    _, content_type = upload_rules.detect_type(bytes(data[: upload_rules.SNIFF_BYTES]))
    files, incoming = _folders(settings)
    stored_name = secrets.token_hex(16)
    partial = incoming / stored_name
    with open(partial, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, files / stored_name)
    return StoredFile(name, stored_name, content_type, len(data), hashlib.sha256(data).hexdigest())


def still_stored(stored: StoredFile, settings: Settings | None = None) -> bool:
    """Whether a file written earlier is still in the store: one kept waiting over an hour is cleaned up."""
    settings = settings or get_settings()
    return (settings.upload_dir / "files" / stored.stored_name).is_file()


def attachment_row(stored: StoredFile, *, customer_id: int, owner_kind: str, owner_id: int, actor: Actor) -> Attachment:
    return Attachment(
        customer_id=customer_id, owner_kind=owner_kind, owner_id=owner_id, original_name=stored.name,
        stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
        uploaded_by_user_id=actor.user_id, uploaded_by_name=actor.name,
    )


def store_attachment(
    *, session: Session, actor: Actor, owner_kind: str, owner_id: int, filename: object, data: bytes,
    settings: Settings | None = None,
) -> Attachment:
    """Checks and stores one uploaded file of a contract or report."""
    owner = _owner(session, owner_kind, owner_id)
    if owner_kind not in OWNER_KINDS:
        raise DomainError("documents.not_found")
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, owner.customer_id)
    return write_file(session=session, actor=actor, customer_id=owner.customer_id, owner_kind=owner_kind,
                      owner_id=owner.id, filename=filename, data=data, settings=settings)


def write_file(
    *, session: Session, actor: Actor, customer_id: int, owner_kind: str, owner_id: int, filename: object,
    data: bytes, settings: Settings | None = None, source: str = "office",
) -> Attachment:
    """Stores one file in the private store with its row and a movement, for a caller that has checked who
    may. The file is complete on disk before its row is written; if the transaction then fails, the file
    has no row, is never counted or served, and `remove_orphans` deletes it."""
    stored = write_private_file(filename, data, settings)
    attachment = attachment_row(stored, customer_id=customer_id, owner_kind=owner_kind, owner_id=owner_id,
                                actor=actor)
    session.add(attachment)
    session.flush()
    movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                     kind="attachment.added", summary=f"{stored.name} ({owner_kind} {owner_id})")
    return attachment


def remove_attachment(*, session: Session, actor: Actor, attachment_id: int) -> None:
    """The row goes now (with a movement naming the file and its hash); the file follows with the
    next `remove_orphans`."""
    attachment = session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    # A file sent in a support request's thread is part of what was said there, an intervention's belongs
    # to its record: only a contract's or a report's file is removed here.
    if attachment is None or attachment.owner_kind not in OWNER_KINDS:
        raise DomainError("documents.not_found")
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, attachment.customer_id)
    movements.record(session=session, customer_id=attachment.customer_id, actor=actor, source="office",
                     kind="attachment.removed", summary=f"{attachment.original_name} sha256 {attachment.sha256[:16]}")
    session.delete(attachment)


def list_attachments(*, session: Session, actor: Actor, owner_kind: str, owner_id: int) -> list[Attachment]:
    owner = _owner(session, owner_kind, owner_id)
    _require_reader(session, actor, owner_kind, owner)
    return list(session.exec(select(Attachment).where(Attachment.owner_kind == owner_kind,
                                                      Attachment.owner_id == owner.id).order_by(Attachment.id)))


def _require_reader(session: Session, actor: Actor, owner_kind: str, owner: Contract | Report | Intervention) -> None:
    """Staff who may read customers read everything; a customer user only their own customer's
    shared documents, contracts only with the right to see them, through their profile's module.
    An intervention's files follow the intervention's own rules."""
    if owner_kind in INTERVENTION_KINDS:
        from app.services import interventions

        interventions.require_file_reader(session=session, actor=actor, intervention=owner, owner_kind=owner_kind)
        return
    if owner_kind == "report" and actor is not None and actor.role is Role.CUSTOMER \
            and not report_concerns(session, actor, owner):
        raise Forbidden()
    if actor is not None and actor.role is Role.CUSTOMER:
        require_customer_record(actor, Perm.PORTAL_ACCESS, owner.customer_id)
        if not owner.shared:
            raise Forbidden()
        require_module(session=session, actor=actor, module="contracts" if owner_kind == "contract" else "reports")
        return
    require_customer_record(actor, Perm.CUSTOMERS_READ, owner.customer_id)


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    content_type: str


def open_download(
    *, session: Session, actor: Actor, attachment_id: object, settings: Settings | None = None,
) -> Download:
    settings = settings or get_settings()
    attachment = session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None:
        raise DomainError("documents.not_found")
    if attachment.owner_kind == TICKET_FILE:
        # Imported here: the support requests' service stores its files through this module.
        from app.services import tickets

        tickets.require_message_reader(session=session, actor=actor, message_id=attachment.owner_id)
    else:
        _require_reader(session, actor, attachment.owner_kind, _owner(session, attachment.owner_kind,
                                                                     attachment.owner_id))
    path = settings.upload_dir / "files" / attachment.stored_name
    if not path.is_file():
        raise DomainError("documents.not_found")
    return Download(path, attachment.original_name, attachment.content_type)


def remove_orphans(*, session: Session, settings: Settings | None = None, now: float | None = None) -> int:
    """Deletes stored files no row refers to (and unfinished uploads) once they are an hour old:
    left by a failed transaction, a crash, or a removed attachment."""
    settings = settings or get_settings()
    files, incoming = _folders(settings)
    cutoff = (now or time.time()) - ORPHAN_AGE.total_seconds()
    known = set(session.exec(select(Attachment.stored_name)))
    removed = 0
    for folder in (files, incoming):
        for path in folder.iterdir():
            if path.is_file() and (folder is incoming or path.name not in known) and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


# Expiry warnings ------------------------------------------------------------------------


def expiring_contracts(*, session: Session, actor: Actor, today: date, days: int = 30) -> list[tuple]:
    """(contract, customer) expiring from today within `days`, soonest first, for the office home."""
    require(actor, Perm.CUSTOMERS_READ)
    return list(session.exec(
        select(Contract, Customer).join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.expires_on >= today, Contract.expires_on <= today + timedelta(days=days))
        .order_by(Contract.expires_on, Contract.id).limit(100)
    ).all())


def warn_expiring_contracts(*, session: Session, today: date, settings: Settings | None = None) -> int:
    """Queues one e-mail per contract entering its warning period, exactly once: the claim on the
    row and the outbox's unique key hold across restarts and several workers running this at once."""
    settings = settings or get_settings()
    address = settings.notify_email or session.exec(
        select(User.email).where(User.role == Role.ADMIN.value, col(User.is_active)).order_by(User.id)).first()
    if not address:
        return 0
    due = session.exec(
        select(Contract, Customer).join(Customer, Customer.id == Contract.customer_id)
        .where(col(Contract.expiry_notice_at).is_(None), Contract.expires_on >= today,
               Contract.expires_on <= today + timedelta(days=settings.contract_warning_days))
        .order_by(Contract.id)
    ).all()
    queued = 0
    for contract, customer in due:
        claimed = session.execute(
            update(Contract).where(Contract.id == contract.id, col(Contract.expiry_notice_at).is_(None))
            .values(expiry_notice_at=utcnow())
        ).rowcount
        if claimed != 1:
            continue
        lang = settings.default_language
        outbox.enqueue(
            session=session, dedupe_key=f"contract-expiry:{contract.id}:{contract.expires_on.isoformat()}",
            to_address=address,
            subject=t("mail.contract_expiry.subject", lang, number=contract.number, customer=customer.display_name),
            body_text=t("mail.contract_expiry.body", lang, number=contract.number, title=contract.title,
                        customer=customer.display_name, date=contract.expires_on.strftime("%d/%m/%Y"),
                        days=(contract.expires_on - today).days,
                        link=f"{settings.public_base_url}/office/customer?id={customer.id}"),
            kind="contract_expiry",
        )
        queued += 1
    return queued


# Reading --------------------------------------------------------------------------------


def customer_documents(*, session: Session, actor: Actor, customer_id: int) -> tuple[list[Contract], list[Report]]:
    """A customer's contracts (latest expiry first) and reports (newest first), for the card."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    contracts = list(session.exec(select(Contract).where(Contract.customer_id == customer_id)
                                  .order_by(col(Contract.expires_on).desc(), col(Contract.id).desc())))
    reports = list(session.exec(select(Report).where(Report.customer_id == customer_id)
                                .order_by(col(Report.report_date).desc(), col(Report.id).desc())))
    return contracts, reports


def shared_documents(*, session: Session, actor: Actor, kind: str) -> list[Contract] | list[Report]:
    """What the reserved area shows a customer user: their company's shared contracts (with the
    right to see contracts) or shared reports, through their profile's section."""
    require(actor, Perm.PORTAL_ACCESS)
    module, model = ("contracts", Contract) if kind == "contract" else ("reports", Report)
    require_module(session=session, actor=actor, module=module)
    order = (col(Contract.expires_on).desc(),) if model is Contract else (col(Report.report_date).desc(),)
    rows = list(session.exec(select(model).where(model.customer_id == actor.customer_id, col(model.shared))
                             .order_by(*order, col(model.id).desc())))
    return rows if model is Contract else [report for report in rows if report_concerns(session, actor, report)]


def report_concerns(session: Session, actor: Actor, report: Report) -> bool:
    """A report linked to an intervention is seen by a user who sees only what concerns them when they
    see that intervention; an unlinked one by every user of the company."""
    if report.intervention_id is None:
        return True
    from app.services import interventions

    return interventions.visible_ids(session=session, actor=actor, ids=[report.intervention_id]) != set()
