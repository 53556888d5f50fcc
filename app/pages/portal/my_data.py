"""Reserved area: the company's registry data, and the changes the customer asked for."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import empty_state, field_error, for_id, portal_shell
from app.domain import change_rules as rules
from app.state.change_requests import MyDataState, OwnItemView, OwnRequestView


def _pending(field: str) -> rx.Component:
    pending = MyDataState.pending.get(field, "")
    return rx.cond(pending != "", rx.hstack(
        rx.badge(rx.icon("hourglass", size=11), T("mydata.pending_badge"), color_scheme="amber"),
        rx.text(pending, size="1", color_scheme="gray"),
        spacing="2", align="center", id=f"pending-{field}",
    ))


def _input(column: str, type_: str = "text", **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(f"field.{column}"), as_="label", size="2", weight="medium", **for_id(f"my-{column}")),
        rx.input(id=f"my-{column}", name=column, type=type_, default_value=MyDataState.values[column],
                 color_scheme=rx.cond(MyDataState.errors.contains(column), "red", "gray"), width="100%", size="3",
                 **props),
        field_error(MyDataState.errors.get(column, "")),
        _pending(column) if column in rules.REQUEST_FIELDS else rx.fragment(),
        spacing="1", width="100%",
    )


def _section(title_key: str, *inputs: rx.Component, columns: str = "2", pending: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(T(title_key), size="2", weight="bold", color_scheme="gray"),
        _pending(pending) if pending else rx.fragment(),
        rx.grid(*inputs, columns=rx.breakpoints(initial="1", sm=columns), spacing="4", width="100%"),
        spacing="2", width="100%",
    )


def _outcome() -> rx.Component:
    return rx.vstack(
        rx.cond(MyDataState.outcome_applied != "",
                rx.callout(MyDataState.outcome_applied, icon="circle-check", color_scheme="green", width="100%",
                           id="outcome-applied")),
        rx.cond(MyDataState.outcome_pending != "",
                rx.callout(MyDataState.outcome_pending, icon="hourglass", color_scheme="amber", width="100%",
                           id="outcome-pending")),
        rx.cond(MyDataState.outcome_refused != "",
                rx.callout(MyDataState.outcome_refused, icon="ban", color_scheme="red", width="100%",
                           id="outcome-refused")),
        spacing="2", width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(MyDataState.form_message != "",
                    rx.callout(MyDataState.form_message, icon="triangle-alert", color_scheme="red", width="100%")),
            rx.cond(
                MyDataState.kind == "business",
                _section("mydata.section.company", _input("company_name"), _input("sdi_code"), columns="2"),
                _section("mydata.section.person", _input("first_name"), _input("last_name")),
            ),
            _section("mydata.section.ids", _input("vat_number"), _input("tax_code"), _input("pec", type_="email")),
            _section("mydata.section.contacts", _input("email", type_="email"), _input("phone", type_="tel"),
                     _input("mobile", type_="tel"), columns="3"),
            _section("mydata.section.address", _input("street"), _input("city"), _input("cap"), _input("province"),
                     pending="address"),
            rx.hstack(rx.spacer(), rx.button(rx.icon("send", size=16), T("mydata.send"), size="3", type="submit",
                                             id="send-changes"), width="100%"),
            spacing="5", width="100%",
        ),
        on_submit=MyDataState.send_changes, key=MyDataState.form_key, width="100%",
    )


def _item(item: OwnItemView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.field),
        rx.table.cell(item.requested),
        rx.table.cell(rx.vstack(rx.badge(item.outcome, color_scheme=item.color),
                                rx.text(item.decided, size="1", color_scheme="gray"), spacing="1")),
    )


def _request(request: OwnRequestView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(request.title, weight="bold"), rx.spacer(), rx.badge(request.status, variant="soft"),
                      width="100%", align="center"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(T("mydata.col.field")),
                    rx.table.column_header_cell(T("mydata.col.requested")),
                    rx.table.column_header_cell(T("mydata.col.outcome")),
                )),
                rx.table.body(rx.foreach(request.fields, _item)),
                size="1", width="100%",
            ), overflow_x="auto", width="100%"),
            spacing="2", width="100%",
        ),
        width="100%", class_name="own-request",
    )


def my_data_page() -> rx.Component:
    return portal_shell(
        rx.vstack(
            rx.heading(T("mydata.title"), size="7"),
            rx.text(T("mydata.help"), color_scheme="gray", size="3", max_width="680px"),
            spacing="2",
        ),
        _outcome(),
        rx.card(_form(), size="3", width="100%", id="my-data"),
        rx.heading(T("mydata.requests"), size="5", margin_top="8px"),
        rx.cond(
            MyDataState.requests.length() > 0,
            rx.vstack(rx.foreach(MyDataState.requests, _request), spacing="3", width="100%", id="own-requests"),
            empty_state("file-pen-line", T("mydata.no_requests"), T("mydata.no_requests_hint")),
        ),
        rx.cond(MyDataState.more_requests,
                rx.button(T("mydata.more"), variant="soft", on_click=MyDataState.load_more_requests)),
    )
