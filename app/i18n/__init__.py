"""Message catalogs and the lookup helper. Italian is the default; English on request."""

from __future__ import annotations

from app.i18n import en, it

CATALOGS: dict[str, dict[str, str]] = {"it": it.MESSAGES, "en": en.MESSAGES}
DEFAULT_LANGUAGE = "it"
LANGUAGES = tuple(CATALOGS)


def normalize_language(lang: object) -> str:
    return lang if isinstance(lang, str) and lang in CATALOGS else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    catalog = CATALOGS[normalize_language(lang)]
    text = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE].get(key) or key
    return text.format(**params) if params else text
