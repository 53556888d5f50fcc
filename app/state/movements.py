"""The customer card's Movements tab: the customer's timeline, newest first, filtered by group."""

from __future__ import annotations

import dataclasses

from app.db import session_scope
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import BlockLevel, DocumentStatus, MovementGroup
from app.i18n import t
from app.i18n.formats import format_datetime
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


def _shown(field: str | None, value: str | None, lang: str) -> str:
    """A recorded value as the card shows it: a level of block by its name."""
    if field == "block_level" and BlockLevel.parse(value):
        return t(BlockLevel(value).label_key, lang)
    if field == "sales_status" and DocumentStatus.parse(value):
        return t(DocumentStatus(value).label_key, lang)
    if field == "unpaid_auto_block" and value in ("True", "False"):
        return t("common.yes" if value == "True" else "common.no", lang)
    return value or ""


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
                before=_shown(m.field, m.before, self.lang), after=_shown(m.field, m.after, self.lang),
                summary=m.summary or "", actor=m.actor_name or t("movements.by_system", self.lang),
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
