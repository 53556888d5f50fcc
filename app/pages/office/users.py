from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import empty_state, office_shell, page_header, pager
from app.state.office import UsersState, UserView


def _row(user: UserView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(user.full_name, weight="medium")),
        rx.table.cell(user.email),
        rx.table.cell(user.role),
        rx.table.cell(user.customer_name),
        rx.table.cell(rx.cond(user.is_active, rx.badge(T("common.yes"), color_scheme="green"),
                              rx.badge(T("common.no"), color_scheme="gray"))),
        rx.table.cell(user.last_login, white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                user.is_self,
                rx.fragment(),
                rx.button(rx.cond(user.is_active, T("users.disable"), T("users.enable")), size="1", variant="soft",
                          color_scheme=rx.cond(user.is_active, "red", "green"),
                          on_click=UsersState.ask_toggle(user.id)),
            )
        ),
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("common.confirm")),
            rx.alert_dialog.description(UsersState.confirm_text),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(T("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(T("common.confirm"), on_click=UsersState.confirm_toggle,
                                                 id="confirm-toggle")),
                spacing="3", justify="end", margin_top="16px",
            ),
        ),
        open=UsersState.confirm_open,
        on_open_change=UsersState.confirm_dialog_changed,
    )


def users_page() -> rx.Component:
    return office_shell(
        "users",
        page_header(T("users.title"), T("users.subtitle")),
        rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=T("users.search"),
                 on_change=UsersState.search_users.debounce(300), width="340px", id="users-search"),
        rx.cond(
            UsersState.user_rows.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("users.col.name")),
                        rx.table.column_header_cell(T("users.col.email")),
                        rx.table.column_header_cell(T("users.col.role")),
                        rx.table.column_header_cell(T("users.col.customer")),
                        rx.table.column_header_cell(T("users.col.active")),
                        rx.table.column_header_cell(T("users.col.last_login")),
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
        _confirm_dialog(),
    )
