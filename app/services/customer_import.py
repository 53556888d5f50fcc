"""Importing customers from a CSV or XLSX file: upload, mapping, preview, and the import itself, run off
the request by a worker thread of the server process that moves the job's row as it goes.

A row passes whole or not at all (one savepoint per row, one transaction per chunk of rows). It is matched
by code, then external code, then VAT number: no match creates the customer; a match asks for the changes
through the field rules with source "import" (applied, held for review or refused, as the office set them);
a row that changes nothing is counted unchanged, so importing the same file again changes nothing."""

from __future__ import annotations

import csv
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import python_calamine
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import session_scope
from app.domain import change_rules as rules
from app.domain import customer_import as spec
from app.domain import upload_rules
from app.domain.customer_rules import CustomerData, clean_tax_code, clean_vat, validate_customer
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm, require
from app.domain.text import compact_code
from app.domain.vocabularies import Source
from app.i18n import N_, t
from app.models import AppSetting, ChangeRequest, ChangeRequestItem, Customer, ImportJob, User
from app.models.base import as_utc, utcnow
from app.services import change_requests, customers
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)

PREVIEW_ROWS = 20
CHUNK_ROWS = 500
# A running job's heartbeat older than this belongs to a process that died: it is marked failed.
STALE_AFTER = timedelta(minutes=3)
MAPPING_KEY = "import.mapping.{}"
XLSX_MAGIC = b"PK\x03\x04"
STATUSES = ("uploaded", "running", "done", "failed")
OUTCOMES = ("created", "updated", "held", "unchanged", "failed")
ERRORS_HEADER = "errors"


# Reading the stored file --------------------------------------------------------------------------


def _folder(settings: Settings) -> Path:
    folder = settings.upload_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(job: ImportJob, settings: Settings | None = None) -> Path:
    return _folder(settings or get_settings()) / job.stored_name


def file_kind(data: bytes) -> str:
    """"xlsx" for a workbook (a zip), "csv" for text; anything else is refused."""
    if data[:4] == XLSX_MAGIC:
        return "xlsx"
    head = data[: upload_rules.SNIFF_BYTES]
    if b"\x00" in head:
        raise DomainError({"file": N_("import.err.type")})
    return "csv"


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheet = workbook.get_sheet_by_index(0)
        for row in sheet.iter_rows():
            if any(cell not in ("", None) for cell in row):
                yield row
    finally:
        workbook.close()


def read_rows(path: Path, kind: str) -> tuple[list[str], Iterator[list[object]]]:
    """The header and an iterator over the data rows (each a list of cells), read as they are needed."""
    try:
        if kind == "xlsx":
            rows: Iterator[list[object]] = _xlsx_rows(path)
        else:
            rows = spec.csv_rows(spec.decode_text(path.read_bytes()))
        header = next(rows, None)
    except (python_calamine.CalamineError, OSError, ValueError, csv.Error):
        raise DomainError({"file": N_("import.err.unreadable")}) from None
    if header is None:
        raise DomainError({"file": N_("import.err.no_header")})
    return spec.clean_header(header), rows


def _count_rows(path: Path, kind: str) -> int:
    _, rows = read_rows(path, kind)
    return sum(1 for _ in rows)


# Jobs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    id: int
    file_name: str
    status: str
    headers: list[str]
    mapping: list[str]
    total: int
    done: int
    counts: dict[str, int]
    has_error_file: bool
    message: str | None
    finished_at: datetime | None = None


def _view(job: ImportJob) -> JobView:
    return JobView(
        id=job.id, file_name=job.file_name, status=job.status, headers=json.loads(job.headers),
        mapping=json.loads(job.mapping), total=job.total, done=job.done,
        counts={name: getattr(job, name) for name in OUTCOMES}, has_error_file=job.error_stored_name is not None,
        message=job.message, finished_at=as_utc(job.finished_at),
    )


