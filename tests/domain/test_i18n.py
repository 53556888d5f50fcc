"""The message catalogs: every key the code uses has a text in both languages, the catalogs are in step
with the code, plurals pick the right form, and a missing message is never shown as its key."""

import dataclasses
import logging
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from babel.support import Translations

import app.i18n as i18n
from app.i18n import COUNTED_BY, LANGUAGES, LOCALES_DIR, MissingMessage, catalog, po_path, t
from app.i18n.extract import family_keys, scan
from app.i18n.families import FAMILIES
from app.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"{(\w*)[^{}]*}")


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _entries(found: Catalog) -> dict:
    return {(m.id[0] if m.pluralizable else m.id): m for m in found if m.id}


def _forms(message) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(message.string) if message.pluralizable else (message.string,)


TEMPLATE = _entries(_read(LOCALES_DIR / "messages.pot"))
CATALOGS = {lang: _read(po_path(lang)) for lang in LANGUAGES}
ENTRIES = {lang: _entries(found) for lang, found in CATALOGS.items()}
PLURALS = {key for key, message in TEMPLATE.items() if message.pluralizable}


def _extract(pot: Path) -> dict[str, bool]:
    """What `make messages` extracts from the code as it is now: each key and whether it is plural."""
    CommandLineInterface().run(["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(pot),
                                "--sort-output", "--add-location=file", str(ROOT)])
    return {key: message.pluralizable for key, message in _entries(_read(pot)).items()}


# Complete and consistent ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_text_in_every_language(lang):
    nplurals = CATALOGS[lang].num_plurals
    for key, expected in TEMPLATE.items():
        message = ENTRIES[lang].get(key)
        assert message is not None, f"{key} has no {lang} entry: run make messages"
        assert not message.fuzzy, f"{key} is fuzzy in {lang}"
        assert message.pluralizable == expected.pluralizable, f"{key}: plural in one file, not in the other"
        forms = _forms(message)
        assert all(forms), f"{key} has no {lang} text"
        if message.pluralizable:
            assert len(forms) == nplurals, f"{key} needs {nplurals} forms in {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_only_what_the_template_has(lang):
    assert set(ENTRIES[lang]) == set(TEMPLATE)
    assert not CATALOGS[lang].obsolete


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_are_the_languages_own(lang):
    assert CATALOGS[lang].plural_forms == Catalog(locale=lang).plural_forms == "nplurals=2; plural=(n != 1);"


def test_both_languages_and_every_form_have_the_same_placeholders():
    for key in TEMPLATE:
        forms = [form for lang in LANGUAGES for form in _forms(ENTRIES[lang][key])]
        names = [set(PLACEHOLDER.findall(form)) for form in forms]
        assert all(n == names[0] for n in names), f"{key}: {names}"
        for form in forms:
            form.format(**dict.fromkeys(names[0], "x"))


def test_a_plural_message_shows_what_it_counts():
    for key in PLURALS:
        counted = COUNTED_BY.get(key, "count")
        for lang in LANGUAGES:
            assert all(f"{{{counted}}}" in form for form in _forms(ENTRIES[lang][key])), (key, lang)


# In step with the code -----------------------------------------------------------------------


def test_the_template_lists_exactly_the_keys_the_code_uses(tmp_path):
    extracted = _extract(tmp_path / "messages.pot")
    committed = {key: message.pluralizable for key, message in TEMPLATE.items()}
    assert sorted(extracted.keys() - committed.keys()) == [], "new keys: run make messages and write their texts"
    assert sorted(committed.keys() - extracted.keys()) == [], "keys no code uses: run make messages"
    assert extracted == committed, "a message became plural or singular: run make messages"


