"""The receivables on the card's Dati contabili tab: what the customer owes, and payments recorded."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import PaymentInput, UnpaidInput
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import UnpaidKind
from app.i18n import t
from app.i18n.formats import format_money, format_short_date
from app.services import receivables
from app.state.blocks import BlocksTab
from app.state.credit_terms import CreditTermsPanel
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded


@dataclasses.dataclass
class ReceivableView:
    id: int
    invoice: str
    due_on: str
    overdue: bool
    amount: str
    paid: str
    outstanding: str
    outstanding_plain: str
    paid_plain: str
    settled: bool
    unpaid: bool
    returnable: bool  # something was paid on it, so a payment can come back


class ReceivablesPanel(CardTab, Dialogs, CustomerCardState):
    receivable_rows: list[ReceivableView] = []
    outstanding_total: str = ""
    can_record_payments: bool = False
    payment_title: str = ""
    payment_values: dict[str, str] = {}
    payment_errors: dict[str, str] = {}
    payment_key: int = 0
    unpaid_title: str = ""
    unpaid_values: dict[str, str] = {}
    unpaid_errors: dict[str, str] = {}
    unpaid_key: int = 0
    unpaid_kind_options: list[list[str]] = []

    def _fetch(self, actor: Actor) -> None:
        self.can_record_payments = has_perm(actor, Perm.RECEIVABLES_MANAGE)
        with session_scope() as session:
            found = receivables.list_receivables(session=session, actor=actor, customer_id=self.customer_id)
        today = date.today()
        self.receivable_rows = [
            ReceivableView(
                id=r.id, invoice=t("receivables.instalment", self.lang, invoice=r.invoice, number=r.instalment),
                due_on=format_short_date(r.due_on, self.lang), overdue=not r.settled and r.due_on < today,
                amount=format_money(r.amount, self.lang), paid=format_money(r.paid, self.lang),
                outstanding=format_money(r.outstanding, self.lang), outstanding_plain=str(r.outstanding),
                paid_plain=str(r.paid), settled=r.settled, unpaid=r.unpaid, returnable=r.paid > 0,
            )
            for r in found
        ]
        self.outstanding_total = format_money(sum((r.outstanding for r in found), start=0), self.lang)

    @guarded(Perm.RECEIVABLES_MANAGE)
    def ask_payment(self, actor: Actor, receivable_id: int):
        row = next((r for r in self.receivable_rows if r.id == parse_id(receivable_id) and not r.settled), None)
        if row is None or not self._current():
            return
        self._confirming = (row.id,)
        self.payment_title = t("receivables.payment_title", self.lang, invoice=row.invoice)
        self.payment_values = {"amount": row.outstanding_plain.replace(".", ","), "paid_on": date.today().isoformat()}
        self.payment_errors = {}
        self.payment_key += 1
        self._open_dialog("payment")

    @guarded(Perm.RECEIVABLES_MANAGE)
    def record_payment(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("payment") or not self._confirming:
            return None
        self.payment_values = PaymentInput.echo(form_data)
        try:
            with session_scope(write=True) as session:
                receivables.record_payment(session=session, actor=actor, customer_id=self.customer_id,
                                           receivable_id=self._confirming[0], raw=form_data)
        except DomainError as error:
            self.payment_errors = field_messages(error, self.lang)
            return None
        self._confirming = ()
        self._close_dialog("payment")
        self._fetch(actor)
        # What is owed changed: the credit terms above show the exposure again.
        return [rx.toast.success(t("receivables.payment_saved", self.lang)), CreditTermsPanel.load]

    @guarded(Perm.RECEIVABLES_MANAGE)
    def ask_unpaid(self, actor: Actor, receivable_id: int):
        row = next((r for r in self.receivable_rows if r.id == parse_id(receivable_id) and r.returnable), None)
        if row is None or not self._current():
            return
        self._confirming = (row.id,)
        self.unpaid_title = t("unpaid.title", self.lang, invoice=row.invoice)
        self.unpaid_kind_options = [[kind.value, t(kind.label_key, self.lang)] for kind in UnpaidKind]
        self.unpaid_values = {"kind": UnpaidKind.RIBA.value, "returned_on": date.today().isoformat(),
                              "amount": row.paid_plain.replace(".", ","), "charges": "", "note": ""}
        self.unpaid_errors = {}
        self.unpaid_key += 1
        self._open_dialog("unpaid")

    @guarded(Perm.RECEIVABLES_MANAGE)
    def register_unpaid(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("unpaid") or not self._confirming:
            return None
        self.unpaid_values = UnpaidInput.echo(form_data)
        try:
            with session_scope(write=True) as session:
                receivables.register_unpaid(session=session, actor=actor, customer_id=self.customer_id,
                                            receivable_id=self._confirming[0], raw=form_data)
        except DomainError as error:
            self.unpaid_errors = field_messages(error, self.lang)
            return None
        self._confirming = ()
        self._close_dialog("unpaid")
        self._fetch(actor)
        # The automatic block shows on the blocks above and in the card's header; the exposure grows.
        return [rx.toast.success(t("unpaid.saved", self.lang)), BlocksTab.load, CreditTermsPanel.load]


register_tab("credit", ReceivablesPanel.load)