def remembered(session: Session, user_id: int) -> dict[str, str]:
    setting = session.get(AppSetting, MAPPING_KEY.format(user_id))
    try:
        value = json.loads(setting.value) if setting else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def upload(*, session: Session, actor: Actor, filename: object, data: object,
           settings: Settings | None = None) -> JobView:
    """Checks an uploaded file (name, size, a readable CSV or XLSX with a header), keeps it privately and
    opens a job for it with the columns mapped as this user mapped them last, or as their headers suggest."""
    require(actor, Perm.CUSTOMERS_WRITE)
    settings = settings or get_settings()
    name = upload_rules.check_name(filename)
    if not isinstance(data, bytes | bytearray):
        raise DomainError({"file": "uploads.err.empty"})
    upload_rules.check_size(len(data), settings.upload_max_bytes)
    kind = file_kind(bytes(data))
    stored_name = secrets.token_hex(16)
    path = _folder(settings) / stored_name
    with open(path, "xb") as out:
        out.write(data)
    try:
        headers, _ = read_rows(path, kind)
    except DomainError:
        path.unlink(missing_ok=True)
        raise
    mapping = spec.guess_mapping(headers, remembered(session, actor.user_id))
    job = ImportJob(user_id=actor.user_id, file_name=name, stored_name=stored_name, file_kind=kind, size=len(data),
                    headers=json.dumps(headers, ensure_ascii=False), mapping=json.dumps(mapping))
    session.add(job)
    session.flush()
    return _view(job)


def _own_job(session: Session, actor: Actor, job_id: object) -> ImportJob:
    require(actor, Perm.CUSTOMERS_WRITE)
    job = session.get(ImportJob, job_id) if isinstance(job_id, int) and not isinstance(job_id, bool) else None
    if job is None or job.user_id != actor.user_id:
        raise DomainError("import.not_found")
    return job


def get_job(*, session: Session, actor: Actor, job_id: int) -> JobView:
    """The user's own job as it stands; one left running by a process that died is marked failed."""
    job = _own_job(session, actor, job_id)
    if _stale(job):
        _fail(session, job.id, N_("import.err.interrupted"))
        session.refresh(job)
    return _view(job)


def latest_job(*, session: Session, actor: Actor) -> JobView | None:
    """The user's last started job, so the page shows it again when the clerk comes back."""
    require(actor, Perm.CUSTOMERS_WRITE)
    job_id = session.exec(select(ImportJob.id).where(ImportJob.user_id == actor.user_id,
                                                     ImportJob.status != "uploaded")
                          .order_by(col(ImportJob.id).desc()).limit(1)).first()
    return get_job(session=session, actor=actor, job_id=job_id) if job_id is not None else None


def _stale(job: ImportJob, now=None) -> bool:  # noqa: ANN001
    beat = as_utc(job.heartbeat_at or job.started_at)
    return job.status == "running" and (beat is None or beat < (now or utcnow()) - STALE_AFTER)


def _fail(session: Session, job_id: int, message: str) -> None:
    session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "running")
                    .values(status="failed", message=message, finished_at=utcnow()))


def fail_abandoned(*, session: Session, now=None) -> int:  # noqa: ANN001
    """Marks failed the jobs left running by a process that stopped (at start-up and by the schedule)."""
    cutoff = (now or utcnow()) - STALE_AFTER
    result = session.execute(
        update(ImportJob).where(ImportJob.status == "running", col(ImportJob.heartbeat_at) < cutoff)
        .values(status="failed", message=N_("import.err.interrupted"), finished_at=utcnow()))
    return result.rowcount or 0


# Preview ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    number: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]
    action: str  # create | update
    matched_code: str | None
    errors: dict[str, str] = field(default_factory=dict)  # field ("" for the row) -> message key
    params: dict = field(default_factory=dict)


def preview(
    *, session: Session, actor: Actor, job_id: int, mapping: object, limit: int = PREVIEW_ROWS,
) -> list[PreviewRow]:
    """The first rows as the import would read them, each with every error by field; writes nothing."""
    job = _own_job(session, actor, job_id)
    headers, rows = read_rows(_path(job), job.file_kind)
    fields = spec.clean_mapping(mapping, len(headers))
    batch = []
    for number, cells in enumerate(rows, start=2):
        batch.append((number, list(cells)))
        if len(batch) >= limit:
            break
    matcher = _Matcher(session, [spec.row_values(cells, fields) for _, cells in batch])
    found = []
    for number, cells in batch:
        values = spec.row_values(cells, fields)
        customer, errors = matcher.find(values)
        if not errors:
            errors = _check(values, customer)
        found.append(PreviewRow(number, values, "update" if customer else "create",
                                customer.code if customer else None, errors))
    return found


