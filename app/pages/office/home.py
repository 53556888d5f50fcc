from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import office_shell, page_header
from app.state.home import OfficeHomeState


def _stat(icon: str, label_key: str, value: rx.Var, href: str | None = None) -> rx.Component:
    card = rx.card(
        rx.hstack(
            rx.center(rx.icon(icon, size=20, color=rx.color("indigo", 11)), width="40px", height="40px",
                      border_radius="10px", background=rx.color("indigo", 3)),
            rx.vstack(rx.text(T(label_key), size="2", color_scheme="gray"),
                      rx.heading(value, size="7"), spacing="0"),
            align="center", spacing="4",
        ),
        width="100%",
    )
    return rx.link(card, href=href, underline="none", width="100%") if href else card


def office_home_page() -> rx.Component:
    return office_shell(
        "home",
        page_header(OfficeHomeState.greeting, T("office.subtitle")),
        rx.grid(
            _stat("building-2", "office.stat.customers", OfficeHomeState.stat_customers),
            _stat("id-card", "office.stat.users", OfficeHomeState.stat_active_users),
            _stat("globe", "office.stat.portal_users", OfficeHomeState.stat_portal_users),
            rx.cond(
                OfficeHomeState.can_read_outbox,
                _stat("mail", "office.stat.outbox", OfficeHomeState.stat_outbox_pending, "/office/outbox"),
                _stat("mail", "office.stat.outbox", OfficeHomeState.stat_outbox_pending),
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%",
        ),
        # The work waiting for this person, each opening its queue.
        rx.grid(
            rx.cond(OfficeHomeState.can_decide_requests,
                    _stat("git-pull-request-arrow", "office.stat.requests", OfficeHomeState.open_requests,
                          "/office/requests")),
            rx.cond(OfficeHomeState.can_answer_tickets,
                    _stat("life-buoy", "office.stat.tickets", OfficeHomeState.stat_open_tickets, "/office/tickets")),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%", id="work-queues",
        ),
        rx.card(
            rx.vstack(
                rx.heading(T("contracts.expiring_title"), size="4"),
                rx.cond(
                    OfficeHomeState.expiring.length() > 0,
                    rx.table.root(rx.table.body(rx.foreach(OfficeHomeState.expiring, _expiring)), size="1",
                                  width="100%", id="expiring-contracts"),
                    rx.text(T("contracts.expiring_empty"), size="2", color_scheme="gray"),
                ),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
    )


def _expiring(row) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(rx.badge(row.expires, color_scheme="amber")),
        rx.table.cell(rx.text(row.contract, weight="medium")),
        rx.table.cell(rx.link(row.customer, href=f"/office/customer?id={row.customer_id}")),
    )
