import re

from app.i18n import CATALOGS, t


def test_catalogs_have_the_same_keys_and_placeholders():
    it, en = CATALOGS["it"], CATALOGS["en"]
    assert set(it) == set(en)
    for key in it:
        assert set(re.findall(r"{(\w+)}", it[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_lookup_falls_back_to_italian_for_unknown_language():
    assert t("login.title", "de") == CATALOGS["it"]["login.title"]
    assert t("password.too_short", "en", min=10) == "The password must be at least 10 characters long."