def _check(values: dict[str, str], customer: Customer | None) -> dict[str, str]:
    """The office form's validation of the row: alone for a new customer, over the current data for a match."""
    errors = spec.check_code(spec.clean_code(values.get("code"))) if customer is None else {}
    merged = dict(values)
    if customer is not None:
        current = customers.current_values(customer)
        merged = {**current, **{k: v for k, v in values.items() if k in rules.EDITABLE_COLUMNS}}
    try:
        validate_customer(merged)
    except DomainError as error:
        return {**errors, **error.errors}
    return errors


# Matching ---------------------------------------------------------------------------------------


def _vat_key(value: str | None, country: str | None) -> str | None:
    try:
        return clean_vat(value, compact_code(country or "IT") or "IT") if value else None
    except ValueError:
        return None


def _tax_key(value: str | None) -> str | None:
    try:
        return clean_tax_code(value) if value else None
    except ValueError:
        return None


class _Matcher:
    """Finds the customers a chunk's rows name with one query per key, and remembers the customers the
    chunk creates, so a later row of the same file finds them too."""

    def __init__(self, session: Session, rows: list[dict[str, str]]) -> None:
        self.session = session
        # Each row's keys, read once: (code, external code, VAT number, tax code), cleaned as stored.
        self._row_keys: dict[int, tuple] = {id(r): self._read_keys(r) for r in rows}
        self.by_code: dict[str, Customer] = {}
        self.by_external: dict[str, Customer] = {}
        self.by_vat: dict[str, list[Customer]] = {}
        self.by_tax: dict[str, list[Customer]] = {}
        # The keys of the new customers validated but not written yet.
        self.expected: set[tuple[str, str]] = set()
        columns = (Customer.code, Customer.external_code, Customer.vat_number, Customer.tax_code)
        for position, column in enumerate(columns):
            keys = {k[position] for k in self._row_keys.values() if k[position]}
            if keys:
                for customer in session.exec(select(Customer).where(col(column).in_(list(keys)))):
                    self.remember(customer)

    @staticmethod
    def _read_keys(values: dict[str, str]) -> tuple:
        return (spec.clean_code(values.get("code")), compact_code(values.get("external_code")) or None,
                _vat_key(values.get("vat_number"), values.get("country")), _tax_key(values.get("tax_code")))

    def keys(self, values: dict[str, str]) -> tuple:
        found = self._row_keys.get(id(values))
        return found if found is not None else self._read_keys(values)

    def remember(self, customer: Customer) -> None:
        self.by_code[customer.code] = customer
        if customer.external_code:
            self.by_external[customer.external_code] = customer
        for index, value in ((self.by_vat, customer.vat_number), (self.by_tax, customer.tax_code)):
            if value:
                holders = index.setdefault(value, [])
                if all(h.id != customer.id for h in holders):
                    holders.append(customer)

    @staticmethod
    def _keys(code: str | None, external: str | None, vat: str | None, tax: str | None) -> set[tuple[str, str]]:
        return {(name, value) for name, value in (("code", code), ("external", external), ("vat", vat),
                                                   ("tax", tax)) if value}

    def expect(self, data: CustomerData, code: str | None) -> None:
        self.expected |= self._keys(code, data.external_code, data.vat_number, data.tax_code)

    def forget_expected(self) -> None:
        self.expected = set()

    def names_new(self, values: dict[str, str]) -> bool:
        """Whether the row names a customer created earlier in this chunk and not written yet."""
        return bool(self.expected & self._keys(*self.keys(values)))

    def find(self, values: dict[str, str]) -> tuple[Customer | None, dict[str, str]]:
        code, external, vat, tax = self.keys(values)
        if code and code in self.by_code:
            return self.by_code[code], {}
        if external and external in self.by_external:
            return self.by_external[external], {}
        for field_name, index, key in (("vat_number", self.by_vat, vat), ("tax_code", self.by_tax, tax)):
            holders = index.get(key, []) if key else []
            if len(holders) > 1:
                return None, {field_name: N_("import.err.ambiguous")}
            if holders:
                return holders[0], {}
        return None, {}


