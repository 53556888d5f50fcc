"""The side-by-side window in which office staff decide on the changes a customer asked for."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control


def _choice(state, row) -> rx.Component:  # noqa: ANN001
    return rx.segmented_control.root(
        rx.segmented_control.item(T("review.accept"), value="accept"),
        rx.segmented_control.item(T("review.ignore"), value="ignore"),
        rx.segmented_control.item(T("review.undecided"), value="later"),
        value=rx.cond(row.choice == "", "later", row.choice),
        on_change=lambda value: state.choose(row.item_id, value), size="1", id=f"choice-{row.item_id}",
    )


def _row(state, row) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(rx.text(row.field, weight="medium")),
        rx.table.cell(
            rx.vstack(
                rx.text(row.current, size="2"),
                rx.cond(row.stale, rx.vstack(
                    rx.badge(rx.icon("history", size=12), T("review.stale"), color_scheme="amber"),
                    rx.text(row.at_request, size="1", color_scheme="gray"),
                    spacing="1",
                )),
                spacing="1",
            ),
            background=rx.cond(row.stale, rx.color("amber", 2), "transparent"),
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row.requested, size="2", weight="medium", color=rx.color("indigo", 11)),
                rx.cond(row.from_upstream, rx.badge(rx.icon("building-2", size=11), T("upstream.badge"),
                                                    color_scheme="indigo", variant="soft",
                                                    class_name="upstream-badge")),
                rx.text(row.asked, size="1", color_scheme="gray"),
                spacing="1",
            ),
        ),
        rx.table.cell(_choice(state, row)),
        id=f"review-row-{row.item_id}",
    )


def review_window(state) -> rx.Component:  # noqa: ANN001
    """`state` provides review_rows, review_open, review_error and the choose/confirm handlers."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("review.title")),
            rx.dialog.description(T("review.help"), size="2", color_scheme="gray"),
            rx.cond(state.review_error != "",
                    rx.callout(state.review_error, icon="triangle-alert", color_scheme="red", margin_top="12px",
                               id="review-error")),
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("review.col.field")),
                        rx.table.column_header_cell(T("review.col.current")),
                        rx.table.column_header_cell(T("review.col.requested")),
                        rx.table.column_header_cell(T("review.col.choice")),
                    )),
                    rx.table.body(rx.foreach(state.review_rows, lambda row: _row(state, row))),
                    variant="surface", size="2", width="100%",
                ),
                max_height="60vh", overflow_y="auto", margin_y="16px",
            ),
            rx.flex(
                rx.button(rx.icon("check-check", size=14), T("review.accept_all"), variant="soft", color_scheme="green",
                          on_click=state.choose_all("accept"), id="accept-all"),
                rx.button(rx.icon("x", size=14), T("review.ignore_all"), variant="soft", color_scheme="gray",
                          on_click=state.choose_all("ignore"), id="ignore-all"),
                rx.spacer(),
                rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(T("review.confirm"), on_click=state.confirm_review, id="confirm-review"),
                spacing="3", align="center", wrap="wrap",
            ),
            max_width="980px", id="review-window",
        ),
        **dialog_control(state, "review"),
    )


def review_banner(state) -> rx.Component:  # noqa: ANN001
    """On the card: what is waiting, and what the last decision changed."""
    return rx.fragment(
        rx.cond(
            state.review_rows.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("git-pull-request-arrow")),
                rx.hstack(
                    rx.callout.text(state.review_banner_text),
                    rx.spacer(),
                    rx.button(T("review.open"), size="1", on_click=state.open_review, id="open-review"),
                    align="center", width="100%",
                ),
                color_scheme="amber", width="100%", id="review-banner",
            ),
        ),
        rx.cond(
            state.decision_lines.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.vstack(rx.foreach(state.decision_lines, lambda line: rx.text(line, size="2")), spacing="1"),
                color_scheme="green", width="100%", id="decision-summary",
            ),
        ),
    )
