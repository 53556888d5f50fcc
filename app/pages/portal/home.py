from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import module_icon, portal_shell
from app.state.home import PortalHomeState


def _fact(icon: str, label: rx.Var, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=18, color=rx.color("indigo", 10)),
        rx.vstack(rx.text(label, size="1", color_scheme="gray"), rx.text(value, weight="medium"), spacing="0"),
        align="center", spacing="3",
    )


def portal_home_page() -> rx.Component:
    return portal_shell(
        rx.vstack(
            rx.heading(T("portal.title"), size="7"),
            rx.text(T("portal.help"), color_scheme="gray", size="3", max_width="640px"),
            spacing="2",
        ),
        rx.card(
            rx.grid(
                _fact("building-2", PortalHomeState.customer_label, PortalHomeState.company_name),
                _fact("hash", T("portal.code"), PortalHomeState.customer_code),
                _fact("user-round", T("portal.you"), PortalHomeState.account_email),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="5", width="100%",
            ),
            size="3", width="100%", id="portal-company",
        ),
        rx.grid(
            rx.foreach(PortalHomeState.portal_links, _module_card),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%", id="portal-modules",
        ),
    )


def _module_card(link) -> rx.Component:  # noqa: ANN001
    return rx.link(
        rx.card(
            rx.hstack(
                rx.center(module_icon(link.key, 22), width="44px", height="44px", border_radius="10px",
                          background=rx.color("indigo", 3), color=rx.color("indigo", 11), flex_shrink="0"),
                rx.vstack(rx.text(link.label, weight="bold", size="3"),
                          rx.text(link.help, size="2", color_scheme="gray"), spacing="1"),
                align="center", spacing="4",
            ),
            size="2", width="100%", class_name="module-card", _hover={"background": rx.color("indigo", 2)},
        ),
        href=link.href, underline="none", color="inherit", width="100%",
    )
