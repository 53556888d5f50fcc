"""The customer card's sales documents tab and the quote/order editor."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, dialog_control, empty_state, field_error, for_id
from app.state.sales import ArticleHit, DocumentView, LineDraft, SalesTab


def _move_button(document: DocumentView, move: rx.Var) -> rx.Component:
    return rx.button(move[1], size="1", variant="soft", on_click=SalesTab.ask_move(document.id, move[0]),
                     class_name="document-move")


def _document_row(document: DocumentView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(document.number, font_family="monospace", size="2", weight="medium")),
        rx.table.cell(document.kind),
        rx.table.cell(document.date, white_space="nowrap"),
        rx.table.cell(rx.badge(document.status, color_scheme=document.status_color)),
        rx.table.cell(rx.text(document.total, weight="medium"), text_align="right", white_space="nowrap"),
        rx.table.cell(rx.cond(SalesTab.can_write_documents, rx.hstack(
            rx.cond(document.editable, rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1",
                                                 variant="ghost", on_click=SalesTab.edit_document(document.id))),
            rx.cond(document.invoiceable,
                    rx.button(rx.icon("receipt", size=12), T("sales.make_invoice"), size="1",
                              on_click=SalesTab.ask_invoice(document.id), class_name="make-invoice")),
            rx.cond(document.creditable,
                    rx.button(rx.icon("receipt-text", size=12), T("sales.make_credit_note"), size="1", variant="soft",
                              color_scheme="gray", on_click=SalesTab.ask_credit_note(document.id),
                              class_name="make-credit-note")),
            rx.foreach(document.moves, lambda move: _move_button(document, move)),
            spacing="2", justify="end", wrap="wrap"))),
        class_name="document-row",
    )


# The column each row field sits in: its header names the field for screen readers too.
COLUMN_OF = {"description": "sales.col.description", "quantity": "sales.col.quantity", "unit_price": "sales.col.price",
             "discount": "sales.col.discount", "vat_rate": "sales.col.vat"}


def _cell_input(line: LineDraft, field: str, width: str, **props) -> rx.Component:  # noqa: ANN003
    name = f"{field}-" + line.key
    return rx.vstack(
        rx.input(name=name, default_value=getattr(line, field), width=width, size="1",
                 aria_label=T(COLUMN_OF[field]), custom_attrs={"data-field": field},
                 on_blur=lambda value: SalesTab.set_line(line.key, field, value), **props),
        field_error(SalesTab.editor_errors.get(name, "")),
        spacing="0",
    )


def _line_row(line: LineDraft) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.cond(line.article != "", rx.text(line.article, size="1", color_scheme="gray")),
            _cell_input(line, "description", "100%",
                        placeholder=rx.cond(line.article != "", T("sales.from_catalogue"), T("sales.free_text"))),
            spacing="1", width="100%")),
        rx.table.cell(_cell_input(line, "quantity", "72px", input_mode="decimal")),
        rx.table.cell(_cell_input(line, "unit_price", "96px", input_mode="decimal",
                                  placeholder=rx.cond(line.article != "", T("sales.catalogue_price"), ""))),
        rx.table.cell(_cell_input(line, "discount", "64px", input_mode="decimal", placeholder="0")),
        rx.table.cell(_cell_input(line, "vat_rate", "56px", input_mode="decimal")),
        rx.table.cell(rx.icon_button(rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="red",
                                     type="button", on_click=SalesTab.remove_line(line.key),
                                     aria_label=T("sales.remove_line"))),
    )


def _hit(hit: ArticleHit) -> rx.Component:
    return rx.button(rx.text(hit.label, size="2"), rx.spacer(), rx.text(hit.price, size="2", color_scheme="gray"),
                     type="button", variant="ghost", width="100%", justify="between",
                     on_click=SalesTab.add_article(hit.id), class_name="article-hit")


def _select(name: str, label_key: str, options: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), size="1", weight="medium"),
        rx.select.root(rx.select.trigger(width="100%", aria_label=T(label_key)),
                       rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
                       name=name, default_value=SalesTab.editor_values[name]),
        field_error(SalesTab.editor_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _header_input(name: str, label_key: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(label_key), size="1", weight="medium", as_="label", **for_id(f"doc-{name}")),
        rx.input(name=name, id=f"doc-{name}", default_value=SalesTab.editor_values[name], width="100%", **props),
        field_error(SalesTab.editor_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _editor() -> rx.Component:
    errors = SalesTab.editor_errors
    form = rx.form(
        rx.vstack(
            rx.cond(errors.contains(""), rx.callout(errors.get("", ""), icon="circle-alert", color_scheme="red",
                                                    width="100%", id="document-refused")),
            rx.grid(
                _header_input("date", "sales.date", type="date"),
                _select("payment_term", "sales.payment_term", SalesTab.term_options),
                _select("shipping_site_id", "sales.shipping_site", SalesTab.site_options),
                _header_input("shipping_costs", "sales.shipping_costs", input_mode="decimal"),
                columns=rx.breakpoints(initial="1", sm="4"), spacing="3", width="100%",
            ),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "sales.col.description", "sales.col.quantity", "sales.col.price", "sales.col.discount",
                    "sales.col.vat")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(SalesTab.editor_lines, _line_row)),
                size="1", width="100%", id="document-lines",
            ), overflow_x="auto", width="100%"),
            field_error(errors.get("lines", "")),
            rx.hstack(
                rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=T("sales.find_article"),
                         on_change=SalesTab.search_articles.debounce(150), width="100%", max_width="360px",
                         id="article-search", name="article_query", auto_complete="off"),
                rx.button(rx.icon("plus", size=14), T("sales.free_line"), type="button", variant="soft",
                          on_click=SalesTab.add_free_line, id="add-free-line"),
                spacing="3", width="100%", align="center",
            ),
            rx.cond(SalesTab.article_hits.length() > 0,
                    rx.card(rx.vstack(rx.foreach(SalesTab.article_hits, _hit), spacing="1", width="100%"),
                            width="100%", max_width="520px")),
            rx.vstack(
                rx.text(T("field.notes"), size="1", weight="medium"),
                rx.text_area(name="notes", default_value=SalesTab.editor_values["notes"], rows="2", width="100%"),
                field_error(errors.get("notes", "")),
                spacing="1", width="100%",
            ),
            rx.text(T("sales.totals_help"), size="1", color_scheme="gray"),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="save-document"),
                    spacing="3", justify="end", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=SalesTab.save_document, key=SalesTab.editor_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(SalesTab.editor_title), form, max_width="920px"),
        **dialog_control(SalesTab, "editor"),
    )


def sales_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T("sales.help"), size="2", color_scheme="gray", max_width="560px"),
            rx.spacer(),
            rx.cond(SalesTab.can_write_documents, rx.hstack(
                rx.button(rx.icon("file-text", size=14), T("sales.new_quote"), size="2", variant="soft",
                          on_click=SalesTab.new_document("quote"), id="new-quote"),
                rx.button(rx.icon("shopping-cart", size=14), T("sales.new_order"), size="2",
                          on_click=SalesTab.new_document("order"), id="new-order"),
                spacing="2")),
            width="100%", align="start", wrap="wrap",
        ),
        rx.cond(
            SalesTab.document_rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "sales.col.number", "sales.col.kind", "sales.date", "sales.col.status", "sales.col.total")],
                    rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(SalesTab.document_rows, _document_row)),
                variant="surface", width="100%", id="documents-table",
            ),
            empty_state("receipt", T("sales.empty"), T("sales.empty_hint")),
        ),
        rx.cond(SalesTab.documents_more,
                rx.button(T("movements.more"), variant="soft", on_click=SalesTab.more_documents)),
        _editor(),
        confirm_dialog(SalesTab, SalesTab.confirm_move),
        spacing="3", width="100%",
    )
