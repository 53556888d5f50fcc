"""The planning calendar: FullCalendar 6 (MIT parts only) with month, week, day and list views.

Usage (page and state)::

    from app.components.calendar import planning_calendar

    # page
    planning_calendar(
        events=InterventionsState.calendar_events,   # list[dict], see "Events" below
        on_plan=InterventionsState.plan,               # a free date/slot clicked or a range selected
        on_open=InterventionsState.open_intervention,  # an event clicked (or Enter on a focused event)
        on_range_change=InterventionsState.load_range, # the visible dates changed, also right after mount
        phone_view="listWeek",                         # optional: first view on a narrow screen
        id="planning",
    )

    # state (thin; the guard runs the body in a worker thread)
    calendar_events: list[dict] = []

    @guarded(Perm.PLAN_INTERVENTIONS)
    def load_range(self, actor: Actor, info: dict):
        start, end = parse_iso(info.get("start")), parse_iso(info.get("end"))  # never trust the browser
        rows = ...  # the service's interventions overlapping [start, end)
        self.calendar_events = [{
            "id": str(row.id), "title": row.customer_name,
            "start": row.start.isoformat(), "end": row.end.isoformat(),   # aware datetimes, any offset
            "backgroundColor": "var(--green-9)", "borderColor": "var(--green-9)",
            "extendedProps": {"status": row.status},
        } for row in rows]

Props (all optional):
- ``events``: list of dicts in FullCalendar's event shape: ``id`` (str), ``title``, ``start``/``end`` (ISO
  strings with offset), ``allDay``, ``backgroundColor``/``borderColor``/``textColor``, ``extendedProps``.
  Keys are camelCase, as FullCalendar reads them. Colours may be Radix variables (``"var(--amber-9)"``)
  so that they follow the dark theme; give a dark ``textColor`` on light backgrounds (amber, yellow).
- ``locale``: ``"it"`` or ``"en"`` (English in British style: Monday first, 24-hour). Defaults to the
  signed-in user's language. Toolbar labels come from FullCalendar's own Italian and English texts.
- ``time_zone``: IANA name, default ``"Europe/Rome"``: times show in Italian time on any device, and the
  ISO strings the triggers give carry that zone's offset.
- ``initial_view``: ``"dayGridMonth"`` (default), ``"timeGridWeek"``, ``"timeGridDay"``, ``"listWeek"``
  (also ``"listDay"``, ``"listMonth"``); ``phone_view``: the first view when the calendar opens narrower
  than 640 px; ``views``: the view buttons offered, in order; ``initial_date``: ``"2026-05-04"``.
- ``selectable`` (default True): whether free dates and slots can be picked to plan (``on_plan``).
- ``all_day_slot`` (default False), ``slot_min_time``/``slot_max_time`` (default ``"06:00:00"``/``"21:00:00"``):
  the week and day grids.
- ``no_events_text``: the list view's empty text, default "Niente in programma in questo periodo" /
  "Nothing planned in this period"; pass e.g. ``T("interventions.none_in_period")``.

Event triggers (each handler receives one dict; validate every value, it comes from the browser):
- ``on_plan``: ``{"start": str, "end": str, "all_day": bool, "view": str}``. Timed: ISO with offset
  ("2026-05-04T09:00:00+02:00"), end exclusive; a click on one slot gives a 30-minute span. All day:
  dates ("2026-05-04", end the day after). In month view a focused day plans with Enter.
- ``on_open``: ``{"id": str, "start": str, "end": str, "all_day": bool}`` - the event's own id.
- ``on_range_change``: ``{"start": str, "end": str, "view": str}`` - the visible range, end exclusive
  (a month view includes the leading and trailing days of the grid). Load only that range.

Keyboard: toolbar buttons, events (Enter opens), day numbers (go to the day) and, in month view, day
cells (Enter plans) are focusable. A slot in the week and day grids cannot be picked with the keyboard:
offer a "new intervention" button beside the calendar too. Under 640 px the toolbar folds into two rows.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import passthrough_event_spec

from app.components.i18n import T
from app.components.js import MODULES
from app.state.session import SessionState

FULLCALENDAR = "6.1.21"
NPM_PACKAGES = [
    f"@fullcalendar/react@{FULLCALENDAR}",
    f"@fullcalendar/core@{FULLCALENDAR}",
    f"@fullcalendar/daygrid@{FULLCALENDAR}",
    f"@fullcalendar/timegrid@{FULLCALENDAR}",
    f"@fullcalendar/interaction@{FULLCALENDAR}",
    f"@fullcalendar/list@{FULLCALENDAR}",
    # Named time zones need a date library: without it "Europe/Rome" would be shown as UTC.
    f"@fullcalendar/luxon3@{FULLCALENDAR}",
    "luxon@3.7.2",
]

_Payload = passthrough_event_spec(dict[str, Any])


class PlanningCalendar(rx.NoSSRComponent):
    """FullCalendar behind the project's module, which turns its callbacks into small dicts."""

    library = MODULES["planning_calendar"]
    tag = "PlanningCalendar"
    lib_dependencies: list[str] = NPM_PACKAGES

    events: rx.Var[list[dict[str, Any]]]
    locale: rx.Var[str]
    time_zone: rx.Var[str]
    initial_view: rx.Var[str]
    phone_view: rx.Var[str]
    initial_date: rx.Var[str]
    views: rx.Var[list[str]]
    selectable: rx.Var[bool]
    all_day_slot: rx.Var[bool]
    slot_min_time: rx.Var[str]
    slot_max_time: rx.Var[str]
    no_events_text: rx.Var[str]

    on_plan: rx.EventHandler[_Payload]
    on_open: rx.EventHandler[_Payload]
    on_range_change: rx.EventHandler[_Payload]


def planning_calendar(**props: Any) -> rx.Component:
    props.setdefault("locale", SessionState.lang)
    props.setdefault("no_events_text", T("calendar.no_events"))
    return PlanningCalendar.create(**props)
