"""Translated text in pages: both catalog entries are compiled in, the user's language picks one."""

from __future__ import annotations

import reflex as rx

from app.i18n import DEFAULT_LANGUAGE, MissingMessage, catalog, t
from app.state.session import SessionState


def T(key: str) -> rx.Var:  # noqa: N802
    """Both languages' texts are compiled into the page and the user's language picks one, so a wrong
    key fails the build, not a visitor. A plural message has no place here: its count is known to the
    state, which formats it with t()."""
    if key not in catalog(DEFAULT_LANGUAGE):
        raise MissingMessage(f"missing catalog key {key!r}")
    if key in catalog(DEFAULT_LANGUAGE).plural:
        raise ValueError(f"{key!r} is a plural message: format it in the state with t(..., count=n)")
    return rx.cond(SessionState.lang == "en", t(key, "en"), t(key, "it"))


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
