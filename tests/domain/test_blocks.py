"""The block ladder's defaults, cell by cell, and how several blocks combine."""

import pytest

from app.domain.blocks import DEFAULT_EFFECTS, clean_effect_choices, effect_of, highest_level
from app.domain.errors import DomainError
from app.domain.vocabularies import BlockLevel, CreditAction, Effect

A, H, R = Effect.ALLOW, Effect.HOLD, Effect.REFUSE
# Rows in ladder order; columns: quote, order, delivery note, invoice, credit note, payment, intervention,
# support request, reserved-area order.
EXPECTED = {
    BlockLevel.ASSISTANCE: (A, A, A, A, A, A, R, R, A),
    BlockLevel.UNPAID: (A, R, A, A, A, A, A, A, R),
    BlockLevel.OVERDUE: (H, R, H, H, A, A, A, A, R),
    BlockLevel.STUCK: (R, R, R, R, A, A, R, R, R),
    BlockLevel.BAD_DEBT: (R, R, R, R, A, A, R, R, R),
}


@pytest.mark.parametrize("level", list(BlockLevel))
def test_every_default_cell(level):
    assert tuple(CreditAction) == (
        CreditAction.NEW_QUOTE, CreditAction.NEW_ORDER, CreditAction.NEW_DELIVERY_NOTE, CreditAction.NEW_INVOICE,
        CreditAction.NEW_CREDIT_NOTE, CreditAction.NEW_PAYMENT, CreditAction.NEW_INTERVENTION,
        CreditAction.NEW_TICKET, CreditAction.PORTAL_ORDER)
    assert tuple(DEFAULT_EFFECTS[level, action] for action in CreditAction) == EXPECTED[level]
    for action in CreditAction:
        assert effect_of([level.value], action, {}) == EXPECTED[level][list(CreditAction).index(action)]


def test_no_block_allows_everything_and_the_strictest_block_wins():
    assert all(effect_of([], action, {}) is A for action in CreditAction)
    both = ["unpaid", "assistance"]
    assert effect_of(both, CreditAction.NEW_INTERVENTION, {}) is R  # the assistance block still counts
    assert effect_of(both, CreditAction.NEW_ORDER, {}) is R
    assert highest_level(both) is BlockLevel.UNPAID
    assert highest_level([]) is None


def test_the_office_choices_win_over_the_defaults():
    table = {("unpaid", "new_order"): "hold", ("assistance", "new_ticket"): "allow"}
    assert effect_of(["unpaid"], CreditAction.NEW_ORDER, table) is H
    assert effect_of(["assistance"], CreditAction.NEW_TICKET, table) is A
    assert effect_of(["assistance"], CreditAction.NEW_INTERVENTION, table) is R


def test_a_settings_table_is_checked_cell_by_cell():
    assert clean_effect_choices({"unpaid:new_order": "hold"}) == {("unpaid", "new_order"): "hold"}
    for bad in ({"unpaid:new_order": "maybe"}, {"nope:new_order": "allow"}, {"unpaid": "allow"}, {5: "allow"},
                ["unpaid:new_order"], None):
        with pytest.raises(DomainError):
            clean_effect_choices(bad)
    with pytest.raises(DomainError) as refused:  # only a document can wait for a credit manager
        clean_effect_choices({"assistance:new_ticket": "hold"})
    assert refused.value.message_key == "blocks.err.not_holdable"
