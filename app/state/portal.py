"""The reserved area's own modules: personal reminders and support requests (and the office's
side of support requests)."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_choice, parse_id
from app.domain.mail_templates import TEMPLATES
from app.domain.permissions import Actor, Perm
from app.domain.portal_modules import MODULES
from app.i18n import LANGUAGES, t
from app.i18n.formats import format_datetime, format_short_date
from app.services import customers, mail_templates, portal_profiles, reminders, tickets
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages


@dataclasses.dataclass
class ReminderView:
    id: int
    due_on: str
    due_iso: str
    text: str
    past: bool


class RemindersState(SessionState):
    reminder_rows: list[ReminderView] = []
    add_errors: dict[str, str] = {}
    add_key: int = 0
    edit_open: bool = False
    edit_values: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    edit_key: int = 0
    delete_open: bool = False
    delete_text: str = ""
    _editing: int | None = None
    _deleting: int | None = None

    @rx.event
    def load_reminders(self):
        actor = self._enter_module("reminders")
        if not isinstance(actor, Actor):
            return actor
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

    @rx.event
    def add_reminder(self, form_data: dict):
        actor = self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        self.add_errors = self._save(actor, form_data, None)
        if not self.add_errors:
            self.add_key += 1
            return rx.toast.success(t("reminders.saved", self.lang))
        return None

    @rx.event
    def edit_reminder(self, reminder_id: int):
        self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        row = next((r for r in self.reminder_rows if r.id == parse_id(reminder_id)), None)
        if row is None:
            return
        self._editing = row.id
        self.edit_values, self.edit_errors = {"due_on": row.due_iso, "text": row.text}, {}
        self.edit_key += 1
        self.edit_open = True

    @rx.event
    def save_edit(self, form_data: dict):
        actor = self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        if self._editing is None:
            return None
        self.edit_errors = self._save(actor, form_data, self._editing)
        if not self.edit_errors:
            self.edit_open = False
            return rx.toast.success(t("reminders.saved", self.lang))
        return None

    @rx.event
    def edit_dialog_changed(self, is_open: bool):
        self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        if is_open is not True:
            self.edit_open = False

    @rx.event
    def ask_delete(self, reminder_id: int):
        self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        row = next((r for r in self.reminder_rows if r.id == parse_id(reminder_id)), None)
        if row is None:
            return
        self._deleting = row.id
        self.delete_text = t("reminders.delete_confirm", self.lang, text=row.text)
        self.delete_open = True

    @rx.event
    def delete_dialog_changed(self, is_open: bool):
        self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        if is_open is not True:
            self.delete_open = False

    @rx.event
    def confirm_delete(self):
        actor = self._authorize_module(Perm.PORTAL_ACCESS, "reminders")
        self.delete_open = False
        if self._deleting is None:
            return None
        try:
            with session_scope(write=True) as session:
                reminders.delete_reminder(session=session, actor=actor, reminder_id=self._deleting)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._deleting = None
        self._load(actor)
        return rx.toast.success(t("reminders.deleted", self.lang))


# Support requests -------------------------------------------------------------------------


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
class MessageView:
    author: str
    from_office: bool
    body: str
    at: str


def _ticket_view(row: tickets.TicketRow, lang: str) -> TicketView:
    return TicketView(row.id, row.customer_id, row.customer, row.subject, t(f"tickets.status.{row.status}", lang),
                      STATUS_COLORS[row.status], row.opened_by, row.assigned_to, format_datetime(row.updated_at, lang))


class TicketThreadMixin(rx.State, mixin=True):
    """The open request's thread, shared by the reserved area's and the office's pages."""

    thread_open: bool = False
    thread_title: str = ""
    thread_status: str = ""
    thread_closed: bool = False
    thread_messages: list[MessageView] = []
    reply_errors: dict[str, str] = {}
    reply_key: int = 0
    _thread_id: int | None = None

    def _show_thread(self, actor: Actor, ticket_id: int) -> None:
        with session_scope() as session:
            found = tickets.thread(session=session, actor=actor, ticket_id=ticket_id)
        self._thread_id = found.ticket.id
        self.thread_title = f"#{found.ticket.id} · {found.ticket.subject}"
        self.thread_status = t(f"tickets.status.{found.ticket.status}", self.lang)
        self.thread_closed = found.ticket.status == "closed"
        self.thread_messages = [
            MessageView(m.author if not m.from_office else f"{m.author} · {t('tickets.office', self.lang)}",
                        m.from_office, m.body, format_datetime(m.at, self.lang))
            for m in found.messages
        ]
        self.reply_errors = {}
        self.thread_open = True

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
                tickets.reply(session=session, actor=actor, ticket_id=self._thread_id, body=body)
        except DomainError as error:
            self.reply_errors = field_messages(error, self.lang)
            return False
        self.reply_key += 1
        self._show_thread(actor, self._thread_id)
        return True