# Starting and running ---------------------------------------------------------------------------


def start(*, session: Session, actor: Actor, job_id: int, mapping: object) -> JobView:
    """Fixes the mapping (remembered for the user's next file), counts the rows and marks the job running.
    The caller then hands it to `launch`."""
    job = _own_job(session, actor, job_id)
    if job.status != "uploaded":
        raise DomainError("import.err.started")
    headers = json.loads(job.headers)
    fields = spec.clean_mapping(mapping, len(headers))
    total = _count_rows(_path(job), job.file_kind)
    if total == 0:
        raise DomainError({"file": N_("import.err.no_rows")})
    now = utcnow()
    job.mapping, job.status, job.total = json.dumps(fields), "running", total
    job.started_at = job.heartbeat_at = now
    session.add(job)
    key = MAPPING_KEY.format(actor.user_id)
    setting = session.get(AppSetting, key) or AppSetting(key=key, value="{}")
    setting.value = json.dumps({**remembered(session, actor.user_id), **spec.remembered_mapping(headers, fields)},
                               ensure_ascii=False)
    setting.updated_at, setting.updated_by_user_id = now, actor.user_id
    session.add(setting)
    session.flush()
    return _view(job)


def launch(job_id: int, actor: Actor) -> threading.Thread:
    """Runs the job in a thread of this process; the page follows it by reading the job's row."""
    worker = threading.Thread(target=run, args=(job_id, actor), name=f"import-{job_id}", daemon=True)
    worker.start()
    return worker


@dataclass
class _Outcome:
    kind: str
    errors: dict[str, str] = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def run(job_id: int, actor: Actor, *, settings: Settings | None = None, chunk_rows: int = CHUNK_ROWS) -> None:
    """The import itself: chunk after chunk in its own transaction, the job's counters moved with each."""
    settings = settings or get_settings()
    errors_out: _ErrorFile | None = None
    try:
        with session_scope() as session:
            job = session.get(ImportJob, job_id)
            if job is None or job.status != "running":
                return
            path, kind, fields = _path(job, settings), job.file_kind, json.loads(job.mapping)
            lang = _language(session, actor)
        headers, rows = read_rows(path, kind)
        errors_out = _ErrorFile(_folder(settings), headers, lang)
        chunk: list[tuple[int, list[object]]] = []
        for number, cells in enumerate(rows, start=2):
            chunk.append((number, list(cells)))
            if len(chunk) >= chunk_rows:
                _run_chunk(job_id, actor, fields, chunk, errors_out)
                chunk = []
        if chunk:
            _run_chunk(job_id, actor, fields, chunk, errors_out)
        errors_out.close()
        with session_scope(write=True) as session:
            session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                status="done", finished_at=utcnow(), heartbeat_at=utcnow(), error_stored_name=errors_out.stored_name))
    except Exception as error:  # the job must end as failed, whatever stopped it
        log.exception("import %s failed", job_id)
        key = error.message_key if isinstance(error, DomainError) else N_("import.err.failed")
        if errors_out is not None:  # the rows that failed before it stopped can still be downloaded
            errors_out.close()
        with session_scope(write=True) as session:
            _fail(session, job_id, key)
            if errors_out is not None and errors_out.stored_name:
                session.execute(update(ImportJob).where(ImportJob.id == job_id)
                                .values(error_stored_name=errors_out.stored_name))


def _language(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.user_id)
    return getattr(user, "language", None) or "it"


