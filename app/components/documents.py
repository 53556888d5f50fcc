"""Contracts and reports with their files: the card's tabs, the forms, the upload window; and the
list the reserved area shows."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import (
    confirm_dialog,
    dialog_control,
    empty_state,
    field_error,
    for_id,
    name_file_input,
    native_select,
)
from app.services.documents import REPORT_KINDS
from app.state.documents import UPLOAD_ID, DocumentView, FileView


def _file(state, f: FileView, can_edit: rx.Var | None) -> rx.Component:  # noqa: ANN001
    remove = rx.cond(can_edit, rx.icon_button(
        rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="red", aria_label=T("common.remove"),
        on_click=state.ask_remove_file(f.id))) if can_edit is not None else rx.fragment()
    return rx.hstack(
        rx.icon("paperclip", size=14, color=rx.color("gray", 10)),
        rx.link(f.name, href=f.url, is_external=True, size="2", class_name="file-link"),
        rx.text(f.detail, size="1", color_scheme="gray"),
        rx.spacer(),
        remove,
        align="center", spacing="2", width="100%",
    )


def document_card(state, d: DocumentView, can_edit: rx.Var | None = None) -> rx.Component:  # noqa: ANN001
    """`can_edit` None: the reserved area's read-only card."""
    actions = rx.cond(can_edit, rx.hstack(
        rx.button(rx.icon("paperclip", size=12), T("uploads.attach"), size="1", variant="soft",
                  on_click=state.open_upload(d.kind, d.id)),
        rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1", variant="ghost",
                  on_click=state.edit_document(d.kind, d.id)),
        spacing="2",
    )) if can_edit is not None else rx.fragment()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.text(d.title, weight="bold"), rx.text(d.subtitle, size="1", color_scheme="gray"),
                          spacing="0"),
                rx.cond(d.state != "", rx.badge(d.state, color_scheme=d.state_color)),
                # Whether the customer sees it is the office's business: the reserved area shows shared ones only.
                rx.cond(d.shared, rx.badge(rx.icon("share-2", size=11), T("documents.shared_badge"), variant="soft"))
                if can_edit is not None else rx.fragment(),
                rx.spacer(),
                actions,
                width="100%", align="center", spacing="3", wrap="wrap",
            ),
            rx.cond(d.files.length() > 0,
                    rx.vstack(rx.foreach(d.files, lambda f: _file(state, f, can_edit)), spacing="1", width="100%"),
                    rx.text(T("documents.no_files"), size="1", color_scheme="gray")),
            spacing="2", width="100%",
        ),
        width="100%", class_name="document",
    )


def documents_tab(state, kind: str, can_edit: rx.Var) -> rx.Component:  # noqa: ANN001
    if kind == "contract":
        rows, add, empty, hint = state.contract_rows, "contracts.add", "contracts.empty", "contracts.empty_hint"
    else:
        rows, add, empty, hint = state.report_rows, "reports.add", "reports.empty", "reports.empty_hint"
    return rx.vstack(
        rx.cond(can_edit, rx.button(rx.icon("file-plus", size=14), T(add), size="2", variant="soft",
                                    on_click=state.new_document(kind), id=f"add-{kind}")),
        rx.cond(rows.length() > 0,
                rx.vstack(rx.foreach(rows, lambda d: document_card(state, d, can_edit)), spacing="3", width="100%",
                          id=f"{kind}-list"),
                empty_state("file-text", T(empty), T(hint))),
        spacing="3", width="100%",
    )


def _field(state, name: str, label_key: str, control: rx.Component) -> rx.Component:  # noqa: ANN001
    return rx.vstack(rx.text(T(label_key), size="2", weight="medium"), control,
                     field_error(state.doc_errors.get(name, "")), spacing="1", width="100%")


