"""Translated text in pages: both catalog entries are compiled in, the user's language picks one."""

from __future__ import annotations

import reflex as rx

from app.i18n import CATALOGS
from app.state.session import SessionState


def T(key: str) -> rx.Var:  # noqa: N802
    if key not in CATALOGS["it"]:
        raise KeyError(f"missing catalog key {key!r}")
    return rx.cond(SessionState.lang == "en", CATALOGS["en"][key], CATALOGS["it"][key])


def language_switch() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(variant="ghost", aria_label="Lingua / Language", id="language-switch"),
        rx.select.content(
            rx.select.item("Italiano", value="it"),
            rx.select.item("English", value="en"),
        ),
        value=SessionState.lang,
        on_change=SessionState.switch_language,
        size="2",
    )
