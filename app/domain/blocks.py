"""The block ladder: what a customer's active blocks allow, hold for a credit manager, or refuse.

Levels go up in importance: assistance, unpaid items, overdue items (sospesi), stuck credit
(incagliato), bad debt (sofferenza). The highest active block is the customer's level, shown
everywhere. What an action meets is the strictest effect among all the active blocks: an assistance
block keeps refusing interventions when an unpaid-items block is added on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.domain.errors import DomainError
from app.domain.vocabularies import BlockLevel, CreditAction, Effect
from app.i18n import N_

# Money coming in and corrections in the customer's favour are never stopped.
_ALWAYS_ALLOWED = (CreditAction.NEW_PAYMENT, CreditAction.NEW_CREDIT_NOTE)


def _defaults() -> dict[tuple[BlockLevel, CreditAction], Effect]:
    table = {(level, action): Effect.ALLOW for level in BlockLevel for action in CreditAction}
    table[BlockLevel.ASSISTANCE, CreditAction.NEW_INTERVENTION] = Effect.REFUSE
    table[BlockLevel.ASSISTANCE, CreditAction.NEW_TICKET] = Effect.REFUSE
    for level in BlockLevel:
        if level.rank >= BlockLevel.UNPAID.rank:
            table[level, CreditAction.NEW_ORDER] = Effect.REFUSE
            table[level, CreditAction.PORTAL_ORDER] = Effect.REFUSE
        if level.rank >= BlockLevel.OVERDUE.rank:
            for action in CreditAction:
                if action.holdable and table[level, action] is Effect.ALLOW:
                    table[level, action] = Effect.HOLD
        if level.rank >= BlockLevel.STUCK.rank:
            for action in CreditAction:
                if action not in _ALWAYS_ALLOWED:
                    table[level, action] = Effect.REFUSE
    return table


DEFAULT_EFFECTS: Mapping[tuple[BlockLevel, CreditAction], Effect] = _defaults()


def effect_of(levels: Iterable[str], action: CreditAction, table: Mapping[tuple[str, str], str]) -> Effect:
    """The strictest effect the active blocks' levels have on an action; `table` holds the office's
    choices by (level, action) and the defaults fill the rest."""
    effect = Effect.ALLOW
    for level in {BlockLevel(level) for level in levels}:
        chosen = Effect.parse(table.get((level.value, action.value))) or DEFAULT_EFFECTS[level, action]
        if chosen.strictness > effect.strictness:
            effect = chosen
    return effect


def highest_level(levels: Iterable[str]) -> BlockLevel | None:
    ranked = sorted((BlockLevel(level) for level in levels), key=lambda level: level.rank)
    return ranked[-1] if ranked else None


def clean_effect_choices(choices: object) -> dict[tuple[str, str], str]:
    """Every (level, action) cell of the settings table, checked; a malformed table is refused whole."""
    if not isinstance(choices, Mapping):
        raise DomainError(N_("form.err.invalid"))
    cleaned = {}
    for key, value in choices.items():
        level, _, action = key.partition(":") if isinstance(key, str) else ("", "", "")
        if not (BlockLevel.parse(level) and CreditAction.parse(action) and Effect.parse(value)):
            raise DomainError(N_("form.err.invalid"))
        if value == Effect.HOLD and not CreditAction(action).holdable:
            raise DomainError(N_("blocks.err.not_holdable"))
        cleaned[level, action] = value
    return cleaned
