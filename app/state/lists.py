"""What the office lists share: the number of results, and the filters kept in the page's address so a
list can be bookmarked, shared and reloaded as it was."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from urllib.parse import urlencode

import reflex as rx
from babel.numbers import format_decimal

from app.i18n import t
from app.i18n.formats import LOCALES
from app.services.lists import CappedCount


@dataclasses.dataclass
class Choice:
    """One option of a select: the value the form sends and the label the user reads."""

    value: str
    label: str


def count_label(found: CappedCount, lang: str) -> str:
    shown = format_decimal(found.count, locale=LOCALES.get(lang, "it_IT"))
    if found.more:
        return t("lists.count_more", lang, shown=shown)
    return t("lists.count", lang, count=found.count)


def query_param(params: Mapping, name: str) -> str:
    """One parameter of the address as text; a repeated or missing one counts as absent."""
    value = params.get(name) if params else None
    return value if isinstance(value, str) else ""


def keep_in_address(path: str, filters: Mapping[str, str], defaults: Mapping[str, str]) -> rx.event.EventSpec:
    """Writes the filters that differ from their defaults into the address bar without reloading the page.
    The values were validated by the handler; json.dumps makes the address a safe script literal."""
    kept = {name: value for name, value in filters.items() if value and value != defaults.get(name)}
    address = f"{path}?{urlencode(kept)}" if kept else path
    return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(address)})")
