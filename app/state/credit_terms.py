"""The credit terms on the card's Dati contabili tab: the limit (fido), what the customer owes and has
on order against it, and the usual payment terms and shipping costs orders are checked against."""

from __future__ import annotations

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.inputs import CreditTermsInput
from app.domain.permissions import Actor, Perm, has_perm
from app.i18n import t
from app.i18n.formats import format_money
from app.services import credit, sales
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

# A select cannot offer an empty value: this one stands for "no usual terms".
NO_TERMS = "none"


def _plain(value: object) -> str:
    return "" if value is None else str(value).replace(".", ",")


class CreditTermsPanel(CardTab, Dialogs, CustomerCardState):
    limit_text: str = ""
    receivables_text: str = ""
    orders_text: str = ""
    exposure_text: str = ""
    available_text: str = ""
    over_limit: bool = False
    unpaid_text: str = ""
    usual_terms_text: str = ""
    usual_shipping_text: str = ""
    can_edit_terms: bool = False
    terms_values: dict[str, str] = {}
    terms_errors: dict[str, str] = {}
    terms_key: int = 0
    terms_options: list[list[str]] = []

    def _fetch(self, actor: Actor) -> None:
        self.can_edit_terms = has_perm(actor, Perm.BLOCKS_MANAGE)
        with session_scope() as session:
            found = credit.summary(session=session, actor=actor, customer_id=self.customer_id)
            terms = {term.code: term.description for term in sales.payment_terms(session)}
        lang = self.lang
        self.limit_text = format_money(found.credit_limit, lang) if found.credit_limit is not None \
            else t("credit.no_limit", lang)
        self.receivables_text = format_money(found.exposure.receivables, lang)
        self.orders_text = format_money(found.exposure.orders, lang)
        self.exposure_text = format_money(found.exposure.total, lang)
        self.available_text = format_money(found.available, lang) if found.available is not None else ""
        self.over_limit = found.over_limit
        self.unpaid_text = t("credit.unpaid_open", lang, count=found.unpaid_count,
                             amount=format_money(found.unpaid_open, lang)) if found.unpaid_count else ""
        self.usual_terms_text = terms.get(found.payment_term, "") if found.payment_term else ""
        self.usual_shipping_text = format_money(found.shipping_costs, lang) if found.shipping_costs is not None \
            else ""
        self.terms_options = [[NO_TERMS, t("credit.no_usual_terms", lang)], *([c, d] for c, d in terms.items())]
        self.terms_values = {"credit_limit": _plain(found.credit_limit),
                             "payment_term": found.payment_term or NO_TERMS,
                             "shipping_costs": _plain(found.shipping_costs)}

    @guarded(Perm.BLOCKS_MANAGE)
    def ask_terms(self, actor: Actor):
        if not self._current():
            return
        self._fetch(actor)
        self.terms_errors = {}
        self.terms_key += 1
        self._open_dialog("terms")

    @guarded(Perm.BLOCKS_MANAGE)
    def save_terms(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("terms"):
            return None
        form = dict(form_data) if isinstance(form_data, dict) else {}
        if form.get("payment_term") == NO_TERMS:
            form["payment_term"] = None
        self.terms_values = {**CreditTermsInput.echo(form), "payment_term": form.get("payment_term") or NO_TERMS}
        try:
            with session_scope(write=True) as session:
                credit.save_terms(session=session, actor=actor, customer_id=self.customer_id, raw=form)
        except DomainError as error:
            self.terms_errors = field_messages(error, self.lang)
            return None
        self._close_dialog("terms")
        self._fetch(actor)
        return rx.toast.success(t("credit.terms_saved", self.lang))


register_tab("credit", CreditTermsPanel.load)
