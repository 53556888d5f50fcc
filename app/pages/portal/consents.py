"""Reserved area: the company's consents and the user's own, each granted or withdrawn with one click."""

from __future__ import annotations

import reflex as rx

from app.components.consent_toggle import consent_state_badge
from app.components.i18n import T
from app.components.shell import portal_shell
from app.state.consents import PortalConsentsState, PortalConsentView, PortalSubjectView


def _consent(view: PortalConsentView) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(view.title, weight="bold"),
            rx.text(view.text, size="2", color_scheme="gray", white_space="pre-wrap"),
            rx.hstack(consent_state_badge(view.state), rx.text(view.recorded, size="1", color_scheme="gray"),
                      spacing="2", align="center", class_name="consent-state"),
            spacing="1", flex="1", min_width="0",
        ),
        rx.switch(checked=view.granted, on_change=lambda on: PortalConsentsState.answer(view.key, on), size="3",
                  id=f"portal-consent-{view.key.replace(':', '-')}", aria_label=view.title),
        align="start", spacing="4", width="100%", padding_y="12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}", class_name="portal-consent",
    )


def _subject(subject: PortalSubjectView) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(subject.name, size="4"), rx.foreach(subject.consents, _consent), spacing="1",
                  width="100%"),
        size="3", width="100%",
    )


def portal_consents_page() -> rx.Component:
    return portal_shell(
        rx.vstack(
            rx.heading(T("portal_consents.title"), size="7"),
            rx.text(T("portal_consents.help"), color_scheme="gray", size="3", max_width="680px"),
            spacing="2",
        ),
        rx.foreach(PortalConsentsState.subjects, _subject),
    )
