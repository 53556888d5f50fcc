"""Reserved area: support requests and their threads."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, empty_state, field_error, for_id, portal_heading, portal_shell
from app.components.ticket_thread import attach_box, ticket_thread
from app.state.tickets import SupportState, TicketView


def _ticket(ticket: TicketView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("#", ticket.id, font_family="monospace")),
        rx.table.cell(rx.button(ticket.subject, on_click=SupportState.show_ticket(ticket.id), variant="ghost",
                                size="2", class_name="ticket-open")),
        rx.table.cell(rx.badge(ticket.status, color_scheme=ticket.status_color)),
        rx.table.cell(ticket.opened_by),
        rx.table.cell(ticket.updated, white_space="nowrap"),
        class_name="ticket-row",
    )


def support_page() -> rx.Component:
    s = SupportState
    new_form = rx.vstack(
        rx.form(
            rx.vstack(
                rx.text(T("tickets.subject"), size="2", weight="medium", as_="label", **for_id("ticket-subject")),
                rx.input(name="subject", width="100%", id="ticket-subject"),
                field_error(s.new_errors.get("subject", "")),
                rx.text(T("tickets.body"), size="2", weight="medium", as_="label", **for_id("ticket-body")),
                rx.text_area(name="body", rows="5", width="100%", id="ticket-body"),
                field_error(s.new_errors.get("body", "")),
                spacing="2", width="100%",
            ),
            on_submit=s.open_new_ticket, key=s.new_key, width="100%", id="new-ticket-form",
        ),
        attach_box(s, "ticket-new-files", s.new_errors.get("files", "")),
        # A refusal of the whole request (the hour's allowance used up) is said here, where the user acts.
        field_error(s.new_errors.get("", "")),
        rx.hstack(rx.spacer(), rx.button(rx.icon("send", size=14), T("tickets.send"), type="submit",
                                         id="send-ticket", custom_attrs={"form": "new-ticket-form"}), width="100%"),
        spacing="2", width="100%",
    )
    return portal_shell(
        rx.hstack(portal_heading("tickets.title", "tickets.help"), rx.spacer(),
                  rx.cond(s.opening_refused == "",
                          rx.button(rx.icon("plus", size=14), T("tickets.new"), on_click=s.toggle_new,
                                    id="new-ticket")),
                  width="100%", align="start", wrap="wrap"),
        rx.cond(s.opening_refused != "",
                rx.callout(s.opening_refused, icon="info", color_scheme="gray", id="tickets-refused", width="100%")),
        rx.cond(s.new_open, rx.card(new_form, width="100%")),
        rx.cond(s.ticket_rows.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(f"tickets.col.{k}")) for k in (
                        "number", "subject", "status", "opened_by", "updated")])),
                    rx.table.body(rx.foreach(s.ticket_rows, _ticket)),
                    variant="surface", width="100%", id="tickets-table"), overflow_x="auto", width="100%"),
                # While a block stops new requests, the hint to open one would only contradict the message above.
                rx.cond(s.opening_refused == "", empty_state("life-buoy", T("tickets.empty"), T("tickets.empty_hint")),
                        empty_state("life-buoy", T("tickets.empty")))),
        ticket_thread(s, rx.cond(s.thread_can_close, rx.button(T("tickets.close_mine"), variant="soft",
                                                                color_scheme="gray", type="button",
                                                                on_click=s.ask_close, id="close-ticket"))),
        confirm_dialog(s, s.confirm_close, confirm_id="confirm-close-ticket"),
    )
