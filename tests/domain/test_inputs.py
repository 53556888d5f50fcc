"""The one way a use case reads what it is sent, from a form or from JSON."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import DomainError
from app.domain.inputs import (
    SEARCH_LIMIT,
    ContractInput,
    CustomerInput,
    ReminderInput,
    SiteInput,
    clean_arguments,
    parse_amount,
    read_day,
    search_text,
    ticked,
)
from app.domain.text import drop_unsafe


def test_text_is_trimmed_and_empty_text_is_none():
    data = CustomerInput.parse({"company_name": "  Acme \t S.r.l.\n", "city": "   ", "notes": "  riga 1\nriga 2  "})
    assert data.company_name == "Acme S.r.l."
    assert data.city is None
    assert data.notes == "riga 1\nriga 2"


@pytest.mark.parametrize("sent, expected", [
    ("on", True), (True, True), ("true", True), ("1", True), (1, True),
    (None, False), ("", False), ("off", False), (False, False), (0, False), (1.0, False), (["on"], False),
])
def test_one_rule_for_a_ticked_box(sent, expected):
    assert ticked(sent) is expected
    assert SiteInput.parse({"is_default": sent}).is_default is expected


def test_days_from_a_date_input_or_json():
    assert read_day("2026-11-28") == date(2026, 11, 28)
    assert read_day("2026-11-28T10:00:00Z") == date(2026, 11, 28)
    assert read_day(date(2026, 1, 2)) == date(2026, 1, 2)
    for bad in ("28/11/2026", "domani", 20261128, None, ["2026-11-28"]):
        assert read_day(bad) is None
    assert ReminderInput.parse({"due_on": ""}).due_on is None


def test_values_of_the_wrong_kind_are_named_field_by_field_and_extras_ignored():
    with pytest.raises(DomainError) as refused:
        ContractInput.parse({"title": ["x"], "start_on": "ieri", "expires_on": "2027-01-01", "id": 5, 3: "x"})
    assert refused.value.errors == {"title": "form.err.value", "start_on": "form.err.date"}
    data, errors = ContractInput.read({"title": {"a": 1}, "number": "K-1"})
    assert (data.title, data.number, errors) == (None, "K-1", {"title": "form.err.value"})
    for not_a_form in (None, "x", ["title"], 5):
        with pytest.raises(DomainError) as refused:
            CustomerInput.parse(not_a_form)
        assert refused.value.errors == {"": "form.err.invalid"}


def test_a_model_passes_through_and_echo_shows_the_form_again():
    data = CustomerInput.parse({"company_name": "Acme"})
    assert CustomerInput.parse(data) is data
    echoed = CustomerInput.echo({"company_name": "Acme ", "block_automatic_emails": "on", "assigned_user_id": 3})
    assert echoed["company_name"] == "Acme " and echoed["block_automatic_emails"] == "on"
    assert echoed["assigned_user_id"] == "3" and echoed["email"] == ""
    assert set(echoed) == set(CustomerInput.model_fields)


@pytest.mark.parametrize("sent, expected", [
    ("1.234,50 €", "1234.50"), ("1234,5", "1234.5"), ("1234.5", "1234.5"), (12, "12"), (0.1, "0.1"),
    ("5.000", "5000"), ("1.250.000", "1250000"), ("-2.500", "-2500"), ("5.00", "5.00"), ("5.0000", "5.0000"),
])
def test_amounts_as_an_italian_types_them_or_a_program_sends_them(sent, expected):
    assert parse_amount(sent) == Decimal(expected)
def test_characters_no_layer_takes_are_dropped_and_line_breaks_kept():
    sent = "a\x00b\ud800c\U0010ffffd\x1b\x7f\x85\ufffe\U0001ffff\ufdd0e\tf\ng\r\n"
    assert drop_unsafe(sent) == "abcde\tf\ng\r\n"
    assert drop_unsafe("Nicolò D'Àmico \U0010fffd 😀 €") == "Nicolò D'Àmico \U0010fffd 😀 €"
    data = CustomerInput.parse({"company_name": "Acme\x00 \ud800S.r.l.\U0010ffff", "notes": "riga\x00 1\nriga 2"})
    assert (data.company_name, data.notes) == ("Acme S.r.l.", "riga 1\nriga 2")


def test_a_search_box_reads_one_clean_line_of_limited_length():
    assert search_text("  ac\x00me\n  s.r.l.\ud800 ") == "acme s.r.l."
    assert search_text("\U0010ffff") == ""
    assert len(search_text("x" * 1000)) == SEARCH_LIMIT
    for not_text in (None, 5, ["acme"], {"q": "acme"}):
        assert search_text(not_text) == ""


def test_handler_arguments_are_cleaned_all_the_way_down():
    upload = object()
    sent = ("a\x00", {"na\ud800me": "b\U0010ffff", "lines": [{"q": "\x00"}], "n": 5, "ok": True}, [upload], None)
    assert clean_arguments(sent) == ("a", {"name": "b", "lines": [{"q": ""}], "n": 5, "ok": True}, [upload], None)
    deep: list = ["x\x00"]
    for _ in range(50):
        deep = [deep]
    assert clean_arguments((deep,)) == ([[[[[[[None]]]]]]],)
