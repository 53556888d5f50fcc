"""The frame of every page: sign-in card, office sidebar, field and reserved-area top bars."""

from __future__ import annotations

import reflex as rx

from app.components.draft_form import clear_all_drafts
from app.components.i18n import T, language_switch
from app.state.session import SessionState, start_over


def _sign_out() -> list:
    """Signing out also forgets the drafts this browser keeps (a technician's typed work and a customer's
    signature): a tablet is often shared."""
    return [clear_all_drafts(), start_over()]


def brand(size: str = "4", compact_on_phone: bool = False) -> rx.Component:
    return rx.hstack(
        rx.center(rx.icon("contact-round", size=20, color="white"), width="34px", height="34px",
                  border_radius="9px", background=rx.color("indigo", 9), flex_shrink="0"),
        rx.heading(T("app.name"), size=size, weight="bold", white_space="nowrap",
                   display=["none", "block"] if compact_on_phone else "block"),
        align="center", spacing="2",
    )


def auth_layout(*children: rx.Component) -> rx.Component:
    return rx.box(
        rx.hstack(brand(), rx.spacer(), language_switch(), width="100%", padding="20px 28px", align="center"),
        rx.center(
            rx.card(rx.vstack(*children, spacing="4", width="100%"), size="4", width="100%", max_width="420px"),
            padding_x="16px", padding_top=["24px", "8vh"],
        ),
        rx.center(rx.text(T("app.tagline"), size="2", color_scheme="gray"), padding="32px"),
        min_height="100vh",
        background=f"linear-gradient(160deg, {rx.color('indigo', 2)} 0%, {rx.color('gray', 1)} 60%)",
    )


def for_id(control_id: str | rx.Var) -> dict:
    """Props that tie a label to its control. `html_for` on rx.text ends up in its style, not on the element,
    so the label would name nothing for a screen reader."""
    return {"custom_attrs": {"htmlFor": control_id}}


def native_select(options: rx.Var, **props) -> rx.Component:  # noqa: ANN003
    """A plain <select> of `Choice`s, looking like the other fields: a form submits it and a draft keeps it,
    which Radix's select (a button over a hidden twin) does not do reliably."""
    style = {"width": "100%", "padding": "6px 8px", "border_radius": "6px", "font_size": "14px",
             "border": f"1px solid {rx.color('gray', 7)}", "background": rx.color("gray", 1),
             "color": rx.color("gray", 12)}
    return rx.el.select(rx.foreach(options, lambda c: rx.el.option(c.label, value=c.value)), style=style, **props)


def name_file_input(upload: rx.Component, label: rx.Var | str) -> rx.Component:
    """Gives the hidden file input of an `rx.upload` an accessible name: Reflex creates that input itself and
    passes it no props, so a screen reader would meet a nameless field."""
    pending = [upload]
    while pending:
        component = pending.pop()
        if type(component).__name__ == "Input" and str(getattr(component, "type", "")).strip('"') == "file":
            component.custom_attrs = {**component.custom_attrs, "aria-label": label}
            return upload
        pending.extend(getattr(component, "children", []))
    raise ValueError("no file input in this upload")


def field_error(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, color_scheme="red", size="2", role="alert"))


def user_badge() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=SessionState.user_name[:1], size="2", radius="full", color_scheme="indigo"),
        rx.vstack(
            rx.text(SessionState.user_name, size="2", weight="medium", id="current-user"),
            rx.text(SessionState.role_label, size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="center", spacing="2",
    )


def _nav_item(icon: str, label_key: str, href: str, active: bool, count: rx.Var | None = None) -> rx.Component:
    badge = rx.cond(count > 0, rx.badge(count, color_scheme="amber", radius="full", margin_left="auto",
                                        id=f"nav-count-{label_key}")) if count is not None else rx.fragment()
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(T(label_key), size="2"), badge, align="center", spacing="2",
                  padding="8px 12px", border_radius="8px", width="100%",
                  background=rx.color("indigo", 4) if active else "transparent",
                  color=rx.color("indigo", 11) if active else rx.color("gray", 12),
                  _hover={"background": rx.color("indigo", 3)}),
        href=href, underline="none", width="100%",
    )


