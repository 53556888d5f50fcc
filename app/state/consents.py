"""Consents on screen: the toggles and history on the customer card, and the reserved area's page."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.api.routes import consent_form_path
from app.db import session_scope
from app.domain import consent_rules as rules
from app.domain.customer_rules import display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_choice, parse_id
from app.domain.inputs import ConsentTypeInput, ticked
from app.domain.permissions import Actor, Perm, has_perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import consents
from app.settings import get_settings
from app.state.contacts import ContactsTab
from app.state.customers import CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import SessionState, field_messages, guarded


@dataclasses.dataclass
class ConsentView:
    key: str  # "<contact id or 0>:<type id>": what the toggle sends back
    title: str
    channel: str
    state: str
    recorded: str
    signature_missing: bool
    old_version: bool


@dataclasses.dataclass
class SubjectConsentsView:
    name: str
    reach: str
    consents: list[ConsentView]


@dataclasses.dataclass
class HistoryRowView:
    state: str
    color: str
    version: str
    source: str
    actor: str
    at: str
    signature: bool


STATE_COLORS = {rules.GRANTED: "green", rules.REFUSED: "red", rules.UNKNOWN: "gray"}


def parse_consent_key(key: object) -> tuple[int | None, int] | None:
    """(contact id or None, type id) from a toggle's key; None for anything malformed."""
    if not isinstance(key, str) or key.count(":") != 1:
        return None
    contact, type_id = key.split(":")
    parsed_type = parse_id(type_id)
    if parsed_type is None or (contact != "0" and parse_id(contact) is None):
        return None
    return (None if contact == "0" else parse_id(contact)), parsed_type


def consent_view(contact_id: int | None, row: consents.ConsentStatus, lang: str) -> ConsentView:
    recorded = ""
    if row.recorded_at is not None:
        recorded = t("consents.recorded", lang, date=format_datetime(row.recorded_at, lang), by=row.recorded_by,
                     source=t(f"source.{row.source}", lang), version=row.version)
    channel = "" if row.channel == "none" else t(f"consents.channel.{row.channel}", lang)
    return ConsentView(
        key=f"{contact_id or 0}:{row.type_id}", title=row.title, channel=channel,
        state=row.state, recorded=recorded, signature_missing=row.signature_missing,
        old_version=row.version is not None and row.version < row.latest_version,
    )


