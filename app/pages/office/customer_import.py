"""Importing customers: upload, mapping, preview with errors, confirmation, progress and result."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import (
    empty_state,
    field_error,
    for_id,
    name_file_input,
    native_select,
    office_shell,
    page_header,
)
from app.settings import get_settings
from app.state.customer_import import UPLOAD_ID, CustomerImportState, MappingColumn, PreviewCell, PreviewLine

S = CustomerImportState


def _upload() -> rx.Component:
    max_bytes = get_settings().upload_max_bytes
    return rx.vstack(
        name_file_input(rx.upload(
            rx.vstack(rx.icon("file-spreadsheet", size=28, color=rx.color("indigo", 9)),
                      rx.text(S.upload_hint, size="2", text_align="center"),
                      align="center", spacing="2"),
            id=UPLOAD_ID, multiple=False, max_size=max_bytes, on_drop_rejected=S.file_rejected,
            accept={"text/csv": [".csv", ".txt"],
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"]},
            border=f"2px dashed {rx.color('indigo', 7)}", border_radius="12px", padding="28px", width="100%",
        ), T("import.file")),
        rx.hstack(rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="2")), id="import-selected"),
        field_error(S.errors.get("file", "")),
        rx.button(rx.icon("upload", size=14), T("import.read"), id="import-read",
                  on_click=S.receive_file(rx.upload_files(upload_id=UPLOAD_ID))),
        width="100%", spacing="3", max_width="640px",
    )


def _mapping_row(column: MappingColumn) -> rx.Component:
    control_id = "import-map-" + column.index.to_string()
    return rx.table.row(
        rx.table.cell(rx.el.label(column.header, **for_id(control_id))),
        rx.table.cell(native_select(S.field_options, id=control_id, name=column.select_name, value=column.field,
                                    on_change=lambda value: S.map_column(column.index, value))),
    )


def _mapping() -> rx.Component:
    return rx.vstack(
        rx.heading(T("import.mapping"), size="4"),
        rx.text(T("import.mapping_hint"), size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell(T("import.column")),
                                         rx.table.column_header_cell(T("import.field")))),
            rx.table.body(rx.foreach(S.columns, _mapping_row)),
            variant="surface", size="1", id="import-mapping", max_width="640px", width="100%",
        ),
        field_error(S.errors.get("mapping", "")),
        width="100%", spacing="2",
    )


def _cell(cell: PreviewCell) -> rx.Component:
    return rx.table.cell(rx.vstack(
        rx.text(cell.text, size="2"),
        rx.cond(cell.error != "", rx.text(cell.error, size="1", color_scheme="red", role="alert")),
        spacing="0"), background=rx.cond(cell.error != "", rx.color("red", 2), "transparent"))


def _preview_line(line: PreviewLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(line.number, size="2", font_family="monospace")),
        rx.table.cell(rx.vstack(
            rx.cond(line.failed, rx.badge(T("import.row_failed"), color_scheme="red"),
                    rx.badge(line.action, color_scheme="green", variant="soft")),
            rx.cond(line.problem != "", rx.text(line.problem, size="1", color_scheme="red", role="alert")),
            spacing="1")),
        rx.foreach(line.cells, _cell),
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.heading(T("import.preview"), size="4"),
        rx.cond(
            S.preview_lines.length() > 0,
            rx.vstack(
                rx.text(T("import.preview_hint"), size="2", color_scheme="gray"),
                rx.cond(S.preview_failed > 0,
                        rx.callout(T("import.preview_errors"), icon="triangle-alert", color_scheme="amber",
                                   size="1")),
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("import.line")), rx.table.column_header_cell(T("import.outcome")),
                        rx.foreach(S.preview_fields, lambda label: rx.table.column_header_cell(label)))),
                    rx.table.body(rx.foreach(S.preview_lines, _preview_line)),
                    variant="surface", size="1", id="import-preview",
                ), overflow_x="auto", width="100%"),
                width="100%",
            ),
            empty_state("table", T("import.preview_empty"), T("import.preview_empty_hint")),
        ),
        rx.hstack(
            rx.button(T("common.cancel"), variant="soft", color_scheme="gray", on_click=S.new_import),
            rx.button(rx.icon("play", size=14), S.start_label, id="import-start", on_click=S.ask_start,
                      disabled=S.columns.length() == 0),
            spacing="3", justify="end", width="100%",
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title(T("import.confirm_title")),
                rx.alert_dialog.description(T("import.confirm_text")),
                rx.flex(
                    rx.alert_dialog.cancel(rx.button(T("common.cancel"), variant="soft", color_scheme="gray",
                                                     on_click=S.cancel_start)),
                    rx.alert_dialog.action(rx.button(T("import.confirm"), on_click=S.start_import,
                                                     id="import-confirm")),
                    spacing="3", justify="end", margin_top="16px",
                ),
            ),
            open=S.confirming,
        ),
        width="100%", spacing="3",
    )


def _count(key: str, name: str, color: str) -> rx.Component:
    return rx.vstack(rx.text(T(key), size="1", color_scheme="gray"),
                     rx.heading(S.counts.get(name, 0), size="5", color_scheme=color, id=f"import-count-{name}"),
                     spacing="0", padding="8px 14px", border=f"1px solid {rx.color('gray', 5)}", border_radius="8px")


def _progress() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("file-spreadsheet", size=18), rx.text(S.file_name, weight="medium"), align="center"),
        rx.cond(S.status == "running",
                rx.vstack(rx.progress(value=S.progress, width="100%", max_width="640px", id="import-progress"),
                          rx.text(T("import.running"), " ", S.done, " / ", S.total, size="2", aria_live="polite"),
                          width="100%")),
        rx.cond(S.status == "done", rx.callout(T("import.done"), icon="circle-check", color_scheme="green",
                                               id="import-done")),
        rx.cond(S.status == "failed", rx.callout(S.message, icon="circle-x", color_scheme="red", id="import-failed")),
        rx.hstack(_count("import.count.created", "created", "green"), _count("import.count.updated", "updated", "blue"),
                  _count("import.count.held", "held", "amber"), _count("import.count.unchanged", "unchanged", "gray"),
                  _count("import.count.failed", "failed", "red"), spacing="3", wrap="wrap"),
        rx.cond(S.error_url != "",
                rx.link(rx.button(rx.icon("download", size=14), T("import.error_file"), variant="soft",
                                  color_scheme="red"), href=S.error_url, is_external=True, id="import-error-file")),
        rx.cond(S.status != "running",
                rx.hstack(rx.button(T("import.another"), variant="soft", on_click=S.new_import),
                          rx.link(rx.button(T("import.back")), href="/office/customers"), spacing="3")),
        width="100%", spacing="3",
    )


def customer_import_page() -> rx.Component:
    return office_shell(
        "customers",
        rx.hstack(page_header(T("import.title"), T("import.subtitle")), rx.spacer(),
                  rx.link(T("import.back"), href="/office/customers"), width="100%", align="start"),
        rx.cond(
            (S.status == "running") | (S.status == "done") | (S.status == "failed"),
            _progress(),
            rx.cond(S.status == "uploaded",
                    rx.vstack(rx.hstack(rx.icon("file-spreadsheet", size=18), rx.text(S.file_name, weight="medium")),
                              _mapping(), _preview(), width="100%", spacing="5"),
                    _upload()),
        ),
    )
