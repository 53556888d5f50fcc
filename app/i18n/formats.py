"""Dates and numbers in the user's language and the company's time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency

from app.i18n import normalize_language

LOCALES = {"it": "it_IT", "en": "en_GB"}
TIME_ZONE = ZoneInfo("Europe/Rome")


def format_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return _format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=TIME_ZONE, locale=LOCALES[normalize_language(lang)])


def format_long_date(value: date, lang: str) -> str:
    return _format_date(value, "full", locale=LOCALES[normalize_language(lang)])


def format_short_date(value: date, lang: str) -> str:
    return _format_date(value, "dd/MM/yyyy", locale=LOCALES[normalize_language(lang)])


def format_quantity(value: Decimal) -> str:
    """A quantity as an Italian writes it on a document: 3 rather than 3.000, 2,5 rather than 2.500."""
    return format(value.normalize(), "f").replace(".", ",")


def format_money(value: Decimal, lang: str) -> str:
    """Euros as the user reads them: 1.234,50 € in Italian, €1,234.50 in English."""
    return format_currency(value, "EUR", locale=LOCALES[normalize_language(lang)])