def test_what_the_app_reads_is_what_pybabel_compiles(tmp_path):
    locales = tmp_path / "locales"
    for lang in LANGUAGES:
        (locales / lang / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(po_path(lang), locales / lang / "LC_MESSAGES" / "messages.po")
    CommandLineInterface().run(["pybabel", "--quiet", "compile", "-d", str(locales), "-D", "messages"])
    for lang in LANGUAGES:
        compiled = Translations.load(str(locales), [lang], "messages")
        assert isinstance(compiled, Translations)
        assert compiled._catalog == catalog(lang).translations._catalog


def test_every_family_key_has_its_message():
    for key, plural in family_keys().items():
        assert key in TEMPLATE, f"{key} is missing from the template: run make messages"
        assert TEMPLATE[key].pluralizable == plural


def test_every_key_built_from_a_value_belongs_to_a_registered_family():
    unregistered = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        _, built = scan(path.read_text(encoding="utf-8"))
        unregistered += [f"{path.relative_to(ROOT)}:{b.lineno} {b.template}"
                         for b in built if not b.expanded and b.template not in FAMILIES]
    assert unregistered == [], "register these in app/i18n/families.py"


def test_extraction_finds_keys_where_they_are_written():
    source = '''
t("a.one", lang)
t("a.two" if x else "a.three", lang)
t("a.many", lang, count=n)
N_("a.marked")
raise DomainError({"field": "a.error"}, count=2)
[T(f"a.col.{k}") for k in ("x", "y")]
t(f"a.kind.{row.kind}", lang)
movement(kind="customer.updated")
'''
    found, built = scan(source)
    assert {key: plural for key, (_, plural) in found.items()} == {
        "a.one": False, "a.two": False, "a.three": False, "a.many": True, "a.marked": False, "a.error": True,
        "a.col.x": False, "a.col.y": False,
    }
    assert sorted((b.template, b.expanded) for b in built) == [("a.col.{}", ("a.col.x", "a.col.y")), ("a.kind.{}", ())]
    everything, _ = scan(source, all_literals=True)
    assert "customer.updated" in everything


# The lookup ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("it", "C'è 1 modifica chiesta dal cliente in attesa di verifica.",
     "Ci sono 2 modifiche chieste dal cliente in attesa di verifica."),
    ("en", "There is 1 change asked for by the customer waiting for review.",
     "There are 2 changes asked for by the customer waiting for review."),
])
def test_plural_form_follows_the_count(lang, one, two):
    assert t("review.banner", lang, count=1) == one
    assert t("review.banner", lang, count=2) == two
    assert t("review.banner", lang, count=0) == two.replace("2", "0")


def test_a_message_counting_under_its_own_name_picks_its_form_by_it():
    assert t("password.too_short", "it", min=1) == "La password deve avere almeno 1 carattere."
    assert t("password.too_short", "en", min=10) == "The password must be at least 10 characters long."
    assert t("uploads.stored", "en", count=1) == "File uploaded: 1."


def test_a_plural_message_needs_its_count():
    with pytest.raises(TypeError, match="count="):
        t("review.banner", "it")


def test_unknown_language_falls_back_to_italian():
    assert t("login.title", "de") == t("login.title", "it") == "Accedi"


def test_a_missing_message_raises_under_the_tests():
    with pytest.raises(MissingMessage):
        t("no.such_message", "it")


def test_in_production_a_missing_message_is_logged_once_and_replaced(monkeypatch, caplog):
    monkeypatch.setattr(i18n, "get_settings", lambda: dataclasses.replace(get_settings(), strict_messages=False))
    english = catalog("en")
    without_title = dataclasses.replace(english, singular=english.singular - {"login.title"})
    monkeypatch.setattr(i18n, "catalog", lambda lang: without_title if lang == "en" else catalog(lang))
    monkeypatch.setattr(i18n, "_reported", set())
    with caplog.at_level(logging.ERROR, logger="app.i18n"):
        assert t("login.title", "en") == "Accedi"
        assert t("login.title", "en") == "Accedi"
        assert t("no.such_message", "en") == "no.such_message"
    assert [r.getMessage() for r in caplog.records] == [
        "no 'en' message for 'login.title'", "no 'en' message for 'no.such_message'",
        "no 'it' message for 'no.such_message'",
    ]


def test_pages_refuse_an_unknown_key_and_a_plural_one_when_they_are_built():
    from app.components.i18n import T

    assert "Accedi" in str(T("login.title")) and "Sign in" in str(T("login.title"))
    with pytest.raises(KeyError):
        T("no.such_message")
    with pytest.raises(ValueError, match="plural"):
        T("review.banner")
