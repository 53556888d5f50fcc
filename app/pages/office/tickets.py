"""Office: the support requests customers open in the reserved area."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import (
    confirm_dialog,
    empty_state,
    list_count,
    office_shell,
    page_header,
    pager,
    sort_header,
)
from app.components.ticket_thread import ticket_thread
from app.domain.vocabularies import TicketStatus
from app.state.tickets import OfficeTicketsState, TicketView


def _row(ticket: TicketView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("#", ticket.id, font_family="monospace")),
        rx.table.cell(rx.link(ticket.customer, href=f"/office/customer?id={ticket.customer_id}")),
        rx.table.cell(rx.button(ticket.subject, on_click=OfficeTicketsState.show_ticket(ticket.id), variant="ghost",
                                size="2", class_name="ticket-open")),
        rx.table.cell(rx.badge(ticket.status, color_scheme=ticket.status_color)),
        rx.table.cell(ticket.opened_by),
        rx.table.cell(ticket.assigned_to),
        rx.table.cell(ticket.updated, white_space="nowrap"),
        class_name="ticket-row",
    )


def tickets_page() -> rx.Component:
    s = OfficeTicketsState
    return office_shell(
        "tickets",
        page_header(T("tickets.title"), T("tickets.office_help")),
        rx.segmented_control.root(
            *[rx.segmented_control.item(T(status.label_key), value=status.value) for status in TicketStatus],
            rx.segmented_control.item(T("tickets.status.all"), value="all"),
            value=s.status_filter, on_change=s.filter_status,
        ),
        rx.cond(s.ticket_rows.length() > 0,
                rx.vstack(
                    list_count(s.count_text, "tickets-count"),
                    rx.table.root(
                        rx.table.header(rx.table.row(
                            sort_header(T("tickets.col.number"), s.sort_order == "oldest", s.sort_order == "newest",
                                        s.sort_by_number, "sort-number"),
                            *[rx.table.column_header_cell(T(f"tickets.col.{k}")) for k in (
                                "customer", "subject", "status", "opened_by", "assigned", "updated")])),
                        rx.table.body(rx.foreach(s.ticket_rows, _row)),
                        variant="surface", width="100%", id="office-tickets"),
                    pager(s), width="100%"),
                empty_state("life-buoy", T("tickets.office_empty"))),
        ticket_thread(s, rx.cond(s.thread_can_close, rx.button(T("tickets.close"), variant="soft", color_scheme="gray",
                                                              type="button", on_click=s.ask_close))),
        confirm_dialog(s, s.confirm_close),
    )