def office_shell(active: str, *content: rx.Component) -> rx.Component:
    nav = rx.vstack(
        _nav_item("layout-dashboard", "nav.home", "/office", active == "home"),
        _nav_item("building-2", "nav.customers", "/office/customers", active == "customers"),
        _nav_item("calendar-days", "nav.interventions", "/office/interventions", active == "interventions"),
        rx.cond(SessionState.can_decide_requests,
                _nav_item("git-pull-request-arrow", "nav.requests", "/office/requests", active == "requests",
                          count=SessionState.open_requests)),
        rx.cond(SessionState.can_answer_tickets,
                _nav_item("life-buoy", "nav.tickets", "/office/tickets", active == "tickets")),
        rx.cond(SessionState.can_manage_credit,
                _nav_item("shield-alert", "nav.credit", "/office/credit", active == "credit")),
        rx.cond(SessionState.can_manage_users, _nav_item("users", "nav.users", "/office/users", active == "users")),
        rx.cond(SessionState.can_read_outbox, _nav_item("mail", "nav.outbox", "/office/outbox", active == "outbox")),
        rx.cond(SessionState.can_manage_settings,
                _nav_item("settings", "nav.settings", "/office/settings", active == "settings")),
        _nav_item("user-cog", "nav.account", "/office/account", active == "account"),
        spacing="1", width="100%",
    )
    sidebar = rx.vstack(
        brand("3"),
        rx.text(T("area.office"), size="1", color_scheme="gray", weight="medium", padding_left="4px"),
        nav,
        rx.spacer(),
        rx.divider(),
        user_badge(),
        rx.hstack(
            language_switch(),
            rx.spacer(),
            rx.button(rx.icon("log-out", size=14), T("auth.logout"), variant="soft", color_scheme="gray", size="1",
                      on_click=_sign_out(), id="logout"),
            width="100%", align="center",
        ),
        width="250px", min_width="250px", height="100vh", padding="20px 14px", spacing="3",
        border_right=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 2),
        position="sticky", top="0",
    )
    return rx.hstack(
        sidebar,
        # min_width 0 lets the page narrow to the window (a tablet's 768 px): a wide table then scrolls
        # inside its own box instead of widening the whole page.
        rx.box(rx.vstack(*content, spacing="5", width="100%", max_width="1200px"),
               padding=rx.breakpoints(initial="20px 16px", md="28px 36px"), width="100%", min_width="0"),
        spacing="0", align="start", width="100%", min_height="100vh",
    )


# The bar shows from a tablet's width on; its entries' labels from a laptop's, icons only in between.
BAR_LABELS = ["none", "none", "none", "block"]


def _bar_links(links: list[tuple[str, str, str]]) -> list[rx.Component]:
    return [
        rx.link(rx.hstack(rx.icon(icon, size=16), rx.text(T(key), size="2", display=BAR_LABELS),
                          align="center", spacing="1"), href=href, underline="none", color_scheme="gray")
        for icon, key, href in links
    ]


def _menu_item(icon: rx.Component, label: rx.Var | str, href: rx.Var | str) -> rx.Component:
    return rx.menu.item(rx.hstack(icon, rx.text(label), align="center", spacing="2"), on_click=rx.redirect(href))


