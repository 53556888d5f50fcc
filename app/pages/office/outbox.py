from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, empty_state, list_count, office_shell, page_header, pager
from app.state.outbox import OutboxMessageView, OutboxState


def _status(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        ("sent", rx.badge(T("outbox.status.sent"), color_scheme="green")),
        ("failed", rx.badge(T("outbox.status.failed"), color_scheme="red")),
        rx.badge(T("outbox.status.pending"), color_scheme="amber"),
    )


def _row(message: OutboxMessageView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message.created, white_space="nowrap"),
        rx.table.cell(message.to_address),
        rx.table.cell(rx.link(message.subject, on_click=OutboxState.open_message(message.id), cursor="pointer")),
        rx.table.cell(_status(message.status), title=message.error),
        on_double_click=OutboxState.open_message(message.id),
    )


def _message_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(OutboxState.open_subject),
            rx.dialog.description(rx.text(OutboxState.open_to, " · ", OutboxState.open_created, size="2",
                                          color_scheme="gray")),
            rx.box(rx.text(OutboxState.open_body, white_space="pre-wrap", size="2", id="message-body"),
                   padding="12px", margin_y="12px", border_radius="8px", background=rx.color("gray", 3),
                   max_height="50vh", overflow_y="auto"),
            rx.flex(rx.dialog.close(rx.button(T("common.close"), variant="soft")),
                    justify="end"),
            max_width="640px",
        ),
        **dialog_control(OutboxState, "message"),
    )


def outbox_page() -> rx.Component:
    return office_shell(
        "outbox",
        page_header(T("outbox.title"), T("outbox.subtitle")),
        rx.hstack(
            rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=T("outbox.search"),
                     on_change=OutboxState.search_outbox.debounce(300), width="340px", id="outbox-search",
                     default_value=OutboxState.outbox_search, key=OutboxState.search_key,
                     aria_label=T("outbox.search")),
            rx.spacer(),
            rx.cond(OutboxState.smtp_configured,
                    rx.badge(rx.icon("send", size=12), T("outbox.smtp_on"), color_scheme="green", size="2"),
                    rx.badge(rx.icon("inbox", size=12), T("outbox.smtp_off"), color_scheme="amber", size="2")),
            width="100%", align="center",
        ),
        rx.cond(
            OutboxState.messages.length() > 0,
            rx.vstack(
                list_count(OutboxState.count_text, "outbox-count"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("outbox.col.created")),
                        rx.table.column_header_cell(T("outbox.col.to")),
                        rx.table.column_header_cell(T("outbox.col.subject")),
                        rx.table.column_header_cell(T("outbox.col.status")),
                    )),
                    rx.table.body(rx.foreach(OutboxState.messages, _row)),
                    variant="surface", size="2", width="100%", id="outbox-table",
                ),
                pager(OutboxState),
                width="100%",
            ),
            empty_state("inbox", T("outbox.empty_title"), T("outbox.empty")),
        ),
        _message_dialog(),
    )
