"""A support request's thread with a reply box, as a dialog: the same for customers and office."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error


def _message(m) -> rx.Component:  # noqa: ANN001
    return rx.box(
        rx.hstack(rx.text(m.author, weight="bold", size="2"), rx.spacer(), rx.text(m.at, size="1", color_scheme="gray"),
                  width="100%"),
        rx.text(m.body, size="2", white_space="pre-wrap"),
        padding="10px 12px", border_radius="10px", width="100%",
        background=rx.cond(m.from_office, rx.color("indigo", 3), rx.color("gray", 3)),
        class_name="ticket-message",
    )


def ticket_thread(state, extra_actions: rx.Component | None = None) -> rx.Component:  # noqa: ANN001
    reply = rx.form(
        rx.vstack(
            rx.text_area(name="body", rows="4", width="100%", placeholder=T("tickets.body"), id="reply-body"),
            field_error(state.reply_errors.get("body", "")),
            field_error(state.reply_errors.get("", "")),
            rx.hstack(extra_actions if extra_actions is not None else rx.fragment(), rx.spacer(),
                      rx.button(rx.icon("send", size=14), T("tickets.reply"), type="submit", id="send-reply"),
                      width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=state.send_reply, key=state.reply_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(rx.dialog.title(state.thread_title), rx.spacer(), rx.badge(state.thread_status),
                      width="100%", align="center"),
            rx.vstack(rx.foreach(state.thread_messages, _message), spacing="2", width="100%", max_height="50vh",
                      overflow_y="auto", margin_y="12px", id="ticket-thread"),
            rx.cond(state.thread_closed, rx.text(T("tickets.closed"), size="2", color_scheme="gray"), reply),
            max_width="720px",
        ),
        **dialog_control(state, "thread"),
    )