def _phone_menu(links: list[tuple[str, str, str]], middle_items: rx.Component | None,
                after: list[tuple[str, str, str]]) -> rx.Component:
    """On a phone the bar's entries, the language and sign-out fold into one menu with their labels."""
    return rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("menu", size=18), variant="soft", color_scheme="gray",
                                       aria_label=T("nav.menu"), id="phone-menu")),
        rx.menu.content(
            *[_menu_item(rx.icon(icon, size=16), T(key), href) for icon, key, href in links],
            middle_items if middle_items is not None else rx.fragment(),
            *[_menu_item(rx.icon(icon, size=16), T(key), href) for icon, key, href in after],
            rx.menu.separator(),
            rx.menu.item("Italiano", on_click=SessionState.switch_language("it")),
            rx.menu.item("English", on_click=SessionState.switch_language("en")),
            rx.menu.separator(),
            rx.menu.item(rx.hstack(rx.icon("log-out", size=16), rx.text(T("auth.logout")), align="center",
                                   spacing="2"), color_scheme="red", on_click=_sign_out(),
                         id="phone-logout"),
        ),
    )


def _top_bar(area_key: str, links: list[tuple[str, str, str]], middle: rx.Component | None = None,
             after: list[tuple[str, str, str]] | None = None,
             middle_items: rx.Component | None = None) -> rx.Component:
    # Below a tablet's width the entries fold into a menu: a phone's 360-414 px never scroll sideways.
    wide = ["none", "none", "flex"]
    return rx.hstack(
        brand("3", compact_on_phone=True),
        rx.badge(T(area_key), color_scheme="indigo", variant="soft"),
        rx.spacer(),
        rx.hstack(
            *_bar_links(links),
            middle if middle is not None else rx.fragment(),
            *_bar_links(after or []),
            language_switch(),
            rx.icon_button(rx.icon("log-out", size=16), variant="soft", color_scheme="gray",
                           on_click=_sign_out(), aria_label=T("auth.logout"), id="logout"),
            display=wide, align="center", spacing="4",
        ),
        rx.box(_phone_menu(links, middle_items, after or []), display=["block", "block", "none"]),
        width="100%", align="center", spacing="4", padding="12px 20px",
        border_bottom=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 1),
        position="sticky", top="0", z_index="10",
    )


def field_shell(*content: rx.Component) -> rx.Component:
    return rx.box(
        _top_bar("area.field", [("calendar-days", "nav.home", "/field"),
                                ("user-cog", "nav.account", "/field/account")]),
        rx.vstack(*content, spacing="4", width="100%", max_width="720px", margin_x="auto", padding="20px 16px"),
        min_height="100vh", background=rx.color("gray", 2),
    )


def module_icon(key: rx.Var, size: int = 16) -> rx.Component:
    """The icon of a reserved-area module (icons are chosen when the page is built, hence the match)."""
    return rx.match(
        key,
        ("interventions", rx.icon("calendar-clock", size=size)),
        ("contracts", rx.icon("file-pen-line", size=size)),
        ("reports", rx.icon("clipboard-check", size=size)),
        ("my_data", rx.icon("id-card", size=size)),
        ("consents", rx.icon("shield-check", size=size)),
        ("reminders", rx.icon("bell", size=size)),
        ("support", rx.icon("life-buoy", size=size)),
        rx.icon("square", size=size),
    )


def _portal_link(link) -> rx.Component:  # noqa: ANN001
    return rx.link(rx.hstack(module_icon(link.key), rx.text(link.label, size="2", display=BAR_LABELS),
                             align="center", spacing="1"),
                   href=link.href, underline="none", color_scheme="gray", id=f"nav-{link.key}")


def portal_shell(*content: rx.Component) -> rx.Component:
    return rx.box(
        _top_bar("area.portal", [("house", "nav.home", "/portal")],
                 rx.foreach(SessionState.portal_links, _portal_link),
                 [("user-cog", "nav.account", "/portal/account")],
                 rx.foreach(SessionState.portal_links,
                            lambda link: _menu_item(module_icon(link.key), link.label, link.href))),
        rx.vstack(*content, spacing="5", width="100%", max_width="960px", margin_x="auto", padding="32px 20px"),
        min_height="100vh",
        background=f"linear-gradient(180deg, {rx.color('indigo', 2)} 0%, {rx.color('gray', 1)} 320px)",
    )


def page_header(title: rx.Var | str, subtitle: rx.Var | str | None = None) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="7", weight="bold"),
        rx.text(subtitle, color_scheme="gray", size="3") if subtitle is not None else rx.fragment(),
        spacing="1",
    )