def document_dialog(state) -> rx.Component:  # noqa: ANN001
    v = state.doc_values
    contract = rx.grid(
        _field(state, "number", "contracts.number",
               rx.input(name="number", default_value=v["number"], id="doc-number")),
        _field(state, "title", "documents.title", rx.input(name="title", default_value=v["title"], id="doc-title")),
        _field(state, "start_on", "contracts.start_on",
               rx.input(type="date", name="start_on", default_value=v["start_on"], id="doc-start")),
        _field(state, "expires_on", "contracts.expires_on",
               rx.input(type="date", name="expires_on", default_value=v["expires_on"], id="doc-expires")),
        columns="2", spacing="3", width="100%",
    )
    report = rx.grid(
        _field(state, "title", "documents.title", rx.input(name="title", default_value=v["title"], id="doc-title")),
        _field(state, "kind", "reports.kind", rx.select.root(
            rx.select.trigger(width="100%", aria_label=T("reports.kind")),
            rx.select.content(*[rx.select.item(T(f"reports.kind.{k}"), value=k) for k in REPORT_KINDS]),
            name="kind", default_value=v["kind"])),
        _field(state, "report_date", "reports.date",
               rx.input(type="date", name="report_date", default_value=v["report_date"], id="doc-date")),
        _field(state, "intervention_id", "documents.intervention", native_select(
            state.intervention_choices, name="intervention_id", default_value=v["intervention_id"],
            id="doc-intervention", aria_label=T("documents.intervention"))),
        columns="2", spacing="3", width="100%",
    )
    form = rx.form(
        rx.vstack(
            rx.cond(state.doc_kind == "contract", contract, report),
            _field(state, "notes", "documents.notes", rx.text_area(name="notes", default_value=v["notes"], rows="3",
                                                                    width="100%")),
            rx.hstack(rx.checkbox(name="shared", id="doc-shared", default_checked=v["shared"] == "on"),
                      rx.text(T("documents.shared"), as_="label", **for_id("doc-shared"), size="2")),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="save-document"), spacing="3", justify="end",
                    width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=state.save_document, key=state.doc_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("documents.edit")), form, max_width="640px"),
        **dialog_control(state, "document"),
    )


def upload_dialog(state, max_mb: int) -> rx.Component:  # noqa: ANN001
    """`max_mb` is checked again on the server; here it spares the user a pointless wait."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("uploads.attach")),
            rx.text(state.upload_title, size="2", color_scheme="gray"),
            name_file_input(rx.upload(
                rx.vstack(rx.icon("upload", size=28, color=rx.color("indigo", 9)),
                          rx.text(state.upload_hint, size="2", text_align="center"),
                          align="center", spacing="2"),
                id=UPLOAD_ID, multiple=True, max_size=max_mb * 1024 * 1024,
                border=f"2px dashed {rx.color('indigo', 7)}", border_radius="12px", padding="28px", width="100%",
                margin_y="12px",
            ), T("uploads.attach")),
            rx.vstack(rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="2")),
                      spacing="0", width="100%", id="selected-files"),
            rx.cond(state.upload_progress > 0, rx.progress(value=state.upload_progress, width="100%")),
            rx.vstack(rx.foreach(state.upload_errors, lambda line: rx.text(line, size="2", color_scheme="red",
                                                                           role="alert")),
                      spacing="1", width="100%", id="upload-errors"),
            rx.flex(
                rx.dialog.close(rx.button(T("common.close"), variant="soft", color_scheme="gray", type="button")),
                rx.button(rx.icon("upload", size=14), T("uploads.send"), id="send-files",
                          on_click=state.receive_files(rx.upload_files(upload_id=UPLOAD_ID,
                                                                       on_upload_progress=state.upload_progressed))),
                spacing="3", justify="end", width="100%", margin_top="12px",
            ),
            max_width="620px",
        ),
        **dialog_control(state, "upload"),
    )


def remove_file_dialog(state) -> rx.Component:  # noqa: ANN001
    return confirm_dialog(state, state.confirm_remove_file, confirm_key="common.remove", color="red")
