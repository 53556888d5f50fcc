"""Customer requests: the office inbox, and the rules that decide what needs a review."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, empty_state, for_id, list_count, office_shell, page_header, pager
from app.state.change_requests import InboxRowView, InboxState, PolicyRowView, RequestSettingsState


def _inbox_row(row: InboxRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(
            row.first_of_customer,
            rx.vstack(
                rx.text(row.customer, weight="bold", size="2"),
                rx.link(rx.hstack(rx.icon("git-pull-request-arrow", size=13),
                                  rx.cond(InboxState.state_filter == "processed", T("inbox.open_card"),
                                          T("inbox.review")),
                                  spacing="1", align="center"),
                        href=f"/office/customer?id={row.customer_id}", size="2"),
                spacing="1",
            ),
        )),
        rx.table.cell(rx.cond(row.first_of_field, rx.text(row.field, weight="medium", size="2"))),
        rx.table.cell(rx.text(row.before, size="2", color_scheme="gray")),
        rx.table.cell(rx.text(row.requested, size="2", weight="medium")),
        rx.table.cell(rx.text(row.asked, size="1", color_scheme="gray")),
        rx.table.cell(rx.vstack(rx.badge(row.outcome, color_scheme=row.color),
                                rx.text(row.decided, size="1", color_scheme="gray"), spacing="1")),
        border_top=rx.cond(row.first_of_customer, f"2px solid {rx.color('gray', 6)}", "none"),
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(T("inbox.type"), size="1", color_scheme="gray"),
            rx.select.root(rx.select.trigger(aria_label=T("inbox.type")),
                           rx.select.content(rx.select.item(T("requests.type.registry"), value="registry")),
                           value="registry", size="2"),
            spacing="1",
        ),
        rx.vstack(
            rx.text(T("inbox.state"), size="1", color_scheme="gray"),
            rx.segmented_control.root(
                rx.segmented_control.item(T("inbox.to_process"), value="to_process"),
                rx.segmented_control.item(T("inbox.processed"), value="processed"),
                value=InboxState.state_filter, on_change=InboxState.filter_state, id="inbox-state",
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.text(T("inbox.col.field"), size="1", color_scheme="gray"),
            rx.select.root(
                rx.select.trigger(aria_label=T("inbox.col.field")),
                rx.select.content(rx.select.item(T("inbox.all_fields"), value="all"),
                                  rx.foreach(InboxState.field_options, lambda o: rx.select.item(o[1], value=o[0]))),
                value=InboxState.field_filter, on_change=InboxState.filter_field, size="2",
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.text(T("inbox.customer"), size="1", color_scheme="gray", as_="label", **for_id("inbox-customer")),
            rx.input(rx.input.slot(rx.icon("search", size=14)), on_change=InboxState.filter_customer.debounce(300),
                     width="240px", id="inbox-customer", default_value=InboxState.customer_filter,
                     key=InboxState.filters_key),
            spacing="1",
        ),
        rx.vstack(
            rx.text(T("inbox.from"), size="1", color_scheme="gray", as_="label", **for_id("inbox-from")),
            rx.input(type="date", on_change=InboxState.filter_from, id="inbox-from", default_value=InboxState.date_from,
                     key=InboxState.filters_key),
            spacing="1",
        ),
        rx.vstack(
            rx.text(T("inbox.to"), size="1", color_scheme="gray", as_="label", **for_id("inbox-to")),
            rx.input(type="date", on_change=InboxState.filter_to, id="inbox-to", default_value=InboxState.date_to,
                     key=InboxState.filters_key),
            spacing="1",
        ),
        spacing="4", wrap="wrap", align="end", width="100%",
    )


def inbox_page() -> rx.Component:
    return office_shell(
        "requests",
        page_header(T("inbox.title"), T("inbox.help")),
        _filters(),
        rx.cond(
            InboxState.rows.length() > 0,
            rx.vstack(
                list_count(InboxState.count_text, "inbox-count"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("customers.col.name")),
                        rx.table.column_header_cell(T("inbox.col.field")),
                        rx.table.column_header_cell(T("inbox.col.before")),
                        rx.table.column_header_cell(T("inbox.col.requested")),
                        rx.table.column_header_cell(T("inbox.col.asked")),
                        rx.table.column_header_cell(T("inbox.col.outcome")),
                    )),
                    rx.table.body(rx.foreach(InboxState.rows, _inbox_row)),
                    variant="surface", size="2", width="100%", id="inbox-table",
                ),
                pager(InboxState),
                width="100%",
            ),
            rx.cond(InboxState.state_filter == "processed",
                    empty_state("inbox", T("inbox.empty_processed")),
                    empty_state("circle-check", T("inbox.empty"), T("inbox.empty_hint"))),
        ),
    )


# The column a policy select sits in, for its accessible name (keys written out for the catalog).
SOURCE_LABELS = {"portal": lambda: T("settings.source.portal"), "api": lambda: T("settings.source.api"),
                 "import": lambda: T("settings.source.import")}


def _policy_select(row: PolicyRowView, source: str, value: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", aria_label=row.label + " · " + SOURCE_LABELS[source]()),
        rx.select.content(
            rx.select.item(T("policies.auto"), value="auto"),
            rx.select.item(T("policies.review"), value="review"),
            rx.select.item(T("policies.refuse"), value="refuse"),
        ),
        value=value, on_change=lambda action: RequestSettingsState.set_policy(row.field, source, action),
        size="2", disabled=~RequestSettingsState.review_enabled,
    )


def _policy_row(row: PolicyRowView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.label),
        rx.table.cell(_policy_select(row, "portal", row.portal)),
        rx.table.cell(_policy_select(row, "api", row.api)),
        rx.table.cell(_policy_select(row, "import", row.import_)),
        id=f"policy-{row.field}",
    )


def request_rules_card() -> rx.Component:
    """Office settings: what happens to each field a customer asks to change, per source."""
    return rx.fragment(
        rx.card(
            rx.vstack(
                rx.heading(T("settings.requests_title"), size="4"),
                rx.text(T("settings.requests_help"), size="2", color_scheme="gray"),
                rx.hstack(
                    rx.switch(checked=RequestSettingsState.review_enabled,
                              on_change=RequestSettingsState.set_review_enabled, id="review-switch"),
                    rx.vstack(rx.text(T("settings.review_switch"), weight="medium", as_="label",
                                      **for_id("review-switch")),
                              rx.text(T("settings.review_switch_help"), size="1", color_scheme="gray"), spacing="0"),
                    align="center", spacing="3",
                ),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("settings.col.field")),
                        rx.table.column_header_cell(T("settings.source.portal")),
                        rx.table.column_header_cell(T("settings.source.api")),
                        rx.table.column_header_cell(T("settings.source.import")),
                    )),
                    rx.table.body(rx.foreach(RequestSettingsState.policy_rows, _policy_row)),
                    variant="surface", size="1", width="100%",
                ),
                rx.cond(RequestSettingsState.settings_error != "",
                        rx.callout(RequestSettingsState.settings_error, icon="triangle-alert", color_scheme="red")),
                rx.hstack(
                    rx.button(T("settings.defaults"), variant="soft", color_scheme="gray",
                              on_click=RequestSettingsState.ask_defaults),
                    rx.spacer(),
                    rx.button(rx.icon("save", size=14), T("settings.save"), on_click=RequestSettingsState.save_settings,
                              id="save-settings"),
                    width="100%",
                ),
                spacing="4", width="100%",
            ),
            size="3", width="100%",
        ),
        confirm_dialog(RequestSettingsState, RequestSettingsState.restore_defaults,
                       text=T("settings.defaults_confirm")),
    )
