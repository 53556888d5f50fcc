"""The customer card's Cronologia transazioni tab: filters, the lines, a document's preview, the complaint
dialog and the exports."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, dialog_control, empty_state, field_error, for_id, pager
from app.domain.vocabularies import HistoryStatus
from app.state.history import HistoryTab, HistoryView, PreviewLine


def _field(name: str, label_key: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(label_key), size="1", color_scheme="gray", as_="label", **for_id(f"history-{name}")),
        rx.input(name=name, id=f"history-{name}", default_value=HistoryTab.filter_values[name], size="2",
                 width="100%", **props),
        field_error(HistoryTab.filter_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _filters() -> rx.Component:
    s = HistoryTab
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.input(rx.input.slot(rx.icon("search", size=16)), name="q", id="history-q",
                         default_value=s.filter_values["q"], placeholder=T("history.search"), size="3",
                         width="100%", max_width="480px", auto_complete="off"),
                rx.select.root(
                    rx.select.trigger(aria_label=T("history.col.status"), id="history-status"),
                    rx.select.content(rx.select.item(T("history.all_statuses"), value="all"),
                                      *[rx.select.item(T(status.label_key), value=status.value)
                                        for status in HistoryStatus]),
                    name="status", default_value=s.filter_values["status"], size="3",
                ),
                rx.button(rx.icon("filter", size=14), T("history.apply"), type="submit", size="3",
                          id="history-apply"),
                rx.button(T("history.clear"), type="button", size="3", variant="soft", color_scheme="gray",
                          on_click=s.clear_filters),
                spacing="3", width="100%", align="center", wrap="wrap",
            ),
            rx.grid(
                _field("price_min", "history.price_min", input_mode="decimal"),
                _field("price_max", "history.price_max", input_mode="decimal"),
                _field("date_from", "history.date_from", type="date"),
                _field("date_to", "history.date_to", type="date"),
                _field("value_min", "history.value_min", input_mode="decimal"),
                _field("value_max", "history.value_max", input_mode="decimal"),
                _field("property", "history.property", placeholder=T("history.property_hint")),
                rx.hstack(rx.checkbox(name="defective", id="history-defective",
                                      default_checked=s.filter_values["defective"] == "on"),
                          rx.text(T("history.defective"), as_="label", **for_id("history-defective"), size="2"),
                          align="center", padding_top="20px"),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%",
            ),
            spacing="3", width="100%",
        ),
        on_submit=s.apply_filters, key=s.filter_key, width="100%",
    )


def _line(row: HistoryView) -> rx.Component:
    s = HistoryTab
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.hstack(rx.text(row.article, size="2", weight="medium"),
                      rx.cond(row.defective, rx.badge(T("history.defective_badge"), color_scheme="red")),
                      spacing="2", align="center"),
            rx.cond(row.details != "", rx.text(row.details, size="1", color_scheme="gray")),
            spacing="0")),
        rx.table.cell(rx.vstack(
            rx.button(row.document, on_click=s.preview(row.line_id), variant="ghost", size="1",
                      font_family="monospace", class_name="history-document", white_space="nowrap"),
            rx.cond(row.source != "", rx.text("← ", row.source, size="1", color_scheme="gray",
                                              font_family="monospace", white_space="nowrap")),
            spacing="0")),
        rx.table.cell(row.date, white_space="nowrap"),
        rx.table.cell(rx.badge(row.status, color_scheme=row.status_color)),
        rx.table.cell(row.quantity, text_align="right"),
        rx.table.cell(row.price, text_align="right", white_space="nowrap"),
        rx.table.cell(row.discount, text_align="right", white_space="nowrap"),
        rx.table.cell(rx.text(row.final, weight="medium"), text_align="right", white_space="nowrap"),
        rx.table.cell(rx.cond(s.can_act, rx.hstack(
            rx.cond(row.can_complain, rx.button(T("history.complain"), size="1", variant="soft",
                                                color_scheme="red", on_click=s.ask_complaint(row.line_id),
                                                class_name="make-complaint")),
            rx.cond(row.can_credit, rx.button(T("sales.make_credit_note"), size="1", variant="soft",
                                              color_scheme="gray", on_click=s.ask_credit_note(row.line_id),
                                              class_name="credit-line")),
            spacing="2", justify="end", wrap="wrap")), min_width="130px"),
        class_name="history-row",
    )


def _preview_line(line: PreviewLine) -> rx.Component:
    return rx.table.row(rx.table.cell(line.description), rx.table.cell(line.quantity, text_align="right"),
                        rx.table.cell(line.price, text_align="right"), rx.table.cell(line.gross, text_align="right"))


def _preview_dialog() -> rx.Component:
    s = HistoryTab
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(s.preview_title),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                "history.col.article", "history.col.quantity", "history.col.price", "sales.col.total")])),
            rx.table.body(rx.foreach(s.preview_lines, _preview_line)), size="1", width="100%"),
        rx.hstack(rx.text(T("sales.col.total"), ": ", rx.text.strong(s.preview_total)), justify="end",
                  width="100%", padding_top="12px"),
        rx.flex(rx.dialog.close(rx.button(T("common.close"), variant="soft", color_scheme="gray")), justify="end",
                padding_top="12px"),
        max_width="640px", id="document-preview"), **dialog_control(s, "preview"))


def _complaint_dialog() -> rx.Component:
    s, values, errors = HistoryTab, HistoryTab.complaint_values, HistoryTab.complaint_errors
    form = rx.form(
        rx.vstack(
            rx.text(T("history.complaint_customer"), " ", rx.text.strong(s.complaint_customer, id="complaint-customer"),
                    size="2"),
            field_error(errors.get("customer", "")),
            rx.text(T("history.quantity"), size="2", weight="medium", as_="label", **for_id("complaint-quantity")),
            rx.input(name="quantity", id="complaint-quantity", default_value=values["quantity"],
                     input_mode="decimal", width="160px"),
            field_error(errors.get("quantity", "")),
            rx.hstack(rx.checkbox(name="defective", id="complaint-defective"),
                      rx.text(T("history.defective"), as_="label", **for_id("complaint-defective"), size="2"),
                      align="center"),
            rx.text(T("history.complaint_notes"), size="2", weight="medium", as_="label",
                    **for_id("complaint-notes")),
            rx.text_area(name="notes", id="complaint-notes", rows="3", width="100%", max_length=4000),
            field_error(errors.get("notes", "")),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("history.complain"), type="submit", color_scheme="red", id="save-complaint"),
                    spacing="3", justify="end", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=s.save_complaint, key=s.complaint_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(s.complaint_title), form, max_width="520px"),
                          **dialog_control(s, "complaint"))


def history_tab() -> rx.Component:
    s = HistoryTab
    return rx.vstack(
        _filters(),
        rx.hstack(
            rx.spacer(),
            rx.link(rx.button(rx.icon("download", size=14), "CSV", size="1", variant="soft"),
                    href="/api/customers/" + s.customer_id.to_string() + "/history.csv?" + s.export_query,
                    is_external=True, id="export-csv"),
            rx.link(rx.button(rx.icon("sheet", size=14), "Excel", size="1", variant="soft"),
                    href="/api/customers/" + s.customer_id.to_string() + "/history.xlsx?" + s.export_query,
                    is_external=True, id="export-xlsx"),
            width="100%", spacing="2",
        ),
        rx.cond(
            s.history_rows.length() > 0,
            rx.vstack(
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                        "history.col.article", "history.col.document", "history.col.date", "history.col.status",
                        "history.col.quantity", "history.col.price", "history.col.discount", "history.col.final")],
                        rx.table.column_header_cell(""))),
                    rx.table.body(rx.foreach(s.history_rows, _line)),
                    variant="surface", size="1", width="100%", id="history-table",
                ), overflow_x="auto", width="100%"),
                pager(s),
                spacing="3", width="100%",
            ),
            empty_state("history", T("history.empty"), T("history.empty_hint")),
        ),
        _preview_dialog(),
        _complaint_dialog(),
        confirm_dialog(s, s.confirm_credit_note, confirm_id="confirm-credit-line"),
        spacing="3", width="100%",
    )