def empty_state(icon: str, title: rx.Var, body: rx.Var | None = None) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(rx.icon(icon, size=28, color=rx.color("indigo", 10)), width="56px", height="56px",
                      border_radius="50%", background=rx.color("indigo", 3)),
            rx.heading(title, size="4"),
            rx.text(body, color_scheme="gray", size="2", text_align="center", max_width="420px")
            if body is not None else rx.fragment(),
            align="center", spacing="2",
        ),
        padding="48px 16px", width="100%",
        border=f"1px dashed {rx.color('gray', 6)}", border_radius="12px",
    )


def list_count(text: rx.Var, id_: str) -> rx.Component:
    """How many results a list holds ("more than ..." past the count's cap), read out when it changes."""
    return rx.text(text, size="2", color_scheme="gray", id=id_, aria_live="polite")


def sort_header(label: rx.Var, ascending: rx.Var, descending: rx.Var, on_click, id_: str,  # noqa: ANN001
                enabled: rx.Var | bool = True) -> rx.Component:
    """A column the list can be sorted by: a button in the header, its direction said by an arrow and by
    aria-sort; where the index cannot serve the filtered list the button is off and says why."""
    return rx.table.column_header_cell(
        rx.button(label,
                  rx.cond(ascending, rx.icon("arrow-up", size=13, aria_hidden="true"),
                          rx.cond(descending, rx.icon("arrow-down", size=13, aria_hidden="true"),
                                  rx.icon("arrow-up-down", size=13, aria_hidden="true", opacity="0.4"))),
                  variant="ghost", size="2", color_scheme="gray", high_contrast=True, font_weight="bold",
                  on_click=on_click, disabled=(not enabled) if isinstance(enabled, bool) else ~enabled,
                  title=rx.cond(enabled, T("lists.sort_hint"), T("lists.sort_filtered")), id=id_),
        custom_attrs={"aria-sort": rx.cond(ascending, "ascending", rx.cond(descending, "descending", "none"))},
    )


def pager(state) -> rx.Component:  # noqa: ANN001
    """Previous / next buttons for a state using KeysetPaging."""
    return rx.hstack(
        rx.button(rx.icon("chevron-left", size=14), T("common.previous"), variant="soft", size="2",
                  disabled=~state.has_previous, on_click=state.previous_page),
        rx.button(T("common.next"), rx.icon("chevron-right", size=14), variant="soft", size="2",
                  disabled=~state.has_next, on_click=state.next_page),
        justify="end", width="100%",
    )


def dialog_control(state, name: str) -> dict:  # noqa: ANN001
    """Opens the dialog `name` of a state with the Dialogs mixin, and closes it through that state."""
    is_open = state.open_dialogs.contains(name)
    if hasattr(state, "loaded_for") and hasattr(state, "card_key"):
        # A tab's dialog belongs to the card the tab loaded: it never shows over another customer's card.
        is_open = is_open & (state.loaded_for == state.card_key)
    return {"open": is_open, "on_open_change": lambda value: state.dialog_changed(name, value)}


def confirm_dialog(state, on_confirm, confirm_key: str = "common.confirm", color: str = "indigo",  # noqa: ANN001
                   confirm_id: str | None = None, text: rx.Var | None = None) -> rx.Component:
    """Asks before a destructive or important action; Escape or Cancel closes it."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("common.confirm")),
            rx.alert_dialog.description(state.confirm_text if text is None else text),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(T("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(T(confirm_key), color_scheme=color, on_click=on_confirm,
                                                 id=confirm_id)),
                spacing="3", justify="end", margin_top="16px",
            ),
        ),
        **dialog_control(state, "confirm"),
    )


def portal_heading(title_key: str, help_key: str) -> rx.Component:
    return rx.vstack(rx.heading(T(title_key), size="7"),
                     rx.text(T(help_key), color_scheme="gray", size="3", max_width="680px"), spacing="2")
