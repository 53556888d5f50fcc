"""The customer card's "Anonimizza" action: the plan of what happens to the customer's (or one contact's)
personal data, confirmed by typing the customer code. Administrators only, checked again by every handler."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_short_date
from app.services import anonymization
from app.state.customers import CustomerCardState
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

DIALOG = "anonymize"
OUTCOME_COLORS = {"erased": "red", "pseudonymized": "orange", "kept": "blue"}


@dataclasses.dataclass
class PlanLineView:
    key: str
    place: str
    count: int
    outcome: str
    color: str
    why: str


class AnonymizationState(Dialogs, CustomerCardState):
    plan_lines: list[PlanLineView] = []
    plan_subject: str = ""
    plan_pseudonym: str = ""
    plan_for_contact: bool = False
    anonymize_errors: dict[str, str] = {}
    # Which card and which contact the open plan is about: chosen by the server, never by the confirming call.
    _plan_for: tuple = ()

    def _why(self, line: anonymization.PlanLine) -> str:
        if line.outcome == anonymization.Outcome.KEPT and line.kept_until is not None:
            return t("anon.kept_until", self.lang, reason=t(line.reason, self.lang),
                     date=format_short_date(line.kept_until, self.lang))
        return t(line.reason, self.lang) if line.reason else ""

    @guarded(Perm.ANONYMIZE)
    def open_plan(self, actor: Actor, contact_id: int | str = ""):
        """The plan for the open card's customer, or for one of its contacts."""
        if self.is_new or self.customer_id <= 0:
            return None
        contact = None if contact_id in ("", None) else parse_id(contact_id)
        if contact is None and contact_id not in ("", None):
            return None
        try:
            with session_scope() as session:
                plan = anonymization.plan(session=session, actor=actor, customer_id=self.customer_id,
                                          contact_id=contact)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self.plan_lines = [
            PlanLineView(line.key, t(line.label, self.lang), line.count, t(f"anon.outcome.{line.outcome}", self.lang),
                         OUTCOME_COLORS[line.outcome], self._why(line))
            for line in plan.lines
        ]
        self.plan_subject, self.plan_pseudonym, self.plan_for_contact = (plan.subject_label, plan.pseudonym,
                                                                        contact is not None)
        self.anonymize_errors = {}
        self._plan_for = (self.customer_id, contact)
        self._open_dialog(DIALOG)
        return None

    @guarded(Perm.ANONYMIZE)
    def confirm_anonymize(self, actor: Actor, form_data: dict):
        if not self._is_open(DIALOG) or not self._plan_for or self._plan_for[0] != self.customer_id:
            return None
        customer_id, contact_id = self._plan_for
        typed = form_data.get("confirmation") if isinstance(form_data, dict) else None
        try:
            with session_scope(write=True) as session:
                anonymization.execute(session=session, actor=actor, customer_id=customer_id, contact_id=contact_id,
                                      confirmation_code=typed)
        except DomainError as error:
            self.anonymize_errors = field_messages(error, self.lang)
            return None
        self._close_dialog(DIALOG)
        self._plan_for, self.plan_lines = (), []
        done = t("anon.done_contact" if contact_id else "anon.done", self.lang)
        return [rx.toast.success(done), CustomerCardState.open_card]
