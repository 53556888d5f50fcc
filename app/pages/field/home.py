from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import empty_state, field_shell
from app.state.home import FieldHomeState


def field_home_page() -> rx.Component:
    return field_shell(
        rx.vstack(
            rx.heading(FieldHomeState.field_greeting, size="6"),
            rx.text(FieldHomeState.today, color_scheme="gray", id="field-today"),
            spacing="1",
        ),
        empty_state("calendar-check", T("field.empty_title"), T("field.empty_body")),
    )