def _run_chunk(job_id: int, actor: Actor, fields: list[str], chunk: list[tuple[int, list[object]]],
               errors_out: _ErrorFile) -> None:
    counts = dict.fromkeys(OUTCOMES, 0)
    failed_rows: list[tuple[list[object], _Outcome]] = []
    with session_scope(write=True) as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.status != "running":
            raise DomainError(N_("import.err.interrupted"))
        outcomes = import_rows(session=session, actor=actor, rows=[spec.row_values(c, fields) for _, c in chunk])
        for (_, cells), outcome in zip(chunk, outcomes, strict=True):
            counts[outcome.kind] += 1
            if outcome.kind == "failed":
                failed_rows.append((cells, outcome))
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            done=ImportJob.done + len(chunk), heartbeat_at=utcnow(),
            **{name: getattr(ImportJob, name) + n for name, n in counts.items() if n}))
    errors_out.write(failed_rows)


def import_rows(*, session: Session, actor: Actor, rows: list[dict[str, str]]) -> list[_Outcome]:
    """Imports rows already read by the mapping, in the caller's transaction. A change to a customer runs
    in its own savepoint; new customers are validated one by one and written together (a row that fails
    writes nothing), or one by one in savepoints when they cannot be written together."""
    require(actor, Perm.CUSTOMERS_WRITE)
    matcher = _Matcher(session, rows)
    given = {c for r in rows if (c := spec.clean_code(r.get("code")))}
    waiting = _waiting_values(session, [c.id for c in matcher.by_code.values()])
    outcomes: list[_Outcome | None] = [None] * len(rows)
    creating: list[tuple[int, CustomerData, str | None]] = []
    for index, values in enumerate(rows):
        customer, errors = matcher.find(values)
        if not errors and customer is None and matcher.names_new(values):
            _create(session, actor, creating, outcomes, matcher, given)  # a later row of the file names them
            creating = []
            customer, errors = matcher.find(values)
        if errors:
            outcomes[index] = _Outcome("failed", errors)
        elif customer is None:
            try:
                data, code = _new_customer(values)
            except DomainError as error:
                outcomes[index] = _Outcome("failed", error.errors, error.params)
                continue
            creating.append((index, data, code))
            matcher.expect(data, code)
        else:
            try:
                with session.begin_nested():
                    outcomes[index] = _change(session, actor, customer, values, waiting)
            except DomainError as error:
                outcomes[index] = _Outcome("failed", error.errors, error.params)
    _create(session, actor, creating, outcomes, matcher, given)
    return [o or _Outcome("failed") for o in outcomes]


def _new_customer(values: dict[str, str]) -> tuple[CustomerData, str | None]:
    """The row's customer validated as the office form validates it, and the code the file gives it, if any."""
    given = spec.clean_code(values.get("code"))
    errors = spec.check_code(given)
    try:
        data = validate_customer(values)
    except DomainError as error:
        raise DomainError({**errors, **error.errors}, **error.params) from None
    if errors:
        raise DomainError(errors)
    return data, given


def _create(session: Session, actor: Actor, creating: list[tuple[int, CustomerData, str | None]],
            outcomes: list[_Outcome | None], matcher: _Matcher, given: set[str]) -> None:
    """Writes the new customers validated so far, numbered from one reservation of the code sequence (the
    codes the file gives are skipped); one by one in savepoints if they cannot go together."""
    if not creating:
        return
    fresh = iter(customers.reserve_codes(session, sum(1 for _, _, code in creating if code is None), avoid=given))
    creating = [(index, data, code or next(fresh)) for index, data, code in creating]
    items = [(data, code) for _, data, code in creating]
    try:
        with session.begin_nested():
            ids = customers.create_many(session=session, actor=actor, items=items, source=Source.IMPORT)
        for index, _, _ in creating:
            outcomes[index] = _Outcome("created")
    except (customers.NoRoomInSearchOrder, IntegrityError):
        ids = []
        for index, data, code in creating:
            try:
                with session.begin_nested():
                    created = customers.create_customer(
                        session=session, actor=actor, raw=data.as_dict(), source=Source.IMPORT,
                        confirmed_duplicates=True, code=code)
                ids.append(created.id)
                outcomes[index] = _Outcome("created")
            except DomainError as error:
                outcomes[index] = _Outcome("failed", error.errors, error.params)
            except IntegrityError:
                outcomes[index] = _Outcome("failed", {"code": N_("import.err.code_taken")})
    matcher.forget_expected()
    for customer in session.exec(select(Customer).where(col(Customer.id).in_(ids))):
        matcher.remember(customer)