class CardConsentsState(Dialogs, CustomerCardState):
    """The card's consents: the general ones under the details, the channel ones under the contacts,
    and the history of one of them in a dialog. Loaded with either of those tabs."""

    can_record_consents: bool = False
    general_consents: list[ConsentView] = []
    channel_consents: list[SubjectConsentsView] = []
    consent_error: str = ""
    consent_pdf_url: str = ""
    history_title: str = ""
    history_body: str = ""
    history_hash: str = ""
    history_rows: list[HistoryRowView] = []
    history_can_sign: bool = False
    loaded_for: int = 0
    _history_key: tuple = ()

    def _current(self) -> bool:
        return self.loaded_for == self.card_key and self.customer_id > 0

    @guarded(Perm.CUSTOMERS_READ)
    def load(self, actor: Actor):
        if self.is_new:
            return
        if self.loaded_for != self.card_key:
            self.reset()
            self.loaded_for = self.card_key
        self._fetch(actor)

    def _fetch(self, actor: Actor) -> None:
        self.can_record_consents = has_perm(actor, Perm.CONSENTS_RECORD)
        # The backend answers at the public address too (rxconfig's api_url).
        self.consent_pdf_url = get_settings().public_base_url + consent_form_path(self.customer_id)
        with session_scope() as session:
            current = consents.current_consents(session=session, actor=actor, customer_id=self.customer_id)
            card_contacts = consents.consent_subjects(session=session, actor=actor, customer_id=self.customer_id)
        self.general_consents = [consent_view(None, r, self.lang) for r in current[None] if r.channel == "none"]
        subjects = []
        for contact_id, rows in current.items():
            name, email, phone = card_contacts[contact_id]
            reach = " · ".join(p for p in (email or "", display_phone(phone)) if p) or t("consents.no_reach", self.lang)
            channel_rows = [consent_view(contact_id, r, self.lang) for r in rows if r.channel != "none"]
            if channel_rows:
                subjects.append(SubjectConsentsView(name, reach, channel_rows))
        self.channel_consents = subjects

    @guarded(Perm.CONSENTS_RECORD)
    def set_consent(self, actor: Actor, key: str, state: str | list[str]):
        parsed = parse_consent_key(key)
        wanted = parse_choice(state, rules.STATES)
        if parsed is None or not wanted or not self._current():
            return None
        contact_id, type_id = parsed
        try:
            with session_scope(write=True) as session:
                consents.record_consent(session=session, actor=actor, customer_id=self.customer_id,
                                        contact_id=contact_id, type_id=type_id, state=wanted)
        except DomainError as error:
            self.consent_error = t(error.message_key, self.lang)
            refused = [rx.toast.error(self.consent_error)]
            if contact_id is not None and error.message_key in rules.CONTACT_FIELD_NEEDED \
                    and has_perm(actor, Perm.CUSTOMERS_WRITE):
                refused.append(ContactsTab.fill_for_consent(contact_id, error.message_key))
            return refused
        self.consent_error = ""
        self._fetch(actor)
        return None

    @guarded(Perm.CUSTOMERS_READ)
    def open_consent_history(self, actor: Actor, key: str):
        parsed = parse_consent_key(key)
        if parsed is None or not self._current():
            return
        self._history_key = parsed
        self._show_history(actor)

    def _show_history(self, actor: Actor) -> None:
        contact_id, type_id = self._history_key
        with session_scope() as session:
            detail = consents.consent_detail(session=session, actor=actor, customer_id=self.customer_id,
                                             contact_id=contact_id, type_id=type_id)
        self.history_title = f"{detail.title} · {detail.subject_name}"
        self.history_body = detail.body
        self.history_hash = t("consents.text_version", self.lang, version=detail.version, sha=detail.sha256[:16])
        self.history_rows = [
            HistoryRowView(
                state=t(f"consents.state.{e.state}", self.lang), color=STATE_COLORS[e.state],
                version=f"v{version}", source=t(f"source.{e.source}", self.lang), actor=e.actor_label,
                at=format_datetime(e.created_at, self.lang), signature=e.signature_collected,
            )
            for e, version in detail.events
        ]
        self.history_can_sign = (self.can_record_consents and detail.requires_signature
                                 and detail.state == rules.GRANTED and not detail.signed)
        self._open_dialog("history")

    @guarded(Perm.CONSENTS_RECORD)
    def record_signature(self, actor: Actor):
        """The signature of the granted consent was collected on paper or in another system."""
        if not self._history_key or not self._current() or not self._is_open("history"):
            return None
        contact_id, type_id = self._history_key
        try:
            with session_scope(write=True) as session:
                consents.record_consent(session=session, actor=actor, customer_id=self.customer_id,
                                        contact_id=contact_id, type_id=type_id, state=rules.GRANTED,
                                        signature_collected=True)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._show_history(actor)
        self._fetch(actor)
        return None


register_tab("details", CardConsentsState.load)
register_tab("contacts", CardConsentsState.load)


@dataclasses.dataclass
class PortalConsentView:
    key: str
    title: str
    text: str
    granted: bool
    state: str  # granted | refused | unknown: the page shows each in its own colour
    recorded: str


@dataclasses.dataclass
class PortalSubjectView:
    name: str
    consents: list[PortalConsentView]


class PortalConsentsState(SessionState):
    subjects: list[PortalSubjectView] = []

    @guarded(Perm.PORTAL_ACCESS, module="consents", page=True)
    def load_portal_consents(self, actor: Actor):
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            found = consents.portal_consents(session=session, actor=actor)
        self.subjects = [
            PortalSubjectView(name, [
                PortalConsentView(
                    key=f"{contact_id or 0}:{row.type_id}", title=row.title, text=found.texts[row.type_id],
                    granted=row.state == rules.GRANTED, state=row.state,
                    recorded=format_datetime(row.recorded_at, self.lang),
                )
                for row in rows
            ])
            for contact_id, (name, rows) in found.subjects.items()
        ]

    @guarded(Perm.CONSENTS_OWN, module="consents")
    def answer(self, actor: Actor, key: str, granted: bool):
        """One click grants, one click withdraws."""
        parsed = parse_consent_key(key)
        if parsed is None or not isinstance(granted, bool):
            return None
        contact_id, type_id = parsed
        try:
            with session_scope(write=True) as session:
                consents.record_consent(session=session, actor=actor, customer_id=actor.customer_id,
                                        contact_id=contact_id, type_id=type_id,
                                        state=rules.GRANTED if granted else rules.REFUSED, source="portal")
        except DomainError as error:
            self._load(actor)
            return rx.toast.error(t(error.message_key, self.lang))
        self._load(actor)
        return rx.toast.success(t("portal_consents.saved", self.lang))