class SupportState(TicketThreadMixin, SessionState):
    ticket_rows: list[TicketView] = []
    new_open: bool = False
    new_errors: dict[str, str] = {}
    new_key: int = 0

    @rx.event
    def load_support(self):
        actor = self._enter_module("support")
        if not isinstance(actor, Actor):
            return actor
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            page = tickets.list_tickets(session=session, actor=actor, limit=100)
        self.ticket_rows = [_ticket_view(r, self.lang) for r in page.rows]

    @rx.event
    def toggle_new(self):
        self._authorize_module(Perm.PORTAL_ACCESS, "support")
        self.new_open, self.new_errors = not self.new_open, {}

    @rx.event
    def open_new_ticket(self, form_data: dict):
        actor = self._authorize_module(Perm.PORTAL_ACCESS, "support")
        try:
            with session_scope(write=True) as session:
                ticket = tickets.open_ticket(session=session, actor=actor, raw=form_data)
                number = ticket.id
        except DomainError as error:
            self.new_errors = field_messages(error, self.lang)
            return None
        self.new_open, self.new_errors = False, {}
        self.new_key += 1
        self._load(actor)
        return rx.toast.success(t("tickets.opened", self.lang, number=number))

    @rx.event
    def show_ticket(self, ticket_id: int):
        return self._open_thread(self._authorize_module(Perm.PORTAL_ACCESS, "support"), ticket_id)

    @rx.event
    def thread_dialog_changed(self, is_open: bool):
        self._authorize_module(Perm.PORTAL_ACCESS, "support")
        if is_open is not True:
            self.thread_open = False

    @rx.event
    def send_reply(self, form_data: dict):
        actor = self._authorize_module(Perm.PORTAL_ACCESS, "support")
        if self._reply(actor, form_data):
            self._load(actor)
            return rx.toast.success(t("tickets.sent", self.lang))
        return None