def _waiting_values(session: Session, customer_ids: list[int]) -> set[tuple[int, str, str]]:
    """(customer, field, value) of changes already waiting for review, or refused when an import asked:
    asking again for them changes nothing."""
    if not customer_ids:
        return set()
    rows = session.exec(
        select(ChangeRequestItem.customer_id, ChangeRequestItem.field, ChangeRequestItem.requested_value)
        .join(ChangeRequest, col(ChangeRequest.id) == ChangeRequestItem.request_id)
        .where(col(ChangeRequestItem.customer_id).in_(customer_ids),
               (ChangeRequestItem.state == rules.PENDING)
               | ((ChangeRequestItem.state == rules.REFUSED) & (ChangeRequest.source == Source.IMPORT)))
    )
    return {(r[0], r[1], r[2]) for r in rows}


def _change(session: Session, actor: Actor, customer: Customer, values: dict[str, str],
            waiting: set[tuple[int, str, str]]) -> _Outcome:
    """A found customer: the row's changes asked through the field rules, except those already waiting."""
    typed = {k: v for k, v in values.items() if k in rules.EDITABLE_COLUMNS}
    current = customers.current_values(customer)
    data, changes = rules.requested_changes(current, typed)
    changes = {f: v for f, v in changes.items() if (customer.id, f, rules.encode(v)) not in waiting}
    if not changes:
        return _Outcome("unchanged")
    cleaned = data.as_dict()
    raw = {column: cleaned[column] for f in changes for column in rules.REQUEST_FIELDS[f]}
    outcome = change_requests.submit_request(session=session, actor=actor, customer_id=customer.id, raw=raw,
                                             source=Source.IMPORT)
    for f in outcome.pending + outcome.refused:
        waiting.add((customer.id, f, rules.encode(changes[f])))
    if outcome.pending:
        return _Outcome("held")
    return _Outcome("updated" if outcome.applied else "unchanged")


# The error file ---------------------------------------------------------------------------------


class _ErrorFile:
    """The failed rows as they were in the file, with one more column saying what is wrong, written as
    the chunks end (CSV with ';', UTF-8 with its mark so that Excel reads the accents)."""

    def __init__(self, folder: Path, headers: list[str], lang: str) -> None:
        self.folder, self.headers, self.lang = folder, headers, lang
        self.stored_name: str | None = None
        self._out = None
        self._writer = None
        self.labels = {name: t(f"import.field.{name}", lang) for name in spec.IMPORT_FIELDS}

    def write(self, failed: list[tuple[list[object], _Outcome]]) -> None:
        if not failed:
            return
        if self._out is None:
            self.stored_name = secrets.token_hex(16)
            self._out = open(self.folder / self.stored_name, "x", encoding="utf-8-sig", newline="")  # noqa: SIM115
            self._writer = csv.writer(self._out, delimiter=";")
            self._writer.writerow([*self.headers, t("import.errors_column", self.lang)])
        for cells, outcome in failed:
            messages = {name: t(key, self.lang, **outcome.params) for name, key in outcome.errors.items()}
            texts = [spec.cell_text(c) for c in cells[: len(self.headers)]]
            texts += [""] * (len(self.headers) - len(texts))
            self._writer.writerow([*texts, spec.error_summary(messages, self.labels)])
        self._out.flush()

    def close(self) -> None:
        if self._out is not None and not self._out.closed:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()


def error_file(*, session: Session, actor: Actor, job_id: int, lang: str) -> tuple[bytes, str, str]:
    """The failed rows of the user's own job, for the authorized download."""
    job = _own_job(session, actor, job_id)
    if job.error_stored_name is None or job.status not in ("done", "failed"):
        raise DomainError("import.not_found")
    path = _folder(get_settings()) / job.error_stored_name
    if not path.is_file():
        raise DomainError("import.not_found")
    stem = job.file_name.rsplit(".", 1)[0]
    return path.read_bytes(), f"{stem} - {t('import.error_file_name', lang)}.csv", "text/csv; charset=utf-8"


def error_file_path(job_id: int) -> str:
    return f"/api/imports/{job_id}/errors.csv"