@dataclasses.dataclass
class TypeRowView:
    id: int
    code: str
    title: str
    channel: str
    version: str
    requires_signature: bool
    active: bool
    to_ask_again: int


@dataclasses.dataclass
class ReconsentView:
    customer_id: int
    customer: str
    subject: str
    granted: str


EMPTY_TYPE = {"code": "", "title": "", "channel": "none", "body": "", "position": "0",
              "requires_signature": "", "active": "on"}


class ConsentTypesState(Dialogs, SessionState):
    type_rows: list[TypeRowView] = []
    editor_values: dict[str, str] = {}
    editor_errors: dict[str, str] = {}
    editor_key: int = 0
    reconsent_title: str = ""
    reconsent_rows: list[ReconsentView] = []
    _editing_id: int | None = None

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_types(self, actor: Actor):
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            rows = consents.list_types(session=session, actor=actor)
        self.type_rows = [
            TypeRowView(r.id, r.code, r.title, t(f"consents.channel_label.{r.channel}", self.lang), f"v{r.version}",
                        r.requires_signature, r.active, r.to_ask_again)
            for r in rows
        ]

    @guarded(Perm.SETTINGS_MANAGE)
    def new_type(self, actor: Actor):
        self._editing_id = None
        self._open_editor(dict(EMPTY_TYPE))

    @guarded(Perm.SETTINGS_MANAGE)
    def edit_type(self, actor: Actor, type_id: int):
        wanted = parse_id(type_id)
        with session_scope() as session:
            row = next((r for r in consents.list_types(session=session, actor=actor) if r.id == wanted), None)
        if row is None:
            return
        self._editing_id = row.id
        self._open_editor({
            "code": row.code, "title": row.title, "channel": row.channel, "body": row.body,
            "position": str(row.position), "requires_signature": "on" if row.requires_signature else "",
            "active": "on" if row.active else "",
        })

    def _open_editor(self, values: dict[str, str]) -> None:
        self.editor_values, self.editor_errors = values, {}
        self.editor_key += 1
        self._open_dialog("editor")

    @guarded(Perm.SETTINGS_MANAGE)
    def save_type(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        # An unticked box sends nothing, and a type is active unless the form says otherwise.
        raw = {**form, "requires_signature": ticked(form.get("requires_signature")),
               "active": ticked(form.get("active"))}
        self.editor_values = ConsentTypeInput.echo(raw)
        try:
            with session_scope(write=True) as session:
                consents.save_type(session=session, actor=actor, raw=raw, type_id=self._editing_id)
        except DomainError as error:
            self.editor_errors = field_messages(error, self.lang)
            return None
        self.editor_errors = {}
        self._close_dialog("editor")
        self._load(actor)
        return rx.toast.success(t("consent_types.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def show_reconsent(self, actor: Actor, type_id: int):
        wanted = parse_id(type_id)
        row = next((r for r in self.type_rows if r.id == wanted), None)
        if row is None:
            return
        with session_scope() as session:
            found = consents.reconsent_rows(session=session, actor=actor, type_id=row.id)
        self.reconsent_title = t("consent_types.reconsent_title", self.lang, title=row.title, version=row.version)
        self.reconsent_rows = [
            ReconsentView(r.customer_id, r.customer, r.subject,
                          t("consent_types.granted_on", self.lang, version=r.version,
                            date=format_datetime(r.granted_at, self.lang)))
            for r in found
        ]
        self._open_dialog("reconsent")