class OfficeTicketsState(TicketThreadMixin, KeysetPaging, SessionState):
    status_filter: str = "open"
    ticket_rows: list[TicketView] = []
    close_open: bool = False
    close_text: str = ""

    @rx.event
    def load_tickets(self):
        actor = self._enter(Perm.TICKETS_ANSWER)
        if not isinstance(actor, Actor):
            return actor
        self._first_page()
        self._fetch(actor)

    def _fetch(self, actor: Actor) -> None:
        status = "" if self.status_filter == "all" else self.status_filter
        with session_scope() as session:
            page = tickets.list_tickets(session=session, actor=actor, status=status, before_id=self._cursor)
        self.ticket_rows = [_ticket_view(r, self.lang) for r in page.rows]
        self._page_loaded(page.next_before_id)

    @rx.event
    def filter_status(self, value: str | list[str]):
        actor = self._authorize(Perm.TICKETS_ANSWER)
        self.status_filter = parse_choice(value, (*tickets.STATUSES, "all")) or "open"
        self._first_page()
        self._fetch(actor)

    @rx.event
    def next_page(self):
        actor = self._authorize(Perm.TICKETS_ANSWER)
        if self._forward():
            self._fetch(actor)

    @rx.event
    def previous_page(self):
        actor = self._authorize(Perm.TICKETS_ANSWER)
        if self._back():
            self._fetch(actor)

    @rx.event
    def show_ticket(self, ticket_id: int):
        return self._open_thread(self._authorize(Perm.TICKETS_ANSWER), ticket_id)

    @rx.event
    def thread_dialog_changed(self, is_open: bool):
        self._authorize(Perm.TICKETS_ANSWER)
        if is_open is not True:
            self.thread_open = False

    @rx.event
    def send_reply(self, form_data: dict):
        actor = self._authorize(Perm.TICKETS_ANSWER)
        if self._reply(actor, form_data):
            self._fetch(actor)
            return rx.toast.success(t("tickets.sent", self.lang))
        return None

    @rx.event
    def ask_close(self):
        self._authorize(Perm.TICKETS_ANSWER)
        if self._thread_id is not None:
            self.close_text = t("tickets.close_confirm", self.lang, number=self._thread_id)
            self.close_open = True

    @rx.event
    def close_dialog_changed(self, is_open: bool):
        self._authorize(Perm.TICKETS_ANSWER)
        if is_open is not True:
            self.close_open = False

    @rx.event
    def confirm_close(self):
        actor = self._authorize(Perm.TICKETS_ANSWER)
        self.close_open = False
        if self._thread_id is None:
            return None
        try:
            with session_scope(write=True) as session:
                tickets.close_ticket(session=session, actor=actor, ticket_id=self._thread_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._show_thread(actor, self._thread_id)
        self._fetch(actor)
        return None


# Office settings for the reserved area ----------------------------------------------------


@dataclasses.dataclass
class ProfileView:
    id: int
    code: str
    name: str
    modules: str
    is_default: bool


@dataclasses.dataclass
class ModuleChoice:
    key: str
    label: str
    included: bool


class PortalSettingsState(SessionState):
    assignee: str = ""
    assignee_options: list[list[str]] = []
    profile_rows: list[ProfileView] = []
    profile_open: bool = False
    profile_values: dict[str, str] = {}
    profile_errors: dict[str, str] = {}
    profile_key: int = 0
    module_choices: list[ModuleChoice] = []
    _editing_profile: int | None = None

    @rx.event
    def load_portal_settings(self):
        actor = self._enter(Perm.SETTINGS_MANAGE)
        if not isinstance(actor, Actor):
            return actor
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            staff = customers.staff_choices(session=session, actor=actor)
            current = tickets.ticket_assignee(session)
            profiles = portal_profiles.list_profiles(session=session, actor=actor)
        self.assignee_options = [[str(i), name] for i, name in staff]
        self.assignee = str(current.id) if current else ""
        self.profile_rows = [
            ProfileView(p.id, p.code, p.name, " → ".join(t(f"module.{m}", self.lang) for m in p.modules), p.is_default)
            for p in profiles
        ]

    @rx.event
    def set_assignee(self, value: str):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        user_id = parse_id(value)
        try:
            with session_scope(write=True) as session:
                tickets.set_ticket_assignee(session=session, actor=actor, user_id=user_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._load(actor)
        return rx.toast.success(t("settings.saved", self.lang))

    @rx.event
    def new_profile(self):
        self._authorize(Perm.SETTINGS_MANAGE)
        self._editing_profile = None
        self._open_profile({"code": "", "name": "", "is_default": ""}, [])

    @rx.event
    def edit_profile(self, profile_id: int):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        with session_scope() as session:
            profile = next((p for p in portal_profiles.list_profiles(session=session, actor=actor)
                            if p.id == parse_id(profile_id)), None)
        if profile is None:
            return
        self._editing_profile = profile.id
        self._open_profile({"code": profile.code, "name": profile.name, "is_default": "on" if profile.is_default
                            else ""}, list(profile.modules))

    def _open_profile(self, values: dict[str, str], modules: list[str]) -> None:
        rest = [m for m in MODULES if m not in modules]
        self.module_choices = [ModuleChoice(m, t(f"module.{m}", self.lang), m in modules) for m in [*modules, *rest]]
        self.profile_values, self.profile_errors = values, {}
        self.profile_key += 1
        self.profile_open = True

    @rx.event
    def toggle_module(self, key: str):
        self._authorize(Perm.SETTINGS_MANAGE)
        self.module_choices = [dataclasses.replace(m, included=not m.included) if m.key == key else m
                               for m in self.module_choices]

    @rx.event
    def move_module(self, key: str, step: int):
        self._authorize(Perm.SETTINGS_MANAGE)
        keys = [m.key for m in self.module_choices]
        if key not in keys or step not in (-1, 1):
            return
        i = keys.index(key)
        j = i + step
        if 0 <= j < len(keys):
            choices = list(self.module_choices)
            choices[i], choices[j] = choices[j], choices[i]
            self.module_choices = choices

    @rx.event
    def profile_dialog_changed(self, is_open: bool):
        self._authorize(Perm.SETTINGS_MANAGE)
        if is_open is not True:
            self.profile_open = False

    @rx.event
    def save_profile(self, form_data: dict):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        form = form_data if isinstance(form_data, dict) else {}
        raw = {"code": form.get("code"), "name": form.get("name"), "is_default": form.get("is_default"),
               "modules": [m.key for m in self.module_choices if m.included]}
        self.profile_values = {k: str(form.get(k) or "") for k in ("code", "name", "is_default")}
        try:
            with session_scope(write=True) as session:
                portal_profiles.save_profile(session=session, actor=actor, raw=raw,
                                             profile_id=self._editing_profile)
        except DomainError as error:
            self.profile_errors = field_messages(error, self.lang)
            return None
        self.profile_open = False
        self._load(actor)
        return rx.toast.success(t("settings.saved", self.lang))


class MailTemplatesState(SessionState):
    template_key: str = "invite"
    template_lang: str = "it"
    template_subject: str = ""
    template_body: str = ""
    template_placeholders: str = ""
    template_custom: bool = False
    template_errors: dict[str, str] = {}
    template_form_key: int = 0

    @rx.var
    def template_options(self) -> list[list[str]]:
        return [[key, t(f"templates.name.{key}", self.lang)] for key in TEMPLATES]

    @rx.event
    def load_templates(self):
        actor = self._enter(Perm.SETTINGS_MANAGE)
        if not isinstance(actor, Actor):
            return actor
        self._show_template(actor)

    def _show_template(self, actor: Actor) -> None:
        with session_scope() as session:
            text = mail_templates.read_template(session=session, actor=actor, key=self.template_key,
                                                lang=self.template_lang)
        self.template_subject, self.template_body = text.subject, text.body
        self.template_placeholders = t("templates.placeholders", self.lang,
                                       names=", ".join("{" + p + "}" for p in text.placeholders))
        self.template_custom, self.template_errors = text.customized, {}
        self.template_form_key += 1

    @rx.event
    def pick_template(self, key: str):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        self.template_key = parse_choice(key, tuple(TEMPLATES)) or "invite"
        self._show_template(actor)

    @rx.event
    def pick_language(self, lang: str | list[str]):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        self.template_lang = parse_choice(lang, LANGUAGES) or "it"
        self._show_template(actor)

    @rx.event
    def save_template(self, form_data: dict):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        form = form_data if isinstance(form_data, dict) else {}
        self.template_subject = str(form.get("subject") or "")
        self.template_body = str(form.get("body") or "")
        try:
            with session_scope(write=True) as session:
                mail_templates.save_template(session=session, actor=actor, key=self.template_key,
                                             lang=self.template_lang, subject=form.get("subject"),
                                             body=form.get("body"))
        except DomainError as error:
            self.template_errors = field_messages(error, self.lang)
            return None
        self._show_template(actor)
        return rx.toast.success(t("templates.saved", self.lang))

    @rx.event
    def reset_template(self):
        actor = self._authorize(Perm.SETTINGS_MANAGE)
        with session_scope(write=True) as session:
            mail_templates.reset_template(session=session, actor=actor, key=self.template_key,
                                          lang=self.template_lang)
        self._show_template(actor)
        return rx.toast.success(t("templates.reset_done", self.lang))
