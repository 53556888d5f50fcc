"""The six-result rule of the online search in the upstream registry, and upstream data made local."""

import pytest

from app.domain import upstream as rule
from app.i18n import t


@pytest.mark.parametrize(("local", "offer"), [
    (0, rule.OFFER_NONE), (1, rule.OFFER_FEW), (6, rule.OFFER_FEW), (7, None), (500, None)])
def test_the_offer_depends_on_how_many_local_results(local, offer):
    assert rule.offer(local) == offer


def test_the_offers_say_what_the_reference_page_says():
    assert t(rule.OFFER_NONE, "it") == "Nessun risultato. Vuoi continuare la ricerca nel sistema centrale?"
    assert t(rule.OFFER_FEW, "it") == ("Mancanza di risultati di ricerca precisi. Vuoi continuare la ricerca anche "
                                       "nel sistema centrale?")
    assert t(rule.TOO_MANY, "it") == ("Trovati troppi risultati nel sistema centrale: inserisci altri dati e "
                                      "riprova")
    assert t(rule.NOTHING_FOUND, "it") == "Nessun risultato trovato nel sistema centrale"
    assert t(rule.UNREACHABLE, "it") == ("La ricerca nel sistema centrale non è riuscita: servizio non "
                                         "raggiungibile")
    assert t(rule.UNREACHABLE, "en").startswith("The search in the central system failed")


def test_what_upstream_answered_decides_what_is_shown():
    assert rule.verdict(None) == rule.Verdict((), rule.UNREACHABLE)
    assert rule.verdict([]) == rule.Verdict((), rule.NOTHING_FOUND)
    assert rule.verdict([1]) == rule.Verdict((1,), None)
    assert rule.verdict(list(range(6))) == rule.Verdict(tuple(range(6)), None)
    assert rule.verdict(list(range(7))) == rule.Verdict((), rule.TOO_MANY)
    assert rule.ASK_FOR == 7


def test_an_upstream_customer_becomes_local_values_linked_by_its_code():
    values = rule.local_values({"id": 9, "code": "C000042", "external_code": "ERP-1", "kind": "private",
                                "first_name": " Maria ", "last_name": "Bianchi", "email": "", "country": None,
                                "version": 3, "assigned_user_id": 7, "notes": "not copied"})
    assert values["external_code"] == "C000042"  # upstream's own code is the link, not its external code
    assert values["first_name"] == "Maria" and values["email"] is None and values["country"] == "IT"
    assert "assigned_user_id" not in values and "notes" not in values and "version" not in values


def test_changed_fields_and_collisions_with_a_waiting_request():
    current = {"company_name": "Rossi", "phone": "+39021234567", "street": "Via Roma 1", "cap": "20121",
               "city": "Milano", "province": "MI", "country": "IT"}
    upstream = {**current, "phone": "+39029999999", "city": "Monza", "cap": "20900", "province": "MB"}
    changes = rule.changed_fields(current, upstream)
    assert set(changes) == {"phone", "address"}
    assert changes["address"]["city"] == "Monza"
    apply, held = rule.split_collisions(changes, {"address", "email"})
    assert set(apply) == {"phone"} and set(held) == {"address"}
