"""Interventions in the three areas: the office's planning calendar and list, the card's Interventi tab
and the planning form they share; the technician's agenda and intervention sheet; the reserved area's
list. Every handler names who may call it; which intervention is theirs is decided by the service."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import quote_plus

import reflex as rx

from app.components.draft_form import clear_draft
from app.db import session_scope
from app.domain.customer_rules import display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import InterventionInput, parse_moment, read_day, search_text
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import InterventionStatus
from app.i18n import t
from app.i18n.formats import TIME_ZONE, format_datetime, format_quantity
from app.models.base import as_utc
from app.services import customers, interventions, tickets
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.documents import download_url
from app.state.lists import Choice, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages, guarded, off_the_loop

STATUS_COLORS = {InterventionStatus.PLANNED: "blue", InterventionStatus.IN_PROGRESS: "amber",
                 InterventionStatus.CLOSED: "green", InterventionStatus.CANCELLED: "gray"}
# One colour per technician on the calendar, in the order of their ids: Radix's step 11 of each hue, dark
# enough for white text at the AA contrast ratio, readable on light and dark pages.
PALETTE = ("#3a5bc7", "#ce2c31", "#218358", "#cc4e00", "#8145b5", "#0d74ce", "#c2298a", "#008573", "#a35829",
           "#5151cd", "#c41c5e", "#2a7e3b")
FORM_FIELDS = ("site_id", "type_id", "starts_at", "ends_at", "description", "contact_id", "ticket_id")
UPLOAD_ID = "intervention-photos"


def local_input(moment: datetime | None) -> str:
    """A moment as a date-and-time field shows it: local time in Italy, to the minute."""
    return as_utc(moment).astimezone(TIME_ZONE).strftime("%Y-%m-%dT%H:%M") if moment else ""


def maps_url(address: str) -> str:
    """Opens the address in the phone's maps app (or in the browser's maps on a desktop)."""
    return f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}" if address else ""


def _time_range(row: interventions.InterventionRow, lang: str) -> str:
    start, end = format_datetime(row.starts_at, lang), format_datetime(row.ends_at, lang)
    same_day = start[:10] == end[:10]
    return f"{start} – {end[11:] if same_day else end}"


@dataclasses.dataclass
class InterventionView:
    id: int
    number: str
    customer: str
    customer_url: str
    site: str
    address: str
    maps_url: str
    kind: str
    when: str
    time: str  # the hours only, for a day's agenda
    status: str
    status_label: str
    status_color: str
    technicians: str
    description: str
    sheet_url: str
    field_url: str


def view_of(row: interventions.InterventionRow, lang: str) -> InterventionView:
    status = InterventionStatus(row.status)
    start = as_utc(row.starts_at).astimezone(TIME_ZONE)
    end = as_utc(row.ends_at).astimezone(TIME_ZONE)
    return InterventionView(
        id=row.id, number=row.number, customer=row.customer_name,
        customer_url=f"/office/customer?id={row.customer_id}", site=row.site_name, address=row.site_address,
        maps_url=maps_url(row.site_address), kind=row.type_name, when=_time_range(row, lang),
        time=f"{start:%H:%M}–{end:%H:%M}", status=status.value, status_label=t(status.label_key, lang),
        status_color=STATUS_COLORS[status], technicians=", ".join(row.technicians), description=row.description,
        sheet_url="", field_url=f"/field/intervention?id={row.id}",
    )


def _with_sheet(view: InterventionView, sheet_id: int | None) -> InterventionView:
    view.sheet_url = download_url(sheet_id) if sheet_id else ""
    return view


@dataclasses.dataclass
class MaterialView:
    description: str
    quantity: str
    unit: str


@dataclasses.dataclass
class NoteView:
    author: str
    body: str
    when: str
    is_correction: bool


@dataclasses.dataclass
class PhotoView:
    name: str
    url: str


@dataclasses.dataclass
class PreviousView:
    number: str
    when: str
    kind: str
    status_label: str
    work: str
    notes: list[NoteView]


def _notes(rows: tuple, lang: str) -> list[NoteView]:
    return [NoteView(n.author, n.body, format_datetime(n.created_at, lang), n.is_correction) for n in rows]


# The planning form ----------------------------------------------------------------------------------


class PlanningForm(Dialogs, mixin=True):
    """The form that plans or changes an intervention, in a dialog: on the card (the customer is the
    card's) and on the calendar (the planner picks the customer first)."""

    # Whether the planner picks the customer (the calendar) or the form is for one (the card).
    picks_customer: ClassVar[bool] = True
    form_values: dict[str, str] = {}
    form_errors: dict[str, str] = {}
    form_key: int = 0
    form_title: str = ""
    form_customer: str = ""
    form_technicians: list[str] = []
    # Shown after a double-booking warning: ticking it saves anyway.
    overlap_warning: str = ""
    site_choices: list[Choice] = []
    contact_choices: list[Choice] = []
    # The customer's open support requests a new intervention may answer (empty: none, or an edit).
    ticket_choices: list[Choice] = []
    type_choices: list[Choice] = []
    technician_choices: list[Choice] = []
    customer_hits: list[Choice] = []
    _form_customer_id: int = 0
    _editing_id: int = 0
    _editing_version: int = 0

    def _load_choices(self, actor: Actor, session) -> None:  # noqa: ANN001
        self.type_choices = [Choice(str(k.id), interventions.type_name(k, self.lang))
                             for k in interventions.list_types(session=session)]
        self.technician_choices = [Choice(str(i), name)
                                   for i, name in interventions.list_technicians(session=session, actor=actor)]

    def _load_customer(self, actor: Actor, session, customer_id: int) -> None:  # noqa: ANN001
        customer = customers.get_customer(session=session, actor=actor, customer_id=customer_id)
        sites = customers.list_sites(session=session, actor=actor, customer_id=customer_id)
        contacts = customers.list_contacts(session=session, actor=actor, customer_id=customer_id)
        self._form_customer_id = customer.id
        self.form_customer = f"{customer.display_name} ({customer.code})"
        self.site_choices = [Choice(str(s.id), s.name + (f" – {interventions.site_address(s)}"
                                                         if interventions.site_address(s) else "")) for s in sites]
        self.contact_choices = [Choice("", t("interventions.no_contact", self.lang))] + [
            Choice(str(c.id), f"{c.first_name} {c.last_name}" + (f" – {display_phone(c.phone)}" if c.phone else ""))
            for c in contacts]
        self.ticket_choices = []
        if not self._editing_id:
            default = next((s for s in sites if s.is_default), sites[0] if sites else None)
            self.form_values = {**self.form_values, "site_id": str(default.id) if default else "",
                                "contact_id": "", "ticket_id": ""}
            open_tickets = tickets.plannable_tickets(session=session, actor=actor, customer_id=customer_id)
            if open_tickets:
                self.ticket_choices = [Choice("", t("interventions.no_ticket", self.lang))] + [
                    Choice(str(ticket_id), f"#{ticket_id} {subject}") for ticket_id, subject in open_tickets]

    def _open_form(self, actor: Actor, customer_id: int | None, starts_at: datetime | None = None,
                   ends_at: datetime | None = None) -> None:
        start = starts_at or (datetime.now(TIME_ZONE) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                                   microsecond=0)
        end = ends_at if ends_at and ends_at > start else start + timedelta(hours=2)
        self._editing_id, self._editing_version, self._form_customer_id = 0, 0, 0
        self.form_customer, self.customer_hits, self.site_choices, self.contact_choices = "", [], [], []
        self.ticket_choices = []
        self.form_values = {name: "" for name in FORM_FIELDS} | {"starts_at": local_input(start),
                                                                 "ends_at": local_input(end)}
        self.form_technicians, self.form_errors, self.overlap_warning = [], {}, ""
        with session_scope() as session:
            self._load_choices(actor, session)
            if customer_id:
                self._load_customer(actor, session, customer_id)
        if self.type_choices:
            self.form_values["type_id"] = self.type_choices[0].value
        self.form_title = t("interventions.plan_title", self.lang)
        self.form_key += 1
        self._open_dialog("plan")

    def _open_edit(self, actor: Actor, intervention_id: int) -> rx.event.EventSpec | None:
        try:
            with session_scope() as session:
                found = interventions.detail(session=session, actor=actor, intervention_id=intervention_id)
                self._editing_id = 0
                self._load_choices(actor, session)
                self._editing_id, self._editing_version = found.row.id, found.version
                self._load_customer(actor, session, found.row.customer_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        row = found.row
        self.form_values = {"site_id": str(found.site_id), "type_id": str(row.type_id),
                            "starts_at": local_input(row.starts_at), "ends_at": local_input(row.ends_at),
                            "description": row.description, "contact_id": str(found.contact_id or ""),
                            "ticket_id": ""}
        self.form_technicians = [str(i) for i in row.technician_ids]
        self.form_errors, self.overlap_warning, self.customer_hits = {}, "", []
        self.form_title = t("interventions.edit_title", self.lang, number=row.number)
        self.form_key += 1
        self._open_dialog("plan")
        return None

    @guarded(Perm.INTERVENTIONS_PLAN)
    def find_customer(self, actor: Actor, text: str):
        query = search_text(text)
        if len(query) < 2:
            self.customer_hits = []
            return
        with session_scope() as session:
            page = customers.search_customers(session=session, actor=actor, query=query, status="active", limit=8)
        self.customer_hits = [Choice(str(r.id), f"{r.name} ({r.code})") for r in page.rows]

    @guarded(Perm.INTERVENTIONS_PLAN)
    def pick_customer(self, actor: Actor, customer_id: str):
        key = parse_id(customer_id)
        if key is None or self._editing_id or not self.picks_customer or not self._is_open("plan"):
            return None
        try:
            with session_scope() as session:
                self._load_customer(actor, session, key)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self.customer_hits = []
        self.form_key += 1
        return None

    @guarded(Perm.INTERVENTIONS_PLAN)
    def toggle_technician(self, actor: Actor, technician_id: str, ticked: bool):
        chosen = [i for i in self.form_technicians if i != technician_id]
        self.form_technicians = [*chosen, technician_id] if ticked is True else chosen

    @guarded(Perm.INTERVENTIONS_PLAN)
    def save_plan(self, actor: Actor, form_data: dict):
        if not self._is_open("plan"):
            return None
        raw = {k: v for k, v in (form_data if isinstance(form_data, dict) else {}).items() if isinstance(k, str)}
        raw["technician_ids"] = list(self.form_technicians)
        if not self._form_customer_id:
            self.form_errors = {"customer": t("interventions.err.customer", self.lang)}
            return None
        try:
            with session_scope(write=True) as session:
                if self._editing_id:
                    saved = interventions.update(session=session, actor=actor, intervention_id=self._editing_id,
                                                 raw=raw, expected_version=self._editing_version)
                else:
                    saved = interventions.plan(session=session, actor=actor, customer_id=self._form_customer_id,
                                               raw=raw)
                number = saved.number
        except DomainError as error:
            messages = field_messages(error, self.lang)
            self.form_values = {**self.form_values, **{k: v for k, v in InterventionInput.echo(raw).items()
                                                       if k in FORM_FIELDS}}
            self.overlap_warning = messages.pop("technician_ids", "") if \
                error.errors.get("technician_ids") == "interventions.err.double_booked" else ""
            self.form_errors = messages
            self.form_key += 1
            return None
        self._close_dialog("plan")
        self._after_save(actor)
        return rx.toast.success(t("interventions.saved", self.lang, number=number))

    def _after_save(self, actor: Actor) -> None:
        raise NotImplementedError


class InterventionActions(PlanningForm, mixin=True):
    """Opening one intervention from a list or the calendar: its details, changing it, cancelling it
    with a reason, adding a note."""

    shown: InterventionView | None = None
    shown_cancel_reason: str = ""
    shown_work: str = ""
    shown_signer: str = ""
    shown_materials: list[MaterialView] = []
    shown_notes: list[NoteView] = []
    shown_editable: bool = False
    cancel_error: str = ""
    note_error: str = ""
    note_key: int = 0
    can_plan: bool = False
    _shown_id: int = 0
    _shown_version: int = 0

    def _show_detail(self, actor: Actor, intervention_id: int) -> rx.event.EventSpec | None:
        try:
            with session_scope() as session:
                found = interventions.detail(session=session, actor=actor, intervention_id=intervention_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._shown_id, self._shown_version = found.row.id, found.version
        self.shown = _with_sheet(view_of(found.row, self.lang), found.sheet_id)
        self.shown_cancel_reason = found.cancel_reason or ""
        self.shown_work = found.work_done or ""
        self.shown_signer = found.signer_name or ""
        self.shown_materials = [MaterialView(m.description, format_quantity(m.quantity), m.unit or "")
                                for m in found.materials]
        self.shown_notes = _notes(found.notes, self.lang)
        self.shown_editable = found.row.status in (InterventionStatus.PLANNED, InterventionStatus.IN_PROGRESS)
        self.cancel_error, self.note_error = "", ""
        self.note_key += 1
        self._open_dialog("detail")
        return None

    @guarded(Perm.CUSTOMERS_READ)
    def open_intervention(self, actor: Actor, intervention_id: str | int):
        key = parse_id(intervention_id)
        if key is None:
            return None
        self.can_plan = has_perm(actor, Perm.INTERVENTIONS_PLAN)
        return self._show_detail(actor, key)

    @guarded(Perm.CUSTOMERS_READ)
    def open_event(self, actor: Actor, info: dict):
        """An intervention clicked on the calendar."""
        key = parse_id(info.get("id")) if isinstance(info, dict) else None
        if key is None:
            return None
        self.can_plan = has_perm(actor, Perm.INTERVENTIONS_PLAN)
        return self._show_detail(actor, key)

    @guarded(Perm.INTERVENTIONS_PLAN)
    def edit_shown(self, actor: Actor):
        if not self._shown_id or not self._is_open("detail"):
            return None
        self._close_dialog("detail")
        return self._open_edit(actor, self._shown_id)

    @guarded(Perm.INTERVENTIONS_PLAN)
    def cancel_shown(self, actor: Actor, form_data: dict):
        if not self._shown_id or not self._is_open("detail"):
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                interventions.cancel(session=session, actor=actor, intervention_id=self._shown_id, raw=raw,
                                     expected_version=self._shown_version)
        except DomainError as error:
            self.cancel_error = next(iter(field_messages(error, self.lang).values()), "")
            return None
        self._close_dialog("detail")
        self._after_save(actor)
        return rx.toast.success(t("interventions.cancelled", self.lang))

    @guarded(Perm.INTERVENTIONS_PLAN)
    def add_shown_note(self, actor: Actor, form_data: dict):
        if not self._shown_id or not self._is_open("detail"):
            return None
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                interventions.add_note(session=session, actor=actor, intervention_id=self._shown_id, raw=raw)
        except DomainError as error:
            self.note_error = next(iter(field_messages(error, self.lang).values()), "")
            return None
        return self._show_detail(actor, self._shown_id)


# The office: calendar and list ------------------------------------------------------------------------


LIST_FILTERS = ("status", "technician", "q", "date_from", "date_to")
LIST_DEFAULTS = {"view": "calendar", "status": "all", "technician": "all"}


@dataclasses.dataclass
class Legend:
    name: str
    color: str


class OfficeInterventionsState(KeysetPaging, InterventionActions, SessionState):
    list_permission: ClassVar[Perm] = Perm.CUSTOMERS_READ
    view: str = "calendar"  # calendar | list
    events: list[dict] = []
    legend: list[Legend] = []
    rows: list[InterventionView] = []
    filter_values: dict[str, str] = {}
    filter_key: int = 0
    calendar_technicians: list[str] = []
    calendar_types: list[str] = []
    _range: tuple = ()
    _colors: dict[int, str] = {}

    @guarded(Perm.CUSTOMERS_READ, page=True)
    def load_page(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self.can_plan = has_perm(actor, Perm.INTERVENTIONS_PLAN)
        self.view = "list" if query_param(params, "view") == "list" else "calendar"
        self._set_filters({name: query_param(params, name) for name in LIST_FILTERS})
        self.filter_key += 1
        with session_scope() as session:
            self._load_choices(actor, session)
        self._colors = {int(c.value): PALETTE[i % len(PALETTE)] for i, c in enumerate(self.technician_choices)}
        self.legend = [Legend(c.label, PALETTE[i % len(PALETTE)]) for i, c in enumerate(self.technician_choices)]
        self._first_page()
        if self.view == "list":
            self._fetch(actor)
        elif self._range:
            self._load_events(actor)

    def _filters(self) -> interventions.ListFilters:
        values = self.filter_values
        return interventions.ListFilters(
            status=values.get("status") if values.get("status") != "all" else None,
            technician_id=parse_id(values.get("technician")), customer_text=values.get("q", ""),
            date_from=read_day(values.get("date_from")), date_to=read_day(values.get("date_to")))

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            rows, after = interventions.list_page(session=session, actor=actor, filters=self._filters(),
                                                  after=self._cursor)
        self.rows = [_with_sheet(view_of(r, self.lang), r.sheet_id) for r in rows]
        self._page_loaded(after)

    def _set_filters(self, raw: dict) -> None:
        self.filter_values = {name: search_text(raw.get(name)) or LIST_DEFAULTS.get(name, "") for name in LIST_FILTERS}

    def _keep_in_address(self) -> rx.event.EventSpec:
        return keep_in_address("/office/interventions", {"view": self.view, **self.filter_values}, LIST_DEFAULTS)

    @guarded(Perm.CUSTOMERS_READ)
    def apply_filters(self, actor: Actor, form_data: dict):
        self._set_filters(form_data if isinstance(form_data, dict) else {})
        self._restart(actor)
        return self._keep_in_address()

    @guarded(Perm.CUSTOMERS_READ)
    def show_view(self, actor: Actor, view: str | list[str]):
        self.view = "list" if view == "list" else "calendar"
        if self.view == "list":
            self._restart(actor)
        elif self._range:
            self._load_events(actor)
        return self._keep_in_address()

    @guarded(Perm.CUSTOMERS_READ)
    def range_changed(self, actor: Actor, info: dict):
        """The calendar shows another month, week or day: only that range's interventions are sent."""
        info = info if isinstance(info, dict) else {}
        try:
            start, end = parse_moment(info.get("start")), parse_moment(info.get("end"))
        except Exception:  # noqa: BLE001 - the calendar sends what it sends; anything unreadable shows nothing
            return
        if start is None or end is None or end <= start:
            return
        self._range = (start, min(end, start + timedelta(days=62)))
        self._load_events(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def filter_calendar(self, actor: Actor, form_data: dict):
        raw = form_data if isinstance(form_data, dict) else {}
        self.calendar_technicians = [str(i) for i in [parse_id(raw.get("technician"))] if i]
        self.calendar_types = [str(i) for i in [parse_id(raw.get("type"))] if i]
        if self._range:
            self._load_events(actor)

    def _load_events(self, actor: Actor) -> None:
        start, end = self._range
        with session_scope() as session:
            rows = interventions.calendar(
                session=session, actor=actor, start=start, end=end,
                technician_ids=tuple(int(i) for i in self.calendar_technicians),
                type_ids=tuple(int(i) for i in self.calendar_types))
        events = []
        for row in rows:
            color = self._colors.get(row.technician_ids[0], "#8b8d98") if row.technician_ids else "#8b8d98"
            events.append({
                "id": str(row.id), "title": f"{row.type_name} · {row.customer_name}",
                "start": as_utc(row.starts_at).isoformat(), "end": as_utc(row.ends_at).isoformat(),
                "backgroundColor": color, "borderColor": color,
                "extendedProps": {"number": row.number, "technicians": ", ".join(row.technicians),
                                  "status": row.status},
            })
        self.events = events

    @guarded(Perm.INTERVENTIONS_PLAN)
    def plan_at(self, actor: Actor, info: dict):
        """A free slot clicked or selected on the calendar: the form opens at that time."""
        info = info if isinstance(info, dict) else {}
        try:
            start, end = parse_moment(info.get("start")), parse_moment(info.get("end"))
        except Exception:  # noqa: BLE001
            start, end = None, None
        if start is not None and info.get("all_day") is True:
            start = datetime.combine(start.astimezone(TIME_ZONE).date(), datetime.min.time(),
                                     tzinfo=TIME_ZONE).replace(hour=9)
            end = start + timedelta(hours=2)
        self._open_form(actor, None, start.astimezone(TIME_ZONE) if start else None,
                        end.astimezone(TIME_ZONE) if end else None)

    @guarded(Perm.INTERVENTIONS_PLAN)
    def plan_new(self, actor: Actor):
        self._open_form(actor, None)

    def _after_save(self, actor: Actor) -> None:
        if self.view == "list":
            self._fetch(actor)
        elif self._range:
            self._load_events(actor)


# The customer card's tab ---------------------------------------------------------------------------------


class InterventionsTab(CardTab, InterventionActions, CustomerCardState):
    picks_customer: ClassVar[bool] = False
    card_rows: list[InterventionView] = []

    def _fetch(self, actor: Actor) -> None:
        self.can_plan = has_perm(actor, Perm.INTERVENTIONS_PLAN)
        with session_scope() as session:
            rows = interventions.customer_interventions(session=session, actor=actor, customer_id=self.customer_id)
        self.card_rows = [_with_sheet(view_of(r, self.lang), r.sheet_id) for r in rows]

    @guarded(Perm.INTERVENTIONS_PLAN)
    def plan_for_card(self, actor: Actor):
        if self._current():
            self._open_form(actor, self.customer_id)

    def _after_save(self, actor: Actor) -> None:
        if self._current():
            self._fetch(actor)


register_tab("interventions", InterventionsTab.load)


# The field area -------------------------------------------------------------------------------------------


class FieldAgendaState(SessionState):
    agenda_today: list[InterventionView] = []
    agenda_week: list[InterventionView] = []
    next_id: int = 0

    @guarded(Perm.INTERVENTIONS_WORK, page=True)
    def load_agenda(self, actor: Actor):
        today = datetime.now(TIME_ZONE).date()
        with session_scope() as session:
            found = interventions.agenda(session=session, actor=actor, today=today)
        self.agenda_today = [view_of(r, self.lang) for r in found.today]
        self.agenda_week = [view_of(r, self.lang) for r in found.week]
        now = datetime.now(UTC)
        upcoming = next((r for r in found.today if r.status == InterventionStatus.IN_PROGRESS), None) or next(
            (r for r in found.today if r.status == InterventionStatus.PLANNED and as_utc(r.ends_at) >= now), None)
        self.next_id = upcoming.id if upcoming else 0


class FieldInterventionState(SessionState):
    """One intervention on the technician's phone. What they type and the drawn signature live in the
    browser's draft until the server confirms the closing (components/draft_form.py)."""

    item: InterventionView | None = None
    contact_name: str = ""
    contact_phone: str = ""  # as the card shows it: 362 952 9353
    contact_tel: str = ""  # as the phone dials it: +393629529353
    contact_email: str = ""
    work_done: str = ""
    minutes_spent: str = ""
    materials: list[MaterialView] = []
    notes: list[NoteView] = []
    photos: list[PhotoView] = []
    previous: list[PreviousView] = []
    signer: str = ""
    errors: dict[str, str] = {}
    form_key: int = 0
    material_rows: int = 1
    upload_progress: int = 0
    upload_errors: list[str] = []
    note_error: str = ""
    _id: int = 0

    @rx.var
    def draft_key(self) -> str:
        return f"intervention-draft-{self.item.id}" if self.item is not None else ""

    def _load(self, actor: Actor, intervention_id: int) -> bool:
        try:
            with session_scope() as session:
                found = interventions.detail(session=session, actor=actor, intervention_id=intervention_id)
        except DomainError:
            self.item, self._id = None, 0
            return False
        lang = self.lang
        self._id = found.row.id
        self.item = _with_sheet(view_of(found.row, lang), found.sheet_id)
        self.contact_name = found.contact_name or ""
        self.contact_phone = display_phone(found.contact_phone) if found.contact_phone else ""
        self.contact_tel = found.contact_phone or ""
        self.contact_email = found.contact_email or ""
        self.work_done = found.work_done or ""
        self.minutes_spent = str(found.minutes_spent or "")
        self.materials = [MaterialView(m.description, format_quantity(m.quantity), m.unit or "")
                          for m in found.materials]
        self.material_rows = max(1, len(self.materials))
        self.notes = _notes(found.notes, lang)
        self.photos = [PhotoView(p.name, download_url(p.id)) for p in found.photos]
        self.previous = [PreviousView(r.number, format_datetime(r.starts_at, lang), r.type_name,
                                      t(InterventionStatus(r.status).label_key, lang), work or "", _notes(notes, lang))
                         for r, work, notes in found.previous]
        self.signer = found.signer_name or ""
        self.errors, self.upload_errors, self.note_error = {}, [], ""
        self.form_key += 1
        return True

    @guarded(Perm.INTERVENTIONS_WORK, page=True)
    def load_intervention(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self._load(actor, parse_id(params.get("id")) or 0)
        if self.item is not None and self.item.status not in (InterventionStatus.PLANNED,
                                                                InterventionStatus.IN_PROGRESS):
            return clear_draft(self.draft_key)  # closed (perhaps from another device) or cancelled: nothing to keep
        return None

    def _act(self, actor: Actor, use_case) -> rx.event.EventSpec | None:  # noqa: ANN001
        if not self._id:
            return None
        try:
            with session_scope(write=True) as session:
                use_case(session)
        except DomainError as error:
            self.errors = field_messages(error, self.lang)
            return rx.toast.error(next(iter(self.errors.values())))
        self._load(actor, self._id)
        return None

    @guarded(Perm.INTERVENTIONS_WORK)
    def start_work(self, actor: Actor):
        return self._act(actor, lambda s: interventions.start(session=s, actor=actor, intervention_id=self._id))

    @guarded(Perm.INTERVENTIONS_WORK)
    def add_material_row(self, actor: Actor):
        self.material_rows = min(self.material_rows + 1, interventions.MAX_MATERIALS)

    @guarded(Perm.INTERVENTIONS_WORK)
    def draft_restored(self, actor: Actor, draft: dict):
        """A draft kept in the browser came back after a reload: enough material rows for its lines."""
        fields = draft.get("fields") if isinstance(draft, dict) else None
        names = [n for n in fields if isinstance(n, str)] if isinstance(fields, dict) else []
        lines = [int(n.split("_")[1]) for n in names if n.startswith("material_") and n.split("_")[1].isdigit()]
        if lines:
            self.material_rows = min(max(self.material_rows, max(lines) + 1), interventions.MAX_MATERIALS)

    @staticmethod
    def _work_raw(form_data: object) -> dict:
        """The form's fields as the service reads them: the material lines come as material_0_description..."""
        data = form_data if isinstance(form_data, dict) else {}
        lines = []
        for index in range(interventions.MAX_MATERIALS):
            if f"material_{index}_description" not in data:
                break
            lines.append({"description": data.get(f"material_{index}_description"),
                          "quantity": data.get(f"material_{index}_quantity"),
                          "unit": data.get(f"material_{index}_unit")})
        return {**{k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("material_")},
                "materials": lines}

    @guarded(Perm.INTERVENTIONS_WORK)
    def close_intervention(self, actor: Actor, form_data: dict):
        """Closes with the signature; the same form sent again after a reconnection closes nothing twice."""
        if not self._id:
            return None
        raw = self._work_raw(form_data)
        try:
            with session_scope(write=True) as session:
                interventions.close(session=session, actor=actor, intervention_id=self._id, raw=raw)
        except DomainError as error:
            self.errors = field_messages(error, self.lang)
            return rx.toast.error(t("interventions.err.close_refused", self.lang))
        key = self.draft_key
        self._load(actor, self._id)
        return [clear_draft(key), rx.toast.success(t("interventions.closed_ok", self.lang))]

    @guarded(Perm.INTERVENTIONS_WORK)
    def add_field_note(self, actor: Actor, form_data: dict):
        raw = form_data if isinstance(form_data, dict) else {}
        try:
            with session_scope(write=True) as session:
                interventions.add_note(session=session, actor=actor, intervention_id=self._id, raw=raw)
        except DomainError as error:
            self.note_error = next(iter(field_messages(error, self.lang).values()), "")
            return
        self._load(actor, self._id)

    @guarded(Perm.INTERVENTIONS_WORK)
    def photo_progress(self, actor: Actor, progress: dict):
        value = progress.get("progress") if isinstance(progress, dict) else None
        self.upload_progress = int(float(value) * 100) if isinstance(value, int | float) else 0

    @guarded(Perm.INTERVENTIONS_WORK)
    async def receive_photos(self, actor: Actor, files: list[rx.UploadFile]):
        if not self._id:
            return
        errors = []
        for upload in files[:10]:
            data = await upload.read()
            name = upload.name or upload.filename

            def store(data: bytes = data, name: str = name) -> None:
                with session_scope(write=True) as session:
                    interventions.add_photo(session=session, actor=actor, intervention_id=self._id, filename=name,
                                            data=data)
            try:
                await off_the_loop(store)
            except DomainError as error:
                errors.append(f"{name}: {next(iter(field_messages(error, self.lang).values()))}")
        self.upload_errors, self.upload_progress = errors, 0
        await off_the_loop(self._load, actor, self._id)


# The reserved area ----------------------------------------------------------------------------------------


class PortalInterventionsState(SessionState):
    upcoming: list[InterventionView] = []
    past: list[InterventionView] = []

    @guarded(Perm.PORTAL_ACCESS, module=interventions.MODULE, page=True)
    def load_portal_interventions(self, actor: Actor):
        with session_scope() as session:
            upcoming, past = interventions.portal_interventions(session=session, actor=actor)
        self.upcoming = [view_of(r, self.lang) for r in upcoming]
        self.past = [_with_sheet(view_of(r, self.lang), r.sheet_id) for r in past]


# Settings: the kinds of intervention ----------------------------------------------------------------------


@dataclasses.dataclass
class TypeView:
    id: int
    code: str
    name_it: str
    name_en: str
    position: str
    active: bool


class InterventionTypesState(SessionState):
    """The editable list of intervention types, in both languages (administrators)."""

    type_rows: list[TypeView] = []
    type_errors: dict[str, str] = {}
    type_values: dict[str, str] = {}
    type_key: int = 0
    editing_type: int = 0

    def _fetch_types(self) -> None:
        with session_scope() as session:
            kinds = interventions.list_types(session=session, active_only=False)
        self.type_rows = [TypeView(k.id, k.code, k.name_it, k.name_en, str(k.position), k.active) for k in kinds]

    def _blank(self) -> None:
        self.editing_type, self.type_errors = 0, {}
        self.type_values = {"code": "", "name_it": "", "name_en": "", "position": str(len(self.type_rows) + 1),
                            "active": "on"}
        self.type_key += 1

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_types(self, actor: Actor):
        self._fetch_types()
        self._blank()

    @guarded(Perm.SETTINGS_MANAGE)
    def edit_type(self, actor: Actor, type_id: int):
        row = next((r for r in self.type_rows if r.id == parse_id(type_id)), None)
        if row is None:
            return
        self.editing_type, self.type_errors = row.id, {}
        self.type_values = {"code": row.code, "name_it": row.name_it, "name_en": row.name_en,
                            "position": row.position, "active": "on" if row.active else ""}
        self.type_key += 1

    @guarded(Perm.SETTINGS_MANAGE)
    def cancel_type_edit(self, actor: Actor):
        self._blank()

    @guarded(Perm.SETTINGS_MANAGE)
    def save_type(self, actor: Actor, form_data: dict):
        raw = form_data if isinstance(form_data, dict) else {}
        raw = {**raw, "active": raw.get("active", "")}
        try:
            with session_scope(write=True) as session:
                interventions.save_type(session=session, actor=actor, raw=raw, type_id=self.editing_type or None)
        except DomainError as error:
            self.type_errors = field_messages(error, self.lang)
            self.type_values = {k: str(v or "") for k, v in raw.items() if k in self.type_values}
            self.type_key += 1
            return
        self._fetch_types()
        self._blank()
