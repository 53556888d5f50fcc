"""The customer card as it was at a moment ("Com'era il…"): read-only, beside today's values."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from app.db import session_scope
from app.domain.customer_rules import display_phone
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import BlockLevel, ConsentState, ContactKind, CustomerKind, CustomerStatus
from app.i18n import t
from app.i18n.formats import TIME_ZONE, format_datetime
from app.models.base import utcnow
from app.services import versions
from app.state.customers import CardTab, CustomerCardState
from app.state.dialogs import Dialogs
from app.state.session import guarded

# Record fields shown for a contact or a site, in this order; each by its field label.
CONTACT_FIELDS = ("first_name", "last_name", "role", "email", "phone")
SITE_FIELDS = ("name", "street", "cap", "city", "province", "is_default")
# How a contact or site then compares with today (labels: the "as_of.state.{}" family).
STATE_COLORS = {"same": "gray", "changed": "amber", "added": "green", "removed": "red"}


@dataclasses.dataclass
class FieldRow:
    label: str
    then: str
    now: str
    changed: bool


@dataclasses.dataclass
class RecordRow:
    text: str
    state: str
    color: str


def _value(name: str, value: object, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    if name in ("phone", "mobile"):
        return display_phone(value)
    if name == "kind" and CustomerKind.parse(value):
        return t(CustomerKind(value).label_key, lang)
    if name == "kind" and ContactKind.parse(value):
        return t(ContactKind(value).label_key, lang)
    if name == "status" and CustomerStatus.parse(value):
        return t(CustomerStatus(value).label_key, lang)
    return str(value)


def _record_text(data: dict | None, names: tuple[str, ...], lang: str) -> str:
    if not data:
        return ""
    return " · ".join(_value(name, data.get(name), lang) for name in names if data.get(name) not in (None, "", False))


class CardAsOfState(CardTab, Dialogs, CustomerCardState):
    as_of_value: str = ""  # the date-time input's value, local time
    as_of_title: str = ""
    as_of_error: str = ""
    as_of_existed: bool = True
    field_rows: list[FieldRow] = []
    contact_rows: list[RecordRow] = []
    site_rows: list[RecordRow] = []
    consent_rows: list[FieldRow] = []
    block_rows: list[FieldRow] = []

    def _fetch(self, actor: Actor) -> None:
        """Nothing to read until a moment is chosen."""

    @guarded(Perm.CUSTOMERS_READ)
    def open_as_of(self, actor: Actor):
        if self.is_new or self.customer_id <= 0:
            return
        self._opened()
        self.as_of_value = utcnow().astimezone(TIME_ZONE).strftime("%Y-%m-%dT%H:%M")
        self.as_of_title, self.as_of_error, self.field_rows = "", "", []
        self.contact_rows, self.site_rows, self.consent_rows, self.block_rows = [], [], [], []
        self._open_dialog("as_of")

    @guarded(Perm.CUSTOMERS_READ)
    def show_as_of(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("as_of"):
            return
        raw = form_data.get("at") if isinstance(form_data, dict) else None
        try:
            at = datetime.fromisoformat(raw).replace(tzinfo=TIME_ZONE) if isinstance(raw, str) and raw else None
        except ValueError:
            at = None
        if at is None:
            self.as_of_error = t("form.err.date", self.lang)
            return
        self.as_of_value, self.as_of_error = raw, ""
        with session_scope() as session:
            card = versions.card_as_of(session=session, actor=actor, customer_id=self.customer_id, at=at)
        lang = self.lang
        self.as_of_title = t("as_of.title", lang, moment=format_datetime(at, lang))
        self.as_of_existed = card.existed
        self.field_rows = [FieldRow(t(f"field.{f.name}", lang), _value(f.name, f.then, lang),
                                    _value(f.name, f.now, lang), f.changed)
                           for f in card.fields if card.existed and (f.then not in (None, "") or f.changed)]
        self.contact_rows = self._records(card.contacts, CONTACT_FIELDS)
        self.site_rows = self._records(card.sites, SITE_FIELDS)
        names = {r.subject_id: _record_text(r.then or r.now, ("first_name", "last_name"), lang)
                 for r in card.contacts}
        self.consent_rows = [
            FieldRow(f"{c.type_title}" + (f" · {names.get(c.contact_id, '')}" if c.contact_id else ""),
                     t(ConsentState(c.then).label_key, lang), t(ConsentState(c.now).label_key, lang),
                     c.then != c.now)
            for c in card.consents
        ]
        self.block_rows = [
            FieldRow(f"{t(BlockLevel(b.level).label_key, lang)} · {b.reason}",
                     t("as_of.active" if b.active_then else "as_of.not_active", lang),
                     t("as_of.active" if b.active_now else "as_of.not_active", lang), b.active_then != b.active_now)
            for b in card.blocks
        ]

    def _records(self, rows: list[versions.RecordThen], names: tuple[str, ...]) -> list[RecordRow]:
        lang = self.lang
        return [RecordRow(_record_text(r.then if r.then is not None else r.now, names, lang),
                          t(f"as_of.state.{r.state}", lang), STATE_COLORS[r.state]) for r in rows]
