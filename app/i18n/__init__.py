"""Message catalogs and the lookup. Italian is the default; English on request.

The catalogs are gettext's: app/i18n/locales/<lang>/LC_MESSAGES/messages.po, compiled to messages.mo
(`make compile-messages`, run by scripts/setup.sh). Their msgids are symbolic keys ("login.title"), so
a call site names what it shows, not the Italian wording. `make messages` re-extracts the keys the code
uses (babel.cfg, app/i18n/extract.py) and updates both catalogs.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from app.settings import get_settings

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "it"
LANGUAGES = ("it", "en")
# Each language by its own name, as a language choice shows it whatever the page's language.
LANGUAGE_NAMES = {"it": "Italiano", "en": "English"}

# Plural messages pick their form by `count`; these count something that goes by another name at their
# call sites (minutes, characters), so the lookup reads that parameter instead.
COUNTED_BY: dict[str, str] = {
    "forgot.subtitle": "minutes",
    "setpw.subtitle": "min",
    "password.too_short": "min",
    "password.too_long": "max",
}

log = logging.getLogger(__name__)


class MissingMessage(KeyError):
    """A key has no message in a language: a test must fail on it, a user must not see the key."""


def N_(key: str) -> str:  # noqa: N802
    """Marks a message key written away from its lookup (a domain error's, a helper's) for extraction."""
    return key


def normalize_language(lang: object) -> str:
    return lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Catalog:
    translations: Translations
    singular: frozenset[str]
    plural: frozenset[str]

    def __contains__(self, key: str) -> bool:
        return key in self.singular or key in self.plural


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(path: Path) -> bytes:
    """What `pybabel compile` writes for this .po, without writing it."""
    with path.open("rb") as po:
        catalog = read_po(po)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@cache
def catalog(lang: str) -> Catalog:
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:
        # A checkout without the set-up step (or one whose .po changed since) still shows the current texts.
        log.warning("%s is missing or older than its .po: compiled in memory (make compile-messages)", mo)
        data = compile_po(po)
    translations = Translations(io.BytesIO(data), domain=DOMAIN)
    # GNUTranslations keeps a plural entry's forms under (msgid, index): the only way to tell them apart.
    entries = translations._catalog
    plural = frozenset(key[0] for key in entries if isinstance(key, tuple))
    singular = frozenset(key for key in entries if isinstance(key, str) and key)
    return Catalog(translations, singular, plural)


def lookup(key: str, lang: str, params: dict[str, object]) -> str | None:
    """The raw text of `key` in `lang`, its plural form picked by the count in `params`; None when missing."""
    found = catalog(lang)
    if key in found.singular:
        return found.translations.gettext(key)
    if key in found.plural:
        counted = COUNTED_BY.get(key, "count")
        if counted not in params:
            raise TypeError(f"{key!r} is a plural message: pass {counted}=")
        return found.translations.ngettext(key, key, params[counted])
    return None


_reported: set[tuple[str, str]] = set()


def _missing(key: str, lang: str) -> None:
    if get_settings().strict_messages:
        raise MissingMessage(f"no {lang!r} message for {key!r}")
    if (lang, key) not in _reported:
        _reported.add((lang, key))
        log.error("no %r message for %r", lang, key)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message `key` in `lang`, formatted with `params`. A plural message picks its form by `count`
    (or the parameter COUNTED_BY names): t("review.banner", lang, count=3).

    A missing message raises under the tests (STRICT_MESSAGES); in production it is logged once and
    the Italian text is shown, or at worst the key."""
    lang = normalize_language(lang)
    text = lookup(key, lang, params)
    if text is None:
        _missing(key, lang)
        if lang != DEFAULT_LANGUAGE:
            text = lookup(key, DEFAULT_LANGUAGE, params)
            if text is None:
                _missing(key, DEFAULT_LANGUAGE)
    if text is None:
        return key
    return text.format(**params) if params else text
