"""Contracts and reports on the customer card, with their files; and the reserved area's view of them."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_choice, parse_id
from app.domain.inputs import ContractInput, ReportInput
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime, format_short_date
from app.services import documents, interventions
from app.settings import get_settings
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.lists import Choice
from app.state.session import SessionState, field_messages, guarded, off_the_loop

STATE_COLORS = {"active": "green", "expiring": "amber", "expired": "red"}
UPLOAD_ID = "document-files"


def download_url(attachment_id: int) -> str:
    return f"{get_settings().public_base_url}/api/attachments/{attachment_id}"


def _report_subtitle(report, lang: str) -> str:  # noqa: ANN001
    return f"{t(f'reports.kind.{report.kind}', lang)} · {format_short_date(report.report_date, lang)}"


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@dataclasses.dataclass
class FileView:
    id: int
    name: str
    detail: str
    url: str


@dataclasses.dataclass
class DocumentView:
    id: int
    kind: str  # contract | report
    title: str
    subtitle: str
    state: str
    state_color: str
    shared: bool
    files: list[FileView]


def _files(session, actor: Actor, kind: str, owner_id: int, lang: str) -> list[FileView]:  # noqa: ANN001
    return [
        FileView(a.id, a.original_name, f"{file_size(a.size)} · {a.uploaded_by_name} · "
                                        f"{format_datetime(a.uploaded_at, lang)}", download_url(a.id))
        for a in documents.list_attachments(session=session, actor=actor, owner_kind=kind, owner_id=owner_id)
    ]


class DocumentsTab(CardTab, Dialogs, CustomerCardState):
    """The card's Contracts and Reports tabs: both lists load together, with their files."""

    contract_rows: list[DocumentView] = []
    report_rows: list[DocumentView] = []
    doc_kind: str = ""  # contract | report: what the document form edits
    doc_values: dict[str, str] = {}
    doc_errors: dict[str, str] = {}
    doc_key: int = 0
    # The customer's interventions a report can be linked to.
    intervention_choices: list[Choice] = []
    upload_title: str = ""
    upload_hint: str = ""
    upload_progress: int = 0
    upload_errors: list[str] = []
    _editing_doc: int | None = None
    _upload_owner: tuple = ()

    def _fetch(self, actor: Actor) -> None:
        today, days = date.today(), get_settings().contract_warning_days
        with session_scope() as session:
            contracts, reports = documents.customer_documents(session=session, actor=actor,
                                                              customer_id=self.customer_id)
            self.contract_rows = [
                DocumentView(
                    c.id, "contract", f"{c.number} · {c.title}",
                    t("contracts.period", self.lang, start=format_short_date(c.start_on, self.lang),
                      end=format_short_date(c.expires_on, self.lang)),
                    t(f"contracts.state.{documents.contract_state(c.expires_on, today, days)}", self.lang),
                    STATE_COLORS[documents.contract_state(c.expires_on, today, days)], c.shared,
                    _files(session, actor, "contract", c.id, self.lang),
                )
                for c in contracts
            ]
            self.report_rows = [
                DocumentView(r.id, "report", r.title, _report_subtitle(r, self.lang), "", "gray", r.shared,
                             _files(session, actor, "report", r.id, self.lang))
                for r in reports
            ]

    @guarded(Perm.CUSTOMERS_WRITE)
    def new_document(self, actor: Actor, kind: str):
        kind = parse_choice(kind, documents.OWNER_KINDS)
        if not kind or not self._current():
            return
        self._editing_doc = None
        today = date.today().isoformat()
        values = {"number": "", "title": "", "start_on": today, "expires_on": "", "notes": "", "shared": ""} \
            if kind == "contract" else {"title": "", "kind": "report", "report_date": today, "notes": "", "shared": "",
                                        "intervention_id": ""}
        self._open_doc(actor, kind, values)

    @guarded(Perm.CUSTOMERS_WRITE)
    def edit_document(self, actor: Actor, kind: str, document_id: int):
        kind, wanted = parse_choice(kind, documents.OWNER_KINDS), parse_id(document_id)
        if not kind or not self._current():
            return
        with session_scope() as session:
            contracts, reports = documents.customer_documents(session=session, actor=actor,
                                                              customer_id=self.customer_id)
        found = next((d for d in (contracts if kind == "contract" else reports) if d.id == wanted), None)
        if found is None:
            return
        self._editing_doc = found.id
        on = "on" if found.shared else ""
        if kind == "contract":
            values = {"number": found.number, "title": found.title, "start_on": found.start_on.isoformat(),
                      "expires_on": found.expires_on.isoformat(), "notes": found.notes or "", "shared": on}
        else:
            values = {"title": found.title, "kind": found.kind, "report_date": found.report_date.isoformat(),
                      "notes": found.notes or "", "shared": on, "intervention_id": str(found.intervention_id or "")}
        self._open_doc(actor, kind, values)

    def _open_doc(self, actor: Actor, kind: str, values: dict[str, str]) -> None:
        if kind == "report":
            with session_scope() as session:
                rows = interventions.customer_interventions(session=session, actor=actor,
                                                            customer_id=self.customer_id)
            self.intervention_choices = [Choice("", t("documents.no_intervention", self.lang))] + [
                Choice(str(r.id), f"{r.number} · {format_datetime(r.starts_at, self.lang)} · {r.type_name}")
                for r in rows]
        self.doc_kind, self.doc_values, self.doc_errors = kind, values, {}
        self.doc_key += 1
        self._open_dialog("document")

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_document(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        kind = self.doc_kind
        if not self._current() or not self._is_open("document"):
            return None
        model = ContractInput if kind == "contract" else ReportInput
        self.doc_values = {k: v for k, v in model.echo(form).items() if k in self.doc_values}
        try:
            with session_scope(write=True) as session:
                if kind == "contract":
                    saved = documents.save_contract(session=session, actor=actor, customer_id=self.customer_id,
                                                    raw=form, contract_id=self._editing_doc)
                elif kind == "report":
                    saved = documents.save_report(session=session, actor=actor, customer_id=self.customer_id,
                                                  raw=form, report_id=self._editing_doc)
                else:
                    return None
                saved_id, title = saved.id, saved.title
        except DomainError as error:
            self.doc_errors = field_messages(error, self.lang)
            return None
        self._close_dialog("document")
        self._fetch(actor)
        if self._editing_doc is None:  # a new document: its files come next
            self._upload_owner = (kind, saved_id)
            self._show_upload(title)
        return rx.toast.success(t("documents.saved", self.lang))

    @guarded(Perm.CUSTOMERS_WRITE)
    def open_upload(self, actor: Actor, kind: str, document_id: int):
        kind, wanted = parse_choice(kind, documents.OWNER_KINDS), parse_id(document_id)
        rows = self.contract_rows if kind == "contract" else self.report_rows
        found = next((d for d in rows if d.id == wanted), None)
        if found is None or not self._current():
            return
        self._upload_owner = (kind, found.id)
        self._show_upload(found.title)

    def _show_upload(self, title: str) -> None:
        self.upload_title, self.upload_errors, self.upload_progress = title, [], 0
        self.upload_hint = t("uploads.drop", self.lang, mb=get_settings().upload_max_bytes // (1024 * 1024))
        self._open_dialog("upload")

    @guarded(Perm.CUSTOMERS_WRITE)
    def upload_progressed(self, actor: Actor, progress: dict):
        value = progress.get("progress") if isinstance(progress, dict) else None
        self.upload_progress = int(float(value) * 100) if isinstance(value, int | float) else 0

    @guarded(Perm.CUSTOMERS_WRITE)
    async def receive_files(self, actor: Actor, files: list[rx.UploadFile]):
        """Each file is checked on the server; the good ones are stored, each bad one is named."""
        if not self._upload_owner or not self._current() or not self._is_open("upload"):
            return None
        kind, owner_id = self._upload_owner
        limit = get_settings().upload_max_bytes
        problems, stored = [], 0
        for upload in files or []:
            name = upload.name or ""
            data = await upload.read(limit + 1)  # one byte more than allowed is enough to refuse
            try:
                # Hashing and writing the file happen off the event loop, like every database call.
                await off_the_loop(_store, actor, kind, owner_id, name, data)
                stored += 1
            except DomainError as error:
                problems.append(f"{name}: {next(iter(field_messages(error, self.lang).values()))}")
        self.upload_errors, self.upload_progress = problems, 0
        await off_the_loop(self._fetch, actor)
        if not problems:
            self._close_dialog("upload")
        return rx.toast.success(t("uploads.stored", self.lang, count=stored)) if stored else None

    @guarded(Perm.CUSTOMERS_WRITE)
    def ask_remove_file(self, actor: Actor, attachment_id: int):
        wanted = parse_id(attachment_id)
        found = next((f for d in [*self.contract_rows, *self.report_rows] for f in d.files if f.id == wanted), None)
        if found is None or not self._current():
            return
        self._ask(t("uploads.remove_confirm", self.lang, name=found.name), found.id)

    @guarded(Perm.CUSTOMERS_WRITE)
    def confirm_remove_file(self, actor: Actor):
        confirmed = self._confirmed()
        if not confirmed or not self._current():
            return None
        return self._write_and_refresh(actor, lambda session: documents.remove_attachment(
            session=session, actor=actor, attachment_id=confirmed[0]))


def _store(actor: Actor, kind: str, owner_id: int, name: str, data: bytes) -> None:
    with session_scope(write=True) as session:
        documents.store_attachment(session=session, actor=actor, owner_kind=kind, owner_id=owner_id,
                                   filename=name, data=data)


register_tab("contracts", DocumentsTab.load)
register_tab("reports", DocumentsTab.load)


class PortalDocumentsState(SessionState):
    """The reserved area's contracts or reports: shared ones only, through the user's rights."""

    portal_docs: list[DocumentView] = []

    @guarded(Perm.PORTAL_ACCESS, module="contracts", page=True)
    def load_portal_contracts(self, actor: Actor):
        self._load(actor, "contract")

    @guarded(Perm.PORTAL_ACCESS, module="reports", page=True)
    def load_portal_reports(self, actor: Actor):
        self._load(actor, "report")

    def _load(self, actor: Actor, kind: str) -> None:
        today, days = date.today(), get_settings().contract_warning_days
        with session_scope() as session:
            found = documents.shared_documents(session=session, actor=actor, kind=kind)
            views = []
            for d in found:
                if kind == "contract":
                    state = documents.contract_state(d.expires_on, today, days)
                    views.append(DocumentView(
                        d.id, kind, f"{d.number} · {d.title}",
                        t("contracts.period", self.lang, start=format_short_date(d.start_on, self.lang),
                          end=format_short_date(d.expires_on, self.lang)),
                        t(f"contracts.state.{state}", self.lang), STATE_COLORS[state], True,
                        _files(session, actor, kind, d.id, self.lang)))
                else:
                    views.append(DocumentView(d.id, kind, d.title, _report_subtitle(d, self.lang), "", "gray", True,
                                              _files(session, actor, kind, d.id, self.lang)))
        self.portal_docs = views
