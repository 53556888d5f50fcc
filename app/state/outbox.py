"""Office: the outgoing e-mail, as rows waiting, sent or failed."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from app.db import session_scope
from app.domain.ids import parse_id
from app.domain.inputs import search_text
from app.domain.permissions import Actor, Perm
from app.i18n.formats import format_datetime
from app.services import outbox
from app.settings import get_settings
from app.state.dialogs import Dialogs
from app.state.lists import count_label, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, guarded


@dataclasses.dataclass
class OutboxMessageView:
    id: int
    to_address: str
    subject: str
    created: str
    status: str
    error: str


class OutboxState(Dialogs, KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.OUTBOX_READ
    messages: list[OutboxMessageView] = []
    outbox_search: str = ""
    count_text: str = ""
    search_key: int = 0
    smtp_configured: bool = False
    open_subject: str = ""
    open_to: str = ""
    open_body: str = ""
    open_created: str = ""

    @guarded(Perm.OUTBOX_READ, page=True)
    def load_outbox(self, actor: Actor):
        self.smtp_configured = get_settings().smtp_configured
        params = self.router.url.query_parameters if self.router else {}
        self.outbox_search = search_text(query_param(params, "q"))
        self.search_key += 1
        self._restart(actor)

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            page = outbox.list_messages(session=session, actor=actor, before_id=self._cursor, search=self.outbox_search)
            if self._cursor is None:
                self.count_text = count_label(outbox.count_messages(session=session, actor=actor,
                                                                    search=self.outbox_search), self.lang)
        self.messages = [
            OutboxMessageView(
                id=row.id,
                to_address=row.to_address,
                subject=row.subject,
                created=format_datetime(row.created_at, self.lang),
                status="sent" if row.sent_at else ("failed" if row.last_error else "pending"),
                error=row.last_error or "",
            )
            for row in page.rows
        ]
        self._page_loaded(page.next_before_id)

    @guarded(Perm.OUTBOX_READ)
    def search_outbox(self, actor: Actor, text: str):
        self.outbox_search = search_text(text)
        self._restart(actor)
        return keep_in_address("/office/outbox", {"q": self.outbox_search}, {})

    @guarded(Perm.OUTBOX_READ)
    def open_message(self, actor: Actor, message_id: int):
        wanted = parse_id(message_id)
        if wanted is None:
            return
        with session_scope() as session:
            message = outbox.get_message(session=session, actor=actor, message_id=wanted)
            if message is None:
                return
            self.open_subject = message.subject
            self.open_to = message.to_address
            self.open_body = message.body_text
            self.open_created = format_datetime(message.created_at, self.lang)
        self._open_dialog("message")
