import pytest

from app.domain.errors import DomainError
from app.domain.mail_templates import TEMPLATES, validate_template
from app.i18n import LANGUAGES, t


@pytest.mark.parametrize("key", TEMPLATES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_standard_text_passes_its_own_check(key, lang):
    template = TEMPLATES[key]
    subject, body = validate_template(key, t(template.subject_key, lang), t(template.body_key, lang))
    assert subject and body


def test_unknown_and_missing_placeholders_are_named():
    with pytest.raises(DomainError) as err:
        validate_template("invite", "Ciao {nome}", "Apri {link}")
    assert err.value.errors == {"subject": "templates.err.placeholder"} and err.value.params == {"placeholder": "{nome}"}
    with pytest.raises(DomainError) as err:
        validate_template("invite", "Benvenuto", "Ciao {name}, scegli la password.")
    assert err.value.errors == {"body": "templates.err.required_placeholder"}
    with pytest.raises(DomainError) as err:
        validate_template("reset", "Password", "Apri {link")
    assert err.value.errors == {"body": "templates.err.braces"}
    with pytest.raises(DomainError):
        validate_template("nope", "a", "b")
    assert validate_template("reset", "  Nuova   password ", "Apri {link}\r\n") == ("Nuova password", "Apri {link}")


@pytest.mark.parametrize("text", ["Ciao {name.__class__} {link}", "Ciao {name[0]} {link}", "{name:>999999999} {link}",
                                  "{name!r} {link}", "{name:{link.__class__}} {link}", "{0} {link}", "{} {link}"])
def test_placeholders_are_bare_names_only(text):
    with pytest.raises(DomainError) as err:
        validate_template("invite", "Oggetto", text)
    assert err.value.errors == {"body": "templates.err.placeholder"}
