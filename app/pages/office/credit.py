"""Office: the credit manager's page (/office/credit), the overview above and the held queue below."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import office_shell, page_header
from app.pages.office.held_documents import held_queue
from app.state.credit_overview import AgeingView, CreditOverviewState, LevelCount


def _figure(icon: str, color: str, label_key: str, value: rx.Var, detail: rx.Var, href: str,
            figure_id: str) -> rx.Component:
    return rx.link(
        rx.card(rx.hstack(
            rx.center(rx.icon(icon, size=20, color=rx.color(color, 11)), width="40px", height="40px",
                      border_radius="10px", background=rx.color(color, 3), flex_shrink="0"),
            rx.vstack(rx.text(T(label_key), size="2", color_scheme="gray"),
                      rx.heading(value, size="6", id=figure_id),
                      rx.text(detail, size="1", color_scheme="gray"), spacing="0"),
            align="center", spacing="4"), width="100%"),
        href=href, underline="none", width="100%",
    )


def _level(row: LevelCount) -> rx.Component:
    return rx.link(
        rx.hstack(rx.badge(rx.icon("lock", size=11), row.label, color_scheme=row.color, variant="soft"),
                  rx.spacer(), rx.text(row.count, weight="medium"), width="100%", align="center"),
        href="/office/customers?block=" + row.level, underline="none", width="100%", class_name="blocked-level",
    )


def _bucket(row: AgeingView) -> rx.Component:
    return rx.link(
        rx.hstack(rx.text(row.label, size="2"), rx.spacer(), rx.text(row.amount, size="2", weight="medium"),
                  width="100%"),
        href=row.href, underline="none", width="100%", class_name="ageing-bucket",
    )


def credit_overview() -> rx.Component:
    s = CreditOverviewState
    return rx.vstack(
        rx.grid(
            _figure("trending-up", "red", "credit.fig.over_limit", s.over_limit_count, s.over_limit_amount,
                    "/office/customers?credit=over_limit", "fig-over-limit"),
            _figure("undo-2", "orange", "credit.fig.unpaid", s.unpaid_amount, s.unpaid_line,
                    "/office/customers?credit=unpaid", "fig-unpaid"),
            _figure("lock", "amber", "credit.fig.blocked", s.blocked_total, T("credit.fig.blocked_hint"),
                    "/office/customers?block=any", "fig-blocked"),
            _figure("hourglass", "indigo", "credit.fig.held", s.held_count, T("credit.fig.held_hint"), "#held",
                    "fig-held"),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="4", width="100%",
        ),
        rx.grid(
            rx.card(rx.vstack(
                rx.heading(T("credit.ageing_title"), size="4"),
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                    rx.recharts.x_axis(data_key="label", font_size=11, interval=0, angle=-30, text_anchor="end",
                                       height=56),
                    rx.recharts.y_axis(font_size=12, width=70),
                    rx.recharts.graphing_tooltip(),
                    rx.recharts.bar(data_key="amount", name=T("credit.owed"), fill="var(--indigo-9)",
                                    radius=[4, 4, 0, 0], is_animation_active=False),
                    data=s.ageing_chart, width="100%", height=240,
                ),
                rx.vstack(rx.foreach(s.ageing_rows, _bucket), spacing="1", width="100%"),
                spacing="3", width="100%"), width="100%", id="ageing"),
            rx.card(rx.vstack(
                rx.heading(T("credit.blocked_title"), size="4"),
                rx.vstack(rx.foreach(s.blocked_levels, _level), spacing="2", width="100%"),
                spacing="3", width="100%"), width="100%", id="blocked-levels"),
            columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%",
        ),
        spacing="4", width="100%",
    )


def credit_page() -> rx.Component:
    return office_shell(
        "credit",
        page_header(T("credit.title"), T("credit.subtitle")),
        credit_overview(),
        held_queue(),
    )
