"""A consent's three states (granted, refused, not asked) as one toggle, and its text and history."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control


def consent_state_badge(state: rx.Var) -> rx.Component:
    """Granted, refused and not asked, each in its own colour, in the office and in the reserved area alike."""
    return rx.match(
        state,
        ("granted", rx.badge(T("consents.state.granted"), color_scheme="green")),
        ("refused", rx.badge(T("consents.state.refused"), color_scheme="red")),
        rx.badge(T("consents.state.unknown"), color_scheme="gray"),
    )


def consent_row(state, view) -> rx.Component:  # noqa: ANN001
    """`state` provides can_record_consents, set_consent(key, state) and open_consent_history(key)."""
    toggle = rx.cond(
        state.can_record_consents,
        rx.segmented_control.root(
            rx.segmented_control.item(T("consents.state.granted"), value="granted"),
            rx.segmented_control.item(T("consents.state.refused"), value="refused"),
            rx.segmented_control.item(T("consents.state.unknown"), value="unknown"),
            value=view.state, on_change=lambda value: state.set_consent(view.key, value), size="1",
            id=f"consent-{view.key.replace(':', '-')}",
        ),
        consent_state_badge(view.state),
    )
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(view.title, weight="medium", size="2"),
                rx.cond(view.channel != "", rx.badge(view.channel, variant="outline", size="1")),
                rx.cond(view.signature_missing,
                        rx.badge(rx.icon("pen-line", size=11), T("consents.signature_missing"), color_scheme="amber")),
                rx.cond(view.old_version, rx.badge(T("consents.old_version"), color_scheme="orange")),
                spacing="2", align="center", wrap="wrap",
            ),
            rx.text(view.recorded, size="1", color_scheme="gray"),
            spacing="0", flex="1", min_width="0",
        ),
        toggle,
        rx.icon_button(rx.icon("file-text", size=14), size="1", variant="ghost", title=T("consents.details"),
                       aria_label=T("consents.details"), on_click=state.open_consent_history(view.key)),
        align="center", spacing="3", width="100%", padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}", class_name="consent-row",
    )


def _history_row(row) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.badge(row.state, color_scheme=row.color),
                                rx.cond(row.signature, rx.badge(rx.icon("pen-line", size=11),
                                                                T("consents.signature_collected"), variant="soft")),
                                spacing="1")),
        rx.table.cell(row.version),
        rx.table.cell(row.source),
        rx.table.cell(row.actor),
        rx.table.cell(row.at, white_space="nowrap"),
    )


def consent_history_dialog(state) -> rx.Component:  # noqa: ANN001
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(state.history_title),
            rx.text(state.history_hash, size="1", color_scheme="gray", font_family="monospace"),
            rx.box(rx.text(state.history_body, size="2", white_space="pre-wrap"), padding="12px", margin_y="12px",
                   border_radius="8px", background=rx.color("gray", 3), max_height="30vh", overflow_y="auto"),
            rx.heading(T("consents.history"), size="3"),
            rx.cond(
                state.history_rows.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                        "consents.col.state", "consents.col.version", "consents.col.source", "consents.col.by",
                        "consents.col.at")])),
                    rx.table.body(rx.foreach(state.history_rows, _history_row)),
                    size="1", width="100%", id="consent-history",
                ),
                rx.text(T("consents.history_empty"), size="2", color_scheme="gray"),
            ),
            rx.flex(
                rx.cond(state.history_can_sign,
                        rx.button(rx.icon("pen-line", size=14), T("consents.record_signature"), variant="soft",
                                  on_click=state.record_signature)),
                rx.spacer(),
                rx.dialog.close(rx.button(T("common.close"), variant="soft", color_scheme="gray")),
                margin_top="16px", align="center",
            ),
            max_width="760px", id="consent-dialog",
        ),
        **dialog_control(state, "history"),
    )
