"""The reserved area's personal reminders."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_short_date
from app.services import reminders
from app.state.dialogs import Dialogs
from app.state.session import SessionState, field_messages, guarded


@dataclasses.dataclass
class ReminderView:
    id: int
    due_on: str
    due_iso: str
    text: str
    past: bool


class RemindersState(Dialogs, SessionState):
    reminder_rows: list[ReminderView] = []
    add_errors: dict[str, str] = {}
    add_key: int = 0
    edit_values: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    edit_key: int = 0
    _editing: int | None = None

    @guarded(Perm.PORTAL_ACCESS, module="reminders", page=True)
    def load_reminders(self, actor: Actor):
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        today = date.today()
        with session_scope() as session:
            rows = reminders.list_reminders(session=session, actor=actor)
        self.reminder_rows = [
            ReminderView(r.id, format_short_date(r.due_on, self.lang), r.due_on.isoformat(), r.text, r.due_on < today)
            for r in rows
        ]

    def _save(self, actor: Actor, form: object, reminder_id: int | None) -> dict[str, str]:
        try:
            with session_scope(write=True) as session:
                reminders.save_reminder(session=session, actor=actor, raw=form if isinstance(form, dict) else {},
                                        reminder_id=reminder_id)
        except DomainError as error:
            return field_messages(error, self.lang)
        self._load(actor)
        return {}

    @guarded(Perm.PORTAL_ACCESS, module="reminders")
    def add_reminder(self, actor: Actor, form_data: dict):
        self.add_errors = self._save(actor, form_data, None)
        if not self.add_errors:
            self.add_key += 1
            return rx.toast.success(t("reminders.saved", self.lang))
        return None

    @guarded(Perm.PORTAL_ACCESS, module="reminders")
    def edit_reminder(self, actor: Actor, reminder_id: int):
        row = next((r for r in self.reminder_rows if r.id == parse_id(reminder_id)), None)
        if row is None:
            return
        self._editing = row.id
        self.edit_values, self.edit_errors = {"due_on": row.due_iso, "text": row.text}, {}
        self.edit_key += 1
        self._open_dialog("edit")

    @guarded(Perm.PORTAL_ACCESS, module="reminders")
    def save_edit(self, actor: Actor, form_data: dict):
        if self._editing is None or not self._is_open("edit"):
            return None
        self.edit_errors = self._save(actor, form_data, self._editing)
        if not self.edit_errors:
            self._close_dialog("edit")
            return rx.toast.success(t("reminders.saved", self.lang))
        return None

    @guarded(Perm.PORTAL_ACCESS, module="reminders")
    def ask_delete(self, actor: Actor, reminder_id: int):
        row = next((r for r in self.reminder_rows if r.id == parse_id(reminder_id)), None)
        if row is None:
            return
        self._ask(t("reminders.delete_confirm", self.lang, text=row.text), row.id)

    @guarded(Perm.PORTAL_ACCESS, module="reminders")
    def confirm_delete(self, actor: Actor):
        confirmed = self._confirmed()
        if not confirmed:
            return None
        try:
            with session_scope(write=True) as session:
                reminders.delete_reminder(session=session, actor=actor, reminder_id=confirmed[0])
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._load(actor)
        return rx.toast.success(t("reminders.deleted", self.lang))
