"""The credit manager's queue of documents waiting for release."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from app.db import session_scope
from app.domain.credit import over_limit
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import ticked
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import DocumentKind
from app.i18n import t
from app.i18n.formats import format_money, format_short_date
from app.services import sales
from app.state.customers import level_color, level_label
from app.state.dialogs import Dialogs
from app.state.lists import count_label
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages, guarded

# The dialog's title and the answer once done, per decision.
DECISIONS = {"release": ("held.release_title", "held.released"), "reject": ("held.reject_title", "held.rejected")}


@dataclasses.dataclass
class HeldView:
    id: int
    customer_id: int
    customer: str
    number: str
    kind: str
    date: str
    total: str
    reasons: str
    reason_options: list[list[str]]  # [code, label] of each reason, for a release of some of them
    entered_by: str
    exposure: str  # the customer's exposure now, and once released
    limit: str
    over_limit: bool  # once released
    block: str
    block_color: str
    unpaid: str


PAGE_SIZE = 25


class HeldDocumentsState(Dialogs, KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.BLOCKS_MANAGE
    held_rows: list[HeldView] = []
    count_text: str = ""
    decision_title: str = ""
    decision_errors: dict[str, str] = {}
    decision_key: int = 0
    # The reasons of the document being released, each ticked to release it.
    decision_reasons: list[list[str]] = []

    @guarded(Perm.BLOCKS_MANAGE, page=True)
    def load_held(self, actor: Actor):
        self._restart(actor)

    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            found = sales.held_documents(session=session, actor=actor, after_id=self._cursor, limit=PAGE_SIZE + 1)
            self.count_text = count_label(sales.count_held(session=session, actor=actor), self.lang)
        if not found and self._back():  # the page's last document was just decided: show the one before
            self._fetch(actor)
            return
        found, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
        lang = self.lang
        self.held_rows = [
            HeldView(
                id=r.id, customer_id=r.customer_id, customer=r.customer, number=r.number,
                kind=t(DocumentKind(r.kind).label_key, lang), date=format_short_date(r.document_date, lang),
                total=format_money(r.gross_total, lang),
                reasons=", ".join(t(reason.label_key, lang) for reason in r.reasons),
                reason_options=[[reason.value, t(reason.label_key, lang)] for reason in r.reasons],
                entered_by=r.entered_by,
                exposure=f"{format_money(r.exposure, lang)} → {format_money(r.exposure_after, lang)}",
                limit=format_money(r.credit_limit, lang) if r.credit_limit is not None else t("credit.no_limit", lang),
                over_limit=over_limit(r.credit_limit, r.exposure_after),
                block=level_label(r.block_level, lang), block_color=level_color(r.block_level),
                unpaid=t("held.unpaid_history", lang, open=r.unpaid_open, ever=r.unpaid_ever) if r.unpaid_ever
                else "",
            )
            for r in found
        ]
        self._page_loaded(found[-1].id if more else None)

    @guarded(Perm.BLOCKS_MANAGE)
    def ask_decision(self, actor: Actor, document_id: int, decision: str):
        row = next((r for r in self.held_rows if r.id == parse_id(document_id)), None)
        if row is None or decision not in DECISIONS:
            return
        self._confirming = (row.id, decision)
        self.decision_title = t(DECISIONS[decision][0], self.lang, number=row.number, customer=row.customer)
        self.decision_reasons = row.reason_options if decision == "release" else []
        self.decision_errors = {}
        self.decision_key += 1
        self._open_dialog("decision")

    @guarded(Perm.BLOCKS_MANAGE)
    def decide(self, actor: Actor, form_data: dict):
        if not self._is_open("decision") or len(self._confirming) != 2:
            return None
        document_id, decision = self._confirming
        form = form_data if isinstance(form_data, dict) else {}
        note = form.get("note")
        ticked_reasons = [code for code, _ in self.decision_reasons if ticked(form.get(f"reason-{code}"))]
        try:
            with session_scope(write=True) as session:
                if decision == "release":
                    sales.release_document(session=session, actor=actor, document_id=document_id, note=note,
                                           reasons=ticked_reasons)
                else:
                    sales.reject_document(session=session, actor=actor, document_id=document_id, note=note)
        except DomainError as error:
            self.decision_errors = field_messages(error, self.lang)
            return None
        self._confirming = ()
        self._close_dialog("decision")
        self._fetch(actor)
        return rx.toast.success(t(DECISIONS[decision][1], self.lang))
