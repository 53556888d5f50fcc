"""The credit manager's overview at the top of /office/credit: who is over their limit, who is blocked,
what is unpaid, how late the receivables are, and how many documents wait; each figure opens its list."""

from __future__ import annotations

import dataclasses
from datetime import date

from app.db import session_scope
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import AgeingBucket, BlockLevel
from app.i18n import t
from app.i18n.formats import format_money
from app.services import credit
from app.state.customers import level_color
from app.state.session import SessionState, guarded


@dataclasses.dataclass
class LevelCount:
    level: str
    label: str
    count: int
    color: str


@dataclasses.dataclass
class AgeingView:
    bucket: str
    label: str
    amount: str
    href: str


class CreditOverviewState(SessionState):
    over_limit_count: int = 0
    over_limit_amount: str = ""
    unpaid_amount: str = ""
    unpaid_line: str = ""
    held_count: int = 0
    blocked_total: int = 0
    blocked_levels: list[LevelCount] = []
    ageing_rows: list[AgeingView] = []
    # What the chart draws: euros as numbers, labels in the user's language.
    ageing_chart: list[dict] = []

    @guarded(Perm.BLOCKS_MANAGE, page=True)
    def load_overview(self, actor: Actor):
        with session_scope() as session:
            seen = credit.overview(session=session, actor=actor, today=date.today())
        lang = self.lang
        self.over_limit_count = seen.over_limit_count
        self.over_limit_amount = t("credit.overshoot", lang, amount=format_money(seen.over_limit_amount, lang))
        self.unpaid_amount = format_money(seen.unpaid_amount, lang)
        self.unpaid_line = t("credit.unpaid_line", lang, count=seen.unpaid_customers)
        self.held_count = seen.held_count
        self.blocked_total = sum(seen.blocked.values())
        self.blocked_levels = [LevelCount(level.value, t(level.label_key, lang), seen.blocked[level.value],
                                          level_color(level.value)) for level in reversed(BlockLevel)]
        self.ageing_rows = [AgeingView(bucket.value, t(bucket.label_key, lang), format_money(seen.ageing[bucket.value],
                                                                                            lang),
                                       f"/office/customers?credit=age_{bucket.value}") for bucket in AgeingBucket]
        self.ageing_chart = [{"label": t(f"credit.age_short.{bucket.value}", lang),
                              "amount": float(seen.ageing[bucket.value])}
                             for bucket in AgeingBucket]
