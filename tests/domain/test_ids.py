import pytest

from app.domain.ids import MAX_ID, parse_id


@pytest.mark.parametrize("value,expected", [(1, 1), ("42", 42), (MAX_ID, MAX_ID)])
def test_plain_positive_ids(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [0, -1, True, None, 1.5, "1.5", "", "١٢", "1; DROP TABLE", [1], {"id": 1}, MAX_ID + 1, 10**20, "9" * 30])
def test_anything_else_is_no_id(value):
    assert parse_id(value) is None
