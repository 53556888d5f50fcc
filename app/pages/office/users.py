from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, empty_state, office_shell, page_header, pager
from app.state.users import UsersState, UserView


def _row(user: UserView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(user.full_name, weight="medium")),
        rx.table.cell(user.email),
        rx.table.cell(user.role),
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
        confirm_dialog(UsersState, UsersState.confirm_toggle, confirm_id="confirm-toggle"),
    )
