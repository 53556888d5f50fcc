import pytest

from app.domain import change_rules as rules
from app.domain.customer_rules import FIELDS, validate_customer
from app.domain.errors import DomainError

CURRENT = validate_customer({
    "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "email": "info@acme.it",
    "street": "Via Torino 5", "cap": "20123", "city": "Milano", "province": "MI",
}).as_dict()


def test_every_request_field_maps_to_customer_columns():
    assert set(rules.EDITABLE_COLUMNS) <= set(FIELDS)
    assert set(rules.DEFAULT_ACTIONS) == set(rules.REQUEST_FIELDS)
    assert {"notes", "external_code", "assigned_user_id", "block_automatic_emails", "kind"}.isdisjoint(
        rules.EDITABLE_COLUMNS)


def test_only_really_changed_fields_are_requested():
    _, changes = rules.requested_changes(CURRENT, {"email": " INFO@acme.it ", "city": "milano", "phone": "02 1234567"})
    assert changes == {"phone": "+39021234567"}


def test_an_address_is_one_request_field():
    _, changes = rules.requested_changes(CURRENT, {"cap": "20121"})
    assert changes == {"address": {"street": "Via Torino 5", "cap": "20121", "city": "Milano", "province": "MI",
                                   "country": "IT"}}
    assert rules.format_value("address", changes["address"]) == "Via Torino 5, 20121 Milano (MI)"
    assert rules.format_value("address", {**changes["address"], "country": "FR", "province": None}) == \
        "Via Torino 5, 20121 Milano, FR"


def test_errors_stay_on_the_form_columns_when_asked_and_name_the_field_when_accepted():
    with pytest.raises(DomainError) as err:
        rules.requested_changes(CURRENT, {"cap": "00184"})
    assert err.value.errors == {"cap": "customer.err.cap_city"}
    with pytest.raises(DomainError) as err:
        rules.apply_values(CURRENT, {"address": {"street": "Via Roma", "cap": "00184", "city": "Milano",
                                                 "province": "MI", "country": "IT"}})
    assert err.value.errors == {"address": "customer.err.cap_city"}


def test_policies_default_and_master_switch():
    policies = rules.Policies(review_enabled=True, actions={("email", "api"): rules.AUTO})
    assert policies.action("phone", "portal") == rules.AUTO
    assert policies.action("email", "portal") == rules.REVIEW
    assert policies.action("email", "api") == rules.AUTO
    off = rules.Policies(review_enabled=False, actions={("email", "portal"): rules.REFUSE})
    assert off.action("email", "portal") == rules.AUTO


def test_values_survive_storage():
    value = {"street": "Via Nicolò Tommaseo 3", "cap": None}
    assert rules.decode(rules.encode(value)) == value
    assert rules.decode(None) is None
