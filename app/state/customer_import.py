"""The customer import page: upload, mapping, preview, start, and progress followed by polling the job's row.

The import runs in a worker thread of the server process (services.customer_import.launch); this state only
reads the job. `follow` is a background event: it holds no lock on the tab's state while it waits, so the
clerk can keep using the page, leave it and come back (`load_import` finds the running job again)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import reflex as rx

from app.db import session_scope
from app.domain import customer_import as spec
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.models.base import utcnow
from app.services import customer_import
from app.settings import get_settings
from app.state.lists import Choice
from app.state.session import SessionState, field_messages, guarded

POLL_SECONDS = 1.0
# A finished import is shown again on the page this long after it ended.
SHOW_FINISHED_FOR = timedelta(hours=1)
UPLOAD_ID = "import-file"


@dataclasses.dataclass
class PreviewCell:
    text: str
    error: str


@dataclasses.dataclass
class PreviewLine:
    number: int
    action: str
    problem: str  # an error about the whole row (a VAT number naming two customers...)
    failed: bool
    cells: list[PreviewCell]


@dataclasses.dataclass
class MappingColumn:
    index: int
    header: str
    field: str  # "" = ignored
    select_name: str


class CustomerImportState(SessionState):
    job_id: int = 0
    file_name: str = ""
    columns: list[MappingColumn] = []
    field_options: list[Choice] = []
    preview_fields: list[str] = []  # the labels of the mapped fields, the preview's header
    preview_lines: list[PreviewLine] = []
    preview_failed: int = 0
    errors: dict[str, str] = {}
    upload_hint: str = ""
    status: str = ""  # "" (nothing uploaded) | uploaded | running | done | failed
    total: int = 0
    done: int = 0
    counts: dict[str, int] = {}
    error_url: str = ""
    message: str = ""
    confirming: bool = False
    following: bool = False

    @rx.var
    def progress(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @rx.var
    def start_label(self) -> str:
        return t("import.start", self.lang, count=self.total) if self.total else t("import.start_all", self.lang)

    def _reset(self) -> None:
        self.job_id, self.file_name, self.columns, self.preview_lines, self.preview_fields = 0, "", [], [], []
        self.preview_failed, self.errors, self.status, self.total, self.done = 0, {}, "", 0, 0
        self.counts, self.error_url, self.message, self.confirming = {}, "", "", False

    def _show_job(self, view: customer_import.JobView) -> None:
        self.job_id, self.file_name, self.status = view.id, view.file_name, view.status
        self.total, self.done, self.counts = view.total, view.done, dict(view.counts)
        self.error_url = customer_import.error_file_path(view.id) if view.has_error_file else ""
        self.message = t(view.message, self.lang) if view.message else ""
        labels = {f: t(f"import.field.{f}", self.lang) for f in spec.IMPORT_FIELDS}
        self.field_options = [Choice("", t("import.ignore", self.lang)),
                              *[Choice(f, labels[f]) for f in spec.IMPORT_FIELDS]]
        self.columns = [MappingColumn(i, h, view.mapping[i] if i < len(view.mapping) else "", f"map_{i}")
                        for i, h in enumerate(view.headers)]

    @guarded(Perm.CUSTOMERS_WRITE, page=True)
    def load_import(self, actor: Actor):
        """The page shows the clerk's running (or last finished) import again, or waits for a file."""
        self._reset()
        self.upload_hint = t("import.drop", self.lang, mb=get_settings().upload_max_bytes // (1024 * 1024))
        with session_scope(write=True) as session:
            view = customer_import.latest_job(session=session, actor=actor)
        if view is not None and view.status == "running":
            self._show_job(view)
            return CustomerImportState.follow
        if view is not None and view.finished_at and view.finished_at > utcnow() - SHOW_FINISHED_FOR:
            self._show_job(view)  # the clerk comes back to see how it ended
        return None

    @guarded(Perm.CUSTOMERS_WRITE)
    async def receive_file(self, actor: Actor, files: list[rx.UploadFile]):
        """The file is checked on the server (size, type, a header row); its columns are mapped at once."""
        self._reset()
        if not files:
            self.errors = {"file": t("import.err.no_file", self.lang)}
            return None
        upload = files[0]
        limit = get_settings().upload_max_bytes
        data = await upload.read(limit + 1)  # one byte more than allowed is enough to refuse

        def store() -> customer_import.JobView:
            with session_scope(write=True) as session:
                return customer_import.upload(session=session, actor=actor, filename=upload.name or "", data=data)

        try:
            view = await asyncio.to_thread(store)
        except DomainError as error:
            self.errors = field_messages(error, self.lang)
            return None
        self._show_job(view)
        await asyncio.to_thread(self._preview, actor)
        return None

    @guarded(Perm.CUSTOMERS_WRITE)
    def file_rejected(self, actor: Actor, rejected: list):
        """The browser refused the file before sending it (too big, or not CSV or XLSX): said next to the field."""
        self.errors = {"file": t("import.err.rejected", self.lang,
                                 mb=get_settings().upload_max_bytes // (1024 * 1024))}

    def _mapping(self) -> list[str]:
        return [c.field for c in self.columns]

    def _preview(self, actor: Actor) -> None:
        self.errors, self.preview_lines = {}, []
        try:
            with session_scope() as session:
                rows = customer_import.preview(session=session, actor=actor, job_id=self.job_id,
                                               mapping=self._mapping())
        except DomainError as error:
            self.errors = field_messages(error, self.lang)
            return
        mapped = [f for f in self._mapping() if f]
        self.preview_fields = [t(f"import.field.{f}", self.lang) for f in mapped]
        lines = []
        for row in rows:
            errors = {name: t(key, self.lang, **row.params) for name, key in row.errors.items()}
            # An error of a field no column fills (a required name, say) is told for the whole row.
            loose = [f"{t(f'import.field.{n}', self.lang) if n in spec.IMPORT_FIELDS else n}: {m}"
                     for n, m in errors.items() if n not in mapped and n]
            problem = "; ".join([*([errors[""]] if "" in errors else []), *loose])
            action = t("import.action.update", self.lang, code=row.matched_code) if row.matched_code else \
                t("import.action.create", self.lang)
            lines.append(PreviewLine(row.number, action, problem, bool(errors),
                                     [PreviewCell(row.values.get(f, ""), errors.get(f, "")) for f in mapped]))
        self.preview_lines = lines
        self.preview_failed = sum(1 for line in lines if line.failed)

    @guarded(Perm.CUSTOMERS_WRITE)
    def map_column(self, actor: Actor, index: int, field: str):
        """A mapping select changed: the column takes the field (leaving any other column that had it)."""
        column = index if type(index) is int else None
        if self.status != "uploaded" or column is None or not 0 <= column < len(self.columns):
            return None
        chosen = field if field in spec.IMPORT_FIELDS else ""
        columns = [dataclasses.replace(c, field="") if chosen and c.field == chosen else c for c in self.columns]
        columns[column] = dataclasses.replace(columns[column], field=chosen)
        self.columns = columns
        self._preview(actor)
        return None

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_start(self, actor: Actor):
        self.confirming = self.status == "uploaded"

    @guarded(Perm.CUSTOMERS_WRITE)
    def cancel_start(self, actor: Actor):
        self.confirming = False

    @guarded(Perm.CUSTOMERS_WRITE)
    def start_import(self, actor: Actor):
        self.confirming = False
        if self.status != "uploaded" or not self.job_id:
            return None
        try:
            with session_scope(write=True) as session:
                view = customer_import.start(session=session, actor=actor, job_id=self.job_id,
                                             mapping=self._mapping())
        except DomainError as error:
            self.errors = field_messages(error, self.lang)
            return None
        customer_import.launch(view.id, actor)
        self._show_job(view)
        return CustomerImportState.follow

    def _read_job(self, actor: Actor) -> customer_import.JobView | None:
        try:
            with session_scope(write=True) as session:
                return customer_import.get_job(session=session, actor=actor, job_id=self.job_id)
        except DomainError:
            return None

    @rx.event(background=True)
    @guarded(Perm.CUSTOMERS_WRITE)
    async def follow(self, actor: Actor):
        """Reads the job's row every second until it ends, updating the progress bar and the counts."""
        async with self:
            if self.following or not self.job_id:
                return
            self.following = True
        try:
            while True:
                view = await asyncio.to_thread(self._read_job, actor)
                async with self:
                    if view is None or view.id != self.job_id:
                        return
                    self._show_job(view)
                    if view.status != "running":
                        return
                await asyncio.sleep(POLL_SECONDS)
        finally:
            async with self:
                self.following = False

    @guarded(Perm.CUSTOMERS_WRITE)
    def new_import(self, actor: Actor):
        if self.status == "running":
            return None
        self._reset()
        return rx.clear_selected_files(UPLOAD_ID)
