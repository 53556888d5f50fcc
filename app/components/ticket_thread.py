"""A support request's thread with a reply box, as a dialog: the same for customers and office."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error, name_file_input
from app.i18n import t
from app.settings import get_settings
from app.state.session import SessionState

REPLY_FILES = "reply-files"


def _file_link(f) -> rx.Component:  # noqa: ANN001
    return rx.link(rx.hstack(rx.icon("paperclip", size=13, aria_hidden="true"), rx.text(f.name, size="2"),
                             rx.text(f.size, size="1", color_scheme="gray"), spacing="1", align="center"),
                   href=f.url, class_name="message-file")


def attach_box(state, upload_id: str, errors: rx.Var) -> rx.Component:  # noqa: ANN001
    """Files chosen here are sent at once, checked on the server and listed with their names and sizes; they
    go with the message when it is sent. `max_size` spares the user a pointless wait; the server checks again."""
    max_mb = get_settings().upload_max_bytes // (1024 * 1024)
    return rx.vstack(
        name_file_input(rx.upload.root(
            rx.hstack(rx.icon("paperclip", size=15, aria_hidden="true"), rx.text(T("tickets.attach"), size="2"),
                      rx.text(rx.cond(SessionState.lang == "en", t("tickets.attach_hint", "en", mb=max_mb),
                              t("tickets.attach_hint", "it", mb=max_mb)), size="1", color_scheme="gray"),
                      spacing="2", align="center", wrap="wrap"),
            id=upload_id, multiple=True, max_size=max_mb * 1024 * 1024, no_keyboard=False,
            on_drop=state.receive_files(rx.upload_files(upload_id=upload_id,
                                                        on_upload_progress=state.upload_progressed)),
            on_drop_rejected=state.files_rejected,
            border=f"1px dashed {rx.color('gray', 8)}", border_radius="8px", padding="8px 12px", width="100%",
            cursor="pointer", class_name="attach-box",
        ), T("tickets.attach")),
        rx.cond(state.upload_progress > 0,
                rx.hstack(rx.spinner(size="1"), rx.progress(value=state.upload_progress, width="100%"),
                          width="100%", align="center", id=f"{upload_id}-progress")),
        rx.foreach(state.staged_files, lambda f, i: rx.hstack(
            rx.icon("paperclip", size=13, aria_hidden="true"), rx.text(f.name, size="2"),
            rx.text(f.size, size="1", color_scheme="gray"), rx.spacer(),
            rx.icon_button(rx.icon("x", size=13), size="1", variant="ghost", color_scheme="gray", type="button",
                           aria_label=T("tickets.remove_file") + " " + f.name, on_click=state.remove_file(i)),
            width="100%", align="center", class_name="staged-file")),
        rx.foreach(state.file_errors, lambda line: rx.text(line, size="2", color_scheme="red", role="alert",
                                                           class_name="file-error")),
        field_error(errors),
        spacing="1", width="100%",
    )


def _message(m) -> rx.Component:  # noqa: ANN001
    return rx.box(
        rx.hstack(rx.text(m.author, weight="bold", size="2"), rx.spacer(), rx.text(m.at, size="1", color_scheme="gray"),
                  width="100%"),
        rx.text(m.body, size="2", white_space="pre-wrap"),
        rx.cond(m.files.length() > 0, rx.vstack(rx.foreach(m.files, _file_link), spacing="1", margin_top="6px")),
        padding="10px 12px", border_radius="10px", width="100%",
        background=rx.cond(m.from_office, rx.color("indigo", 3), rx.color("gray", 3)),
        class_name="ticket-message",
    )


def ticket_thread(state, extra_actions: rx.Component | None = None) -> rx.Component:  # noqa: ANN001
    # The file box stays outside the form (its file input is no form field); the send button submits the form
    # through its `form` attribute.
    reply = rx.vstack(
        rx.form(
            rx.text_area(name="body", rows="4", width="100%", placeholder=T("tickets.body"), id="reply-body",
                         aria_label=T("tickets.body")),
            field_error(state.reply_errors.get("body", "")),
            on_submit=state.send_reply, key=state.reply_key, width="100%", id="reply-form",
        ),
        attach_box(state, REPLY_FILES, state.reply_errors.get("files", "")),
        field_error(state.reply_errors.get("", "")),
        rx.hstack(extra_actions if extra_actions is not None else rx.fragment(), rx.spacer(),
                  rx.button(rx.icon("send", size=14), T("tickets.reply"), type="submit", id="send-reply",
                            custom_attrs={"form": "reply-form"}),
                  width="100%"),
        spacing="2", width="100%",
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
