"""Support requests: opened and followed in the reserved area, answered and closed by the office."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import TicketStatus
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import tickets
from app.services.documents import StoredFile
from app.settings import get_settings
from app.state.dialogs import Dialogs
from app.state.documents import download_url, file_size
from app.state.lists import count_label, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages, guarded, off_the_loop

STATUS_COLORS = {"open": "amber", "answered": "green", "closed": "gray"}


@dataclasses.dataclass
class TicketView:
    id: int
    customer_id: int
    customer: str
    subject: str
    status: str
    status_color: str
    opened_by: str
    assigned_to: str
    updated: str


@dataclasses.dataclass
class FileLink:
    name: str
    size: str
    url: str


@dataclasses.dataclass
class MessageView:
    author: str
    from_office: bool
    body: str
    at: str
    files: list[FileLink]


def _ticket_view(row: tickets.TicketRow, lang: str) -> TicketView:
    return TicketView(row.id, row.customer_id, row.customer, row.subject, t(f"tickets.status.{row.status}", lang),
                      STATUS_COLORS[row.status], row.opened_by, row.assigned_to, format_datetime(row.updated_at, lang))


class StagedFiles(rx.State, mixin=True):
    """Files uploaded for a message not sent yet: checked and stored at once, named with their sizes under
    the form, attached when the message is sent. Only their names reach the browser."""

    staged_files: list[FileLink] = []
    file_errors: list[str] = []
    upload_progress: int = 0
    _staged: list[StoredFile] = []

    def _clear_staged(self) -> None:
        self._staged, self.staged_files, self.file_errors, self.upload_progress = [], [], [], 0

    def _progressed(self, progress: object) -> None:
        # The last report of a transfer can arrive after the files were received and listed: a finished
        # transfer hides the bar rather than leaving it full under the list.
        value = progress.get("progress") if isinstance(progress, dict) else None
        done = not isinstance(value, int | float) or value >= 1
        self.upload_progress = 0 if done else max(1, int(float(value) * 100))

    async def _receive(self, actor: Actor, ticket_id: int | None, files: list) -> None:
        limit = get_settings().upload_max_bytes
        problems, staged = [], list(self._staged)
        for upload in files or []:
            name = getattr(upload, "name", None) or ""
            if len(staged) >= tickets.MAX_FILES:
                problems.append(f"{name}: {t('tickets.err.too_many_files', self.lang, max=tickets.MAX_FILES)}")
                continue
            data = await upload.read(limit + 1)  # one byte more than allowed is enough to refuse
            try:
                staged.append(await off_the_loop(_stage, actor, ticket_id, name, data))
            except DomainError as error:
                problems.append(f"{name}: {next(iter(field_messages(error, self.lang).values()))}")
        self._staged = staged
        self.staged_files = [FileLink(f.name, file_size(f.size), "") for f in staged]
        self.file_errors, self.upload_progress = problems, 0

    def _rejected(self, rejections: object) -> None:
        """Files the browser refused before sending them (only the size is checked there): named next to the
        field in the user's language, like the server's refusals."""
        names = [r.get("file", {}).get("path") for r in rejections if isinstance(r, dict) and isinstance(
            r.get("file"), dict)] if isinstance(rejections, list) else []
        limit_mb = get_settings().upload_max_bytes // (1024 * 1024)
        self.file_errors = [f"{name}: {t('uploads.err.too_big', self.lang, limit_mb=limit_mb)}"
                            for name in names[:10] if isinstance(name, str)]

    def _unstage(self, index: object) -> None:
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(self._staged):
            self._staged = [f for i, f in enumerate(self._staged) if i != index]
            self.staged_files = [FileLink(f.name, file_size(f.size), "") for f in self._staged]


def _stage(actor: Actor, ticket_id: int | None, name: str, data: bytes) -> StoredFile:
    with session_scope() as session:
        return tickets.stage_file(session=session, actor=actor, ticket_id=ticket_id, filename=name, data=data)


class TicketThreadMixin(StagedFiles, Dialogs, mixin=True):
    """The open request's thread, shared by the reserved area's and the office's pages."""

    thread_title: str = ""
    thread_status: str = ""
    thread_closed: bool = False
    # Whether this user may close the request shown (staff any, a customer user the ones they opened).
    thread_can_close: bool = False
    thread_messages: list[MessageView] = []
    reply_errors: dict[str, str] = {}
    reply_key: int = 0
    _thread_id: int | None = None

    def _show_thread(self, actor: Actor, ticket_id: int) -> None:
        with session_scope() as session:
            found = tickets.thread(session=session, actor=actor, ticket_id=ticket_id)
        if self._thread_id != found.ticket.id:
            self._clear_staged()
        self._thread_id = found.ticket.id
        self.thread_title = f"#{found.ticket.id} · {found.ticket.subject}"
        self.thread_status = t(f"tickets.status.{found.ticket.status}", self.lang)
        self.thread_closed = found.ticket.status == "closed"
        self.thread_can_close = found.can_close
        self.thread_messages = [
            MessageView(m.author if not m.from_office else f"{m.author} · {t('tickets.office', self.lang)}",
                        m.from_office, m.body, format_datetime(m.at, self.lang),
                        [FileLink(f.name, file_size(f.size), download_url(f.id)) for f in m.files])
            for m in found.messages
        ]
        self.reply_errors = {}
        self._open_dialog("thread")

    def _open_thread(self, actor: Actor, ticket_id: object) -> rx.event.EventSpec | None:
        wanted = parse_id(ticket_id)
        if wanted is None:
            return None
        try:
            self._show_thread(actor, wanted)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        return None

    def _reply(self, actor: Actor, form_data: object) -> bool:
        if self._thread_id is None:
            return False
        body = form_data.get("body") if isinstance(form_data, dict) else None
        try:
            with session_scope(write=True) as session:
                tickets.reply(session=session, actor=actor, ticket_id=self._thread_id, body=body, files=self._staged)
        except DomainError as error:
            self.reply_errors = field_messages(error, self.lang)
            return False
        self._clear_staged()
        self.reply_key += 1
        self._show_thread(actor, self._thread_id)
        return True

    def _ask_close(self) -> None:
        if self._thread_id is not None and self._is_open("thread") and self.thread_can_close:
            self._ask(t("tickets.close_confirm", self.lang, number=self._thread_id), self._thread_id)

    def _close(self, actor: Actor) -> rx.event.EventSpec | None:
        """Closes the request shown once the user confirmed: a toast saying how it went, or None when
        nothing was asked."""
        if self._confirmed() != (self._thread_id,) or self._thread_id is None:
            return None
        try:
            with session_scope(write=True) as session:
                tickets.close_ticket(session=session, actor=actor, ticket_id=self._thread_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._show_thread(actor, self._thread_id)
        return rx.toast.success(t("tickets.closed_now", self.lang, number=self._thread_id))


class SupportState(TicketThreadMixin, SessionState):
    ticket_rows: list[TicketView] = []
    new_open: bool = False
    # Set when a block stops the company opening requests: the page says so instead of offering the form.
    opening_refused: str = ""
    new_errors: dict[str, str] = {}
    new_key: int = 0

    @guarded(Perm.PORTAL_ACCESS, module="support", page=True)
    def load_support(self, actor: Actor):
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            page = tickets.list_tickets(session=session, actor=actor, limit=100)
            refusal = tickets.opening_refusal(session=session, actor=actor)
        self.ticket_rows = [_ticket_view(r, self.lang) for r in page.rows]
        self.opening_refused = t(refusal, self.lang) if refusal else ""
        if refusal:
            self.new_open = False

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def toggle_new(self, actor: Actor):
        self.new_open, self.new_errors = not self.new_open and not self.opening_refused, {}
        self._thread_id = None
        self._clear_staged()

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def open_new_ticket(self, actor: Actor, form_data: dict):
        try:
            with session_scope(write=True) as session:
                ticket = tickets.open_ticket(session=session, actor=actor, raw=form_data, files=self._new_files())
                number = ticket.id
        except DomainError as error:
            self.new_errors = field_messages(error, self.lang)
            return None
        self._clear_staged()
        self.new_open, self.new_errors = False, {}
        self.new_key += 1
        self._load(actor)
        return rx.toast.success(t("tickets.opened", self.lang, number=number))

    def _new_files(self) -> list[StoredFile]:
        # Files staged while a thread was open belong to that thread's reply, not to a new request.
        return self._staged if self._thread_id is None else []

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def show_ticket(self, actor: Actor, ticket_id: int):
        self.new_open = False
        return self._open_thread(actor, ticket_id)

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def upload_progressed(self, actor: Actor, progress: dict):
        self._progressed(progress)

    @guarded(Perm.PORTAL_ACCESS, module="support")
    async def receive_files(self, actor: Actor, files: list[rx.UploadFile]):
        """Files for the new request's form, or for the reply in the thread shown."""
        if self._is_open("thread") and self._thread_id is not None:
            await self._receive(actor, self._thread_id, files)
        elif self.new_open:
            await self._receive(actor, None, files)

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def remove_file(self, actor: Actor, index: int):
        self._unstage(index)

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def files_rejected(self, actor: Actor, rejections: list):
        self._rejected(rejections)

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def send_reply(self, actor: Actor, form_data: dict):
        if self._reply(actor, form_data):
            self._load(actor)
            return rx.toast.success(t("tickets.sent", self.lang))
        return None

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def ask_close(self, actor: Actor):
        self._ask_close()

    @guarded(Perm.PORTAL_ACCESS, module="support")
    def confirm_close(self, actor: Actor):
        answer = self._close(actor)
        self._load(actor)
        return answer


TICKET_LIST_DEFAULTS = {"status": "open", "sort": "newest"}


class OfficeTicketsState(TicketThreadMixin, KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.TICKETS_ANSWER
    status_filter: str = "open"
    sort_order: str = "newest"
    count_text: str = ""
    ticket_rows: list[TicketView] = []

    @guarded(Perm.TICKETS_ANSWER, page=True)
    def load_tickets(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self.status_filter = self._status_choice(query_param(params, "status") or "open")
        self.sort_order = self._sort_choice(query_param(params, "sort"))
        self._restart(actor)

    @staticmethod
    def _status_choice(value: object) -> str:
        return "all" if value == "all" else (TicketStatus.parse(value) or "open")

    @staticmethod
    def _sort_choice(value: object) -> str:
        return value if isinstance(value, str) and value in tickets.TICKET_ORDERS else "newest"

    def _fetch(self, actor: Actor) -> None:
        status = "" if self.status_filter == "all" else self.status_filter
        with session_scope() as session:
            page = tickets.list_tickets(session=session, actor=actor, status=status, before_id=self._cursor,
                                        order=self.sort_order)
            if self._cursor is None:
                self.count_text = count_label(tickets.count_tickets(session=session, actor=actor, status=status),
                                              self.lang)
        self.ticket_rows = [_ticket_view(r, self.lang) for r in page.rows]
        self._page_loaded(page.next_before_id)

    def _changed(self, actor: Actor) -> rx.event.EventSpec:
        self._restart(actor)
        return keep_in_address("/office/tickets", {"status": self.status_filter, "sort": self.sort_order},
                               TICKET_LIST_DEFAULTS)

    @guarded(Perm.TICKETS_ANSWER)
    def filter_status(self, actor: Actor, value: str | list[str]):
        self.status_filter = self._status_choice(value)
        return self._changed(actor)

    @guarded(Perm.TICKETS_ANSWER)
    def sort_by_number(self, actor: Actor):
        self.sort_order = "oldest" if self.sort_order == "newest" else "newest"
        return self._changed(actor)

    @guarded(Perm.TICKETS_ANSWER)
    def show_ticket(self, actor: Actor, ticket_id: int):
        return self._open_thread(actor, ticket_id)

    @guarded(Perm.TICKETS_ANSWER)
    def upload_progressed(self, actor: Actor, progress: dict):
        self._progressed(progress)

    @guarded(Perm.TICKETS_ANSWER)
    async def receive_files(self, actor: Actor, files: list[rx.UploadFile]):
        if self._is_open("thread") and self._thread_id is not None:
            await self._receive(actor, self._thread_id, files)

    @guarded(Perm.TICKETS_ANSWER)
    def remove_file(self, actor: Actor, index: int):
        self._unstage(index)

    @guarded(Perm.TICKETS_ANSWER)
    def files_rejected(self, actor: Actor, rejections: list):
        self._rejected(rejections)

    @guarded(Perm.TICKETS_ANSWER)
    def send_reply(self, actor: Actor, form_data: dict):
        if self._reply(actor, form_data):
            self._fetch(actor)
            return rx.toast.success(t("tickets.sent", self.lang))
        return None

    @guarded(Perm.TICKETS_ANSWER)
    def ask_close(self, actor: Actor):
        self._ask_close()

    @guarded(Perm.TICKETS_ANSWER)
    def confirm_close(self, actor: Actor):
        answer = self._close(actor)
        self._fetch(actor)
        return answer
