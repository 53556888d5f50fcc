"""The customer card's Movements tab: the customer's timeline, newest first, filtered by group."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from app.db import session_scope
from app.domain.customer_rules import display_phone
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import ConsentState, ContactKind, CustomerKind, MovementGroup, MovementKind
from app.i18n import LANGUAGE_NAMES, t
from app.i18n.formats import format_datetime, format_money
from app.services import movements
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.session import guarded


@dataclasses.dataclass
class MovementView:
    id: int
    kind: str
    field: str
    before: str
    after: str
    summary: str
    actor: str
    source: str
    at: str


def shown_value(kind: str, field: str | None, value: str | None, names: dict, lang: str) -> str:
    """A recorded value as the card shows it, in the reader's language: a code by its label, a flag as
    yes or no, a phone as on the card, an amount as money, an id by the name of what it refers to."""
    if value is None or value == "":
        return ""
    if kind == MovementKind.CONSENT_CHANGED:
        state = ConsentState.parse(value)
        return t(state.label_key, lang) if state else value
    if field is None:
        return value
    if (field, value) in names:
        return names[(field, value)]
    if field in movements.PHONE_FIELDS:
        return display_phone(value)
    if field in movements.YES_NO_FIELDS and value in ("True", "False"):
        return t("common.yes" if value == "True" else "common.no", lang)
    if field in movements.MONEY_FIELDS:
        try:
            return format_money(Decimal(value), lang)
        except InvalidOperation:
            return value
    if field in movements.LANGUAGE_FIELDS:
        return LANGUAGE_NAMES.get(value, value)
    vocabulary = movements.VOCABULARY_FIELDS.get(field)
    if field == "kind":
        vocabulary = ContactKind if kind.startswith("contact.") else CustomerKind
    member = vocabulary.parse(value) if vocabulary else None
    return t(member.label_key, lang) if member else value


class MovementsTab(CardTab, CustomerCardState):
    movement_rows: list[MovementView] = []
    movement_group: str = "all"
    movements_more: bool = False
    _movements_before: int | None = None

    def _fetch(self, actor: Actor, reset: bool = True) -> None:
        if reset:
            self._movements_before = None
            self.movement_rows = []
        with session_scope() as session:
            page = movements.list_movements(
                session=session, actor=actor, customer_id=self.customer_id,
                group="" if self.movement_group == "all" else self.movement_group, before_id=self._movements_before,
            )
        self.movement_rows = self.movement_rows + [
            MovementView(
                id=m.id, kind=t(f"movements.kind.{m.kind}", self.lang),
                field=t(f"field.{m.field}", self.lang) if m.field else "",
                before=shown_value(m.kind, m.field, m.before, page.names, self.lang),
                after=shown_value(m.kind, m.field, m.after, page.names, self.lang),
                summary=t("movements.erased", self.lang) if m.erased else m.summary or "",
                actor=m.actor_name or t("movements.by_system", self.lang),
                source=t(f"source.{m.source}", self.lang),
                at=format_datetime(m.created_at, self.lang),
            )
            for m in page.rows
        ]
        self._movements_before = page.next_before_id
        self.movements_more = page.next_before_id is not None

    @guarded(Perm.CUSTOMERS_READ)
    def filter_movements(self, actor: Actor, group: str | list[str]):
        if not self._current():
            return
        self.movement_group = MovementGroup.parse(group) or "all"
        self._fetch(actor)

    @guarded(Perm.CUSTOMERS_READ)
    def more_movements(self, actor: Actor):
        if self._current() and self._movements_before is not None:
            self._fetch(actor, reset=False)


register_tab("movements", MovementsTab.load)
