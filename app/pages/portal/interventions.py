"""Reserved area: the company's interventions within the user's scope, upcoming and past, with the
signed sheets to download."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import empty_state, portal_heading, portal_shell
from app.pages.office.interventions import status_badge
from app.state.interventions import InterventionView, PortalInterventionsState


def _upcoming(item: InterventionView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("calendar-clock", size=18, color=rx.color("indigo", 10)),
                      rx.text(item.when, weight="bold", size="3"), align="center", spacing="2", wrap="wrap"),
            rx.text(item.kind, " · ", item.number, size="2"),
            rx.text(item.site, rx.cond(item.address != "", " – " + item.address, ""), size="2", color_scheme="gray"),
            rx.text(T("interventions.technician"), ": ", item.technicians, size="2", color_scheme="gray"),
            spacing="1", width="100%",
        ),
        width="100%", class_name="portal-upcoming",
    )


def _past(item: InterventionView) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(rx.text(item.when, weight="medium", size="2"), status_badge(item), spacing="2", wrap="wrap",
                      align="center"),
            rx.text(item.kind, " · ", item.site, size="2", color_scheme="gray"),
            spacing="1", flex="1", min_width="0",
        ),
        rx.cond(item.sheet_url != "", rx.link(
            rx.button(rx.icon("download", size=14), T("interventions.sheet"), variant="soft", size="2"),
            href=item.sheet_url, is_external=True, class_name="portal-sheet")),
        align="center", spacing="3", width="100%", padding_y="10px", wrap="wrap",
        border_bottom=f"1px solid {rx.color('gray', 4)}", class_name="portal-past",
    )


def portal_interventions_page() -> rx.Component:
    s = PortalInterventionsState
    return portal_shell(
        portal_heading("interventions.portal_title", "interventions.portal_help"),
        rx.heading(T("interventions.upcoming"), size="5"),
        rx.cond(s.upcoming.length() > 0,
                rx.grid(rx.foreach(s.upcoming, _upcoming), columns=rx.breakpoints(initial="1", sm="2"), spacing="3",
                        width="100%", id="portal-upcoming"),
                empty_state("calendar", T("interventions.portal_none_upcoming"))),
        rx.heading(T("interventions.past"), size="5"),
        rx.cond(s.past.length() > 0,
                rx.card(rx.vstack(rx.foreach(s.past, _past), spacing="0", width="100%"), width="100%",
                        id="portal-past"),
                empty_state("history", T("interventions.portal_none_past"))),
    )
