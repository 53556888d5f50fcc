from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import (
    confirm_dialog,
    dialog_control,
    empty_state,
    field_error,
    for_id,
    list_count,
    office_shell,
    page_header,
    pager,
)
from app.state.users import UserEventView, UsersState, UserView


def _role_cell(user: UserView) -> rx.Component:
    """Staff users other than oneself: the role is chosen here (the server refuses the last administrator)."""
    return rx.cond(
        user.is_staff & ~user.is_self,
        rx.select.root(
            rx.select.trigger(variant="ghost", aria_label=T("users.col.role") + " · " + user.full_name),
            rx.select.content(rx.foreach(UsersState.role_options, lambda o: rx.select.item(o[1], value=o[0]))),
            value=user.role_value, size="1", on_change=lambda role: UsersState.change_role(user.id, role),
        ),
        rx.text(user.role),
    )


def _row(user: UserView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(user.full_name, weight="medium")),
        rx.table.cell(user.email),
        rx.table.cell(_role_cell(user)),
        rx.table.cell(user.customer_name),
        rx.table.cell(rx.cond(user.is_active, rx.badge(T("common.yes"), color_scheme="green"),
                              rx.badge(T("common.no"), color_scheme="gray"))),
        rx.table.cell(user.last_login, white_space="nowrap"),
        rx.table.cell(rx.cond(
            user.consents_by_role,
            rx.tooltip(rx.icon("check", size=16, color=rx.color("green", 10)), content=T("users.by_role")),
            rx.cond(user.consents_grantable,
                    rx.switch(checked=user.records_consents, size="1",
                              on_change=lambda on: UsersState.set_consent_right(user.id, on),
                              aria_label=T("users.col.consents"))),
        )),
        rx.table.cell(rx.hstack(
            rx.cond(user.is_active,
                    rx.tooltip(rx.icon_button(rx.icon("key-round", size=14), size="1", variant="soft",
                                              on_click=UsersState.send_reset(user.id),
                                              aria_label=T("users.send_reset")),
                               content=T("users.send_reset"))),
            rx.cond(
                user.is_self,
                rx.fragment(),
                rx.button(rx.cond(user.is_active, T("users.disable"), T("users.enable")), size="1", variant="soft",
                          color_scheme=rx.cond(user.is_active, "red", "green"),
                          on_click=UsersState.ask_toggle(user.id)),
            ),
            spacing="2",
        )),
    )


def _field(name: str, label_key: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(label_key), size="1", weight="medium", as_="label", **for_id(f"staff-{name}")),
        rx.input(name=name, size="2", width="100%", default_value=UsersState.staff_values[name], id=f"staff-{name}",
                 **props),
        field_error(UsersState.staff_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _staff_dialog() -> rx.Component:
    form = rx.form(
        rx.vstack(
            _field("full_name", "users.col.name"),
            _field("email", "users.col.email", type="email"),
            rx.grid(
                rx.vstack(
                    rx.text(T("users.col.role"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("users.col.role")), rx.select.content(
                        rx.foreach(UsersState.role_options, lambda o: rx.select.item(o[1], value=o[0]))),
                        name="role", default_value=UsersState.staff_values["role"]),
                    field_error(UsersState.staff_errors.get("role", "")),
                    spacing="1", width="100%",
                ),
                rx.vstack(
                    rx.text(T("field.access.language"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("field.access.language")),
                                   rx.select.content(
                        rx.select.item("Italiano", value="it"), rx.select.item("English", value="en")),
                        name="language", default_value=UsersState.staff_values["language"]),
                    field_error(UsersState.staff_errors.get("language", "")),
                    spacing="1", width="100%",
                ),
                columns="2", spacing="3", width="100%",
            ),
            field_error(UsersState.staff_errors.get("", "")),
            rx.text(T("users.invite_help"), size="1", color_scheme="gray"),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("users.invite"), type="submit", id="save-staff"), spacing="3", justify="end",
                    width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=UsersState.save_user, key=UsersState.staff_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("users.new")), form, max_width="520px"),
        **dialog_control(UsersState, "staff"),
    )


def _event_row(event: UserEventView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(event.when, white_space="nowrap"),
        rx.table.cell(event.user_name),
        rx.table.cell(event.what),
        rx.table.cell(event.actor_name),
    )


def _log() -> rx.Component:
    return rx.vstack(
        rx.heading(T("users.log"), size="3"),
        rx.cond(
            UsersState.event_rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(T("users.log.when")),
                    rx.table.column_header_cell(T("users.col.name")),
                    rx.table.column_header_cell(T("users.log.what")),
                    rx.table.column_header_cell(T("users.log.by")),
                )),
                rx.table.body(rx.foreach(UsersState.event_rows, _event_row)),
                variant="surface", size="1", width="100%",
            ),
            rx.text(T("users.log.empty"), size="2", color_scheme="gray"),
        ),
        width="100%", spacing="2", padding_top="16px",
    )


def users_page() -> rx.Component:
    return office_shell(
        "users",
        page_header(T("users.title"), T("users.subtitle")),
        rx.hstack(
            rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=T("users.search"),
                     on_change=UsersState.search_users.debounce(300), width="340px", id="users-search",
                     default_value=UsersState.users_search, key=UsersState.search_key, aria_label=T("users.search")),
            rx.spacer(),
            rx.button(rx.icon("user-plus", size=14), T("users.new"), size="2", variant="soft",
                      on_click=UsersState.new_user, id="new-staff"),
            width="100%",
        ),
        rx.cond(
            UsersState.user_rows.length() > 0,
            rx.vstack(
                list_count(UsersState.count_text, "users-count"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("users.col.name")),
                        rx.table.column_header_cell(T("users.col.email")),
                        rx.table.column_header_cell(T("users.col.role")),
                        rx.table.column_header_cell(T("users.col.customer")),
                        rx.table.column_header_cell(T("users.col.active")),
                        rx.table.column_header_cell(T("users.col.last_login")),
                        rx.table.column_header_cell(T("users.col.consents")),
                        rx.table.column_header_cell(""),
                    )),
                    rx.table.body(rx.foreach(UsersState.user_rows, _row)),
                    variant="surface", size="2", width="100%",
                ),
                pager(UsersState),
                width="100%",
            ),
            empty_state("user-search", T("users.empty")),
        ),
        _log(),
        _staff_dialog(),
        confirm_dialog(UsersState, UsersState.confirm_toggle, confirm_id="confirm-toggle"),
    )
