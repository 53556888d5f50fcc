"""Change requests on screen: "My data" in the reserved area, the office inbox, the review window
on the customer card, and the rules in the office settings."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from app.db import session_scope
from app.domain import change_rules as rules
from app.domain.customer_rules import display_phone
from app.domain.errors import DomainError
from app.domain.ids import parse_choice, parse_id
from app.domain.inputs import read_day, search_text
from app.domain.permissions import Actor, Perm
from app.domain.vocabularies import Source
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import change_requests
from app.services.change_requests import AlreadyDecided, InboxFilter
from app.state.customers import CustomerCardState, on_card_open
from app.state.dialogs import Dialogs
from app.state.lists import count_label, keep_in_address, query_param
from app.state.paging import KeysetPaging
from app.state.session import SessionState, field_messages, guarded

STATE_COLORS = {
    rules.APPLIED: "green", rules.ACCEPTED: "green", rules.PENDING: "amber", rules.IGNORED: "gray",
    rules.REFUSED: "red", rules.SUPERSEDED: "gray",
}


def _fields_text(fields: list[str], lang: str) -> str:
    return ", ".join(t(f"field.{f}", lang) for f in fields)


# Reserved area: My data --------------------------------------------------------------------


@dataclasses.dataclass
class OwnItemView:
    field: str
    requested: str
    outcome: str
    color: str
    decided: str


@dataclasses.dataclass
class OwnRequestView:
    id: int
    title: str
    status: str
    # Not "items": on the page this object is a Var, whose .items() lists its keys and values.
    fields: list[OwnItemView]


class MyDataState(SessionState):
    kind: str = "business"
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_message: str = ""
    form_key: int = 0
    # Request field -> the value waiting for the office, shown under the input.
    pending: dict[str, str] = {}
    outcome_applied: str = ""
    outcome_pending: str = ""
    outcome_refused: str = ""
    requests: list[OwnRequestView] = []
    more_requests: bool = False
    _requests_before: int | None = None

    @guarded(Perm.PORTAL_ACCESS, module="my_data", page=True)
    def load_my_data(self, actor: Actor):
        self.errors, self.form_message = {}, ""
        self.outcome_applied = self.outcome_pending = self.outcome_refused = ""
        self._reload(actor)

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            customer, values = change_requests.editable_values(
                session=session, actor=actor, customer_id=actor.customer_id)
            self.kind = customer.kind
            self.pending = {
                row.field: row.requested
                for row in change_requests.own_pending(session=session, actor=actor, customer_id=actor.customer_id)
            }
        self.values = {
            column: display_phone(values[column]) if column in ("phone", "mobile") else (values[column] or "")
            for column in rules.EDITABLE_COLUMNS
        }
        self.form_key += 1
        self._load_requests(actor, reset=True)

    def _load_requests(self, actor: Actor, reset: bool) -> None:
        if reset:
            self._requests_before, self.requests = None, []
        with session_scope() as session:
            found, before = change_requests.list_own_requests(
                session=session, actor=actor, customer_id=actor.customer_id, before_id=self._requests_before)
        self.requests = self.requests + [
            OwnRequestView(
                id=r.id,
                title=t("mydata.request_title", self.lang, number=r.id, date=format_datetime(r.created_at, self.lang)),
                status=t(f"mydata.status.{r.status}", self.lang),
                fields=[OwnItemView(t(f"field.{i.field}", self.lang), i.requested or t("review.empty_value", self.lang),
                                   t(f"requests.state.{i.state}", self.lang), STATE_COLORS[i.state],
                                   format_datetime(i.decided_at, self.lang)) for i in r.items],
            )
            for r in found
        ]
        self._requests_before = before
        self.more_requests = before is not None

    @guarded(Perm.CHANGES_REQUEST, module="my_data")
    def send_changes(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        raw = {column: form.get(column) for column in rules.EDITABLE_COLUMNS if column in form}
        self.values = {**self.values, **{k: "" if v is None else str(v) for k, v in raw.items()}}
        self.outcome_applied = self.outcome_pending = self.outcome_refused = ""
        try:
            with session_scope(write=True) as session:
                outcome = change_requests.submit_request(
                    session=session, actor=actor, customer_id=actor.customer_id, raw=raw, source="portal")
        except DomainError as error:
            messages = field_messages(error, self.lang)
            self.form_message = messages.pop("", "") or t("card.fix_fields", self.lang)
            self.errors = messages
            return None
        self.errors, self.form_message = {}, ""
        if outcome.applied:
            self.outcome_applied = t("mydata.applied", self.lang, fields=_fields_text(outcome.applied, self.lang))
        if outcome.pending:
            self.outcome_pending = t("mydata.pending", self.lang, fields=_fields_text(outcome.pending, self.lang))
        if outcome.refused:
            self.outcome_refused = t("mydata.refused", self.lang, fields=_fields_text(outcome.refused, self.lang))
        self._reload(actor)
        return rx.toast.success(t("mydata.sent", self.lang, number=outcome.request_id))

    @guarded(Perm.CHANGES_REQUEST, module="my_data")
    def load_more_requests(self, actor: Actor):
        if self._requests_before is not None:
            self._load_requests(actor, reset=False)


# Office: the inbox -------------------------------------------------------------------------


@dataclasses.dataclass
class InboxRowView:
    item_id: int
    customer_id: int
    customer: str
    first_of_customer: bool
    field: str
    first_of_field: bool
    before: str
    requested: str
    asked: str
    outcome: str
    color: str
    decided: str


INBOX_DEFAULTS = {"state": "to_process", "field": "all"}


class InboxState(KeysetPaging, SessionState):
    list_permission: ClassVar[Perm] = Perm.CHANGES_DECIDE
    state_filter: str = "to_process"
    field_filter: str = "all"
    customer_filter: str = ""
    date_from: str = ""
    date_to: str = ""
    count_text: str = ""
    # Changes when the filters come from the address, so the text and date boxes show what they were given.
    filters_key: int = 0
    rows: list[InboxRowView] = []

    @rx.var
    def field_options(self) -> list[list[str]]:
        return [[field, t(f"field.{field}", self.lang)] for field in rules.REQUEST_FIELDS]

    @guarded(Perm.CHANGES_DECIDE, page=True)
    def load_inbox(self, actor: Actor):
        params = self.router.url.query_parameters if self.router else {}
        self.state_filter = "processed" if query_param(params, "state") == "processed" else "to_process"
        self.field_filter = parse_choice(query_param(params, "field"), rules.REQUEST_FIELDS) or "all"
        self.customer_filter = search_text(query_param(params, "customer"))
        self.date_from = query_param(params, "from") if read_day(query_param(params, "from")) else ""
        self.date_to = query_param(params, "to") if read_day(query_param(params, "to")) else ""
        self.filters_key += 1
        self._restart(actor)

    def _changed(self, actor: Actor) -> rx.event.EventSpec:
        self._restart(actor)
        return keep_in_address("/office/requests", {
            "state": self.state_filter, "field": self.field_filter, "customer": self.customer_filter,
            "from": self.date_from, "to": self.date_to}, INBOX_DEFAULTS)

    def _fetch(self, actor: Actor) -> None:
        filters = InboxFilter(
            to_process=self.state_filter != "processed",
            field=self.field_filter if self.field_filter in rules.REQUEST_FIELDS else "",
            customer=self.customer_filter, date_from=read_day(self.date_from), date_to=read_day(self.date_to),
        )
        with session_scope() as session:
            page = change_requests.list_inbox(session=session, actor=actor, filters=filters, after=self._cursor)
            if self._cursor is None:
                self.count_text = count_label(change_requests.count_inbox(session=session, actor=actor,
                                                                          filters=filters), self.lang)
            self.open_requests = change_requests.count_open_requests(session=session, actor=actor)
        views, previous = [], None
        for r in page.rows:
            new_customer = previous is None or previous.customer_id != r.customer_id
            views.append(InboxRowView(
                item_id=r.item_id, customer_id=r.customer_id, customer=f"{r.customer_name} · {r.customer_code}",
                first_of_customer=new_customer, field=t(f"field.{r.field}", self.lang),
                first_of_field=new_customer or previous.field != r.field,
                before=r.before or t("review.empty_value", self.lang),
                requested=r.requested or t("review.empty_value", self.lang),
                asked=f"{r.requested_by} · {format_datetime(r.requested_at, self.lang)}",
                outcome=t(f"requests.state.{r.state}", self.lang), color=STATE_COLORS[r.state],
                decided=" · ".join(p for p in (r.decided_by or "", format_datetime(r.decided_at, self.lang)) if p),
            ))
            previous = r
        self.rows = views
        self._page_loaded(page.next_after)

    @guarded(Perm.CHANGES_DECIDE)
    def filter_state(self, actor: Actor, value: str | list[str]):
        self.state_filter = "processed" if value == "processed" else "to_process"
        return self._changed(actor)

    @guarded(Perm.CHANGES_DECIDE)
    def filter_field(self, actor: Actor, value: str):
        self.field_filter = parse_choice(value, rules.REQUEST_FIELDS) or "all"
        return self._changed(actor)

    @guarded(Perm.CHANGES_DECIDE)
    def filter_customer(self, actor: Actor, value: str):
        self.customer_filter = search_text(value)
        return self._changed(actor)

    @guarded(Perm.CHANGES_DECIDE)
    def filter_from(self, actor: Actor, value: str):
        self.date_from = value if read_day(value) else ""
        return self._changed(actor)

    @guarded(Perm.CHANGES_DECIDE)
    def filter_to(self, actor: Actor, value: str):
        self.date_to = value if read_day(value) else ""
        return self._changed(actor)


# Office: the review window on the customer card -----------------------------------------


@dataclasses.dataclass
class ReviewRowView:
    item_id: int
    field: str
    current: str
    requested: str
    at_request: str
    stale: bool
    asked: str
    choice: str
    # The value comes from the upstream registry, beside a customer's own request for the field.
    from_upstream: bool = False


# How many put-off items a browser tab remembers; the oldest are forgotten first.
DEFERRED_KEPT = 500


class ReviewState(Dialogs, CustomerCardState):
    """The side-by-side window of the customer card: it opens by itself when a card with waiting
    changes opens, and the reviewer decides field by field. Whatever the window still shows when it
    closes (left on "Dopo", or the window closed without confirming) is put off: the window no longer
    opens by itself for it in this browser tab; the banner's button still shows it."""

    review_rows: list[ReviewRowView] = []
    review_error: str = ""
    review_banner_text: str = ""
    decision_lines: list[str] = []
    loaded_for: int = 0
    # Item ids put off by the reviewer; kept from one card to the next, unlike everything else here.
    _deferred: list[int] = []

    @guarded(Perm.CUSTOMERS_READ)
    def load(self, actor: Actor):
        """The card opened: waiting changes come first, so the window opens by itself, once, unless
        the reviewer has already put all of them off."""
        deferred = self._deferred
        self.reset()
        self._deferred = deferred
        self.loaded_for = self.card_key
        self._load_review(actor, open_window=False)
        if any(r.item_id not in self._deferred for r in self.review_rows):
            self._open_dialog("review")

    def _close_dialog(self, name: str) -> None:
        if name == "review" and self._is_open("review"):
            shown = [r.item_id for r in self.review_rows if r.item_id not in self._deferred]
            self._deferred = [*self._deferred, *shown][-DEFERRED_KEPT:]
        super()._close_dialog(name)

    def _load_review(self, actor: Actor, open_window: bool) -> None:
        if not self.can_decide_requests or self.customer_id <= 0:
            self.review_rows = []
            self._close_dialog("review")
            return
        with session_scope() as session:
            rows = change_requests.pending_review(session=session, actor=actor, customer_id=self.customer_id)
        empty = t("review.empty_value", self.lang)
        self.review_rows = [
            ReviewRowView(
                item_id=r.item_id, field=t(f"field.{r.field}", self.lang), current=r.current or empty,
                requested=r.requested or empty,
                at_request=t("review.at_request", self.lang, value=r.at_request or empty) if r.stale else "",
                stale=r.stale,
                asked=t("review.asked_by", self.lang, name=r.requested_by,
                        date=format_datetime(r.requested_at, self.lang), number=r.request_id),
                choice="", from_upstream=r.source == Source.UPSTREAM,
            )
            for r in rows
        ]
        self.review_banner_text = t("review.banner", self.lang, count=len(self.review_rows))
        if open_window and self.review_rows:
            self._open_dialog("review")
        elif not self.review_rows:
            self._close_dialog("review")

    def _current(self) -> bool:
        return self.loaded_for == self.card_key and self.customer_id > 0

    @guarded(Perm.CHANGES_DECIDE)
    def open_review(self, actor: Actor):
        if not self._current():
            return
        self.review_error = ""
        self._load_review(actor, open_window=True)

    @guarded(Perm.CUSTOMERS_READ)
    def refresh(self, actor: Actor):
        """The card's details changed: the rows' current values and stale marks follow, the window stays as it is."""
        if self._current():
            self._load_review(actor, open_window=self._is_open("review"))

    @guarded(Perm.CHANGES_DECIDE)
    def choose(self, actor: Actor, item_id: int, choice: str | list[str]):
        if not self._current():
            return
        wanted = parse_id(item_id)
        choice = parse_choice(choice, (change_requests.ACCEPT, change_requests.IGNORE))
        self.review_rows = [dataclasses.replace(r, choice=choice) if r.item_id == wanted else r
                            for r in self.review_rows]

    @guarded(Perm.CHANGES_DECIDE)
    def choose_all(self, actor: Actor, choice: str):
        if not self._current():
            return
        choice = parse_choice(choice, (change_requests.ACCEPT, change_requests.IGNORE))
        self.review_rows = [dataclasses.replace(r, choice=choice) for r in self.review_rows]

    @guarded(Perm.CHANGES_DECIDE)
    def confirm_review(self, actor: Actor):
        if not self._current() or not self._is_open("review"):
            return None
        decisions = {r.item_id: r.choice for r in self.review_rows if r.choice}
        try:
            with session_scope(write=True) as session:
                outcome = change_requests.decide(session=session, actor=actor, customer_id=self.customer_id,
                                                 decisions=decisions)
                applied = change_requests.applied_with(session=session, actor=actor, customer_id=self.customer_id,
                                                       item_ids=list(decisions))
        except AlreadyDecided as taken:
            message = t("requests.already_decided", self.lang, by=taken.by, at=format_datetime(taken.at, self.lang))
            self._load_review(actor, open_window=False)
            # The other reviewer's decision may have changed the card too.
            if self.review_rows:
                self.review_error = message
                self._open_dialog("review")
                return _card_changed()
            self.review_error = ""
            return [rx.toast.error(message), *_card_changed()]
        except DomainError as error:
            messages = field_messages(error, self.lang)
            self.review_error = " ".join(
                f"{t(f'field.{field}', self.lang)}: {text}" if field else text for field, text in messages.items())
            return None
        self.review_error = ""
        self.decision_lines = [line for line in (
            t("review.changed_by_decision", self.lang, fields=_fields_text(outcome.accepted, self.lang))
            if outcome.accepted else "",
            t("review.ignored_by_decision", self.lang, fields=_fields_text(outcome.ignored, self.lang))
            if outcome.ignored else "",
            t("review.applied_automatically", self.lang, fields=_fields_text(applied, self.lang)) if applied else "",
        ) if line]
        self._load_review(actor, open_window=False)
        self._close_dialog("review")
        self._count_open_requests(actor)
        return [rx.toast.success(t("review.done", self.lang)), *_card_changed()]


def _card_changed() -> list:
    """Accepted values change the details shown under the window."""
    from app.state.customer_details import DetailsTab

    return [DetailsTab.load]


on_card_open(ReviewState.load)


# Office: the rules ---------------------------------------------------------------------


@dataclasses.dataclass
class PolicyRowView:
    field: str
    label: str
    portal: str
    api: str
    import_: str


class RequestSettingsState(Dialogs, SessionState):
    review_enabled: bool = True
    policy_rows: list[PolicyRowView] = []
    settings_error: str = ""

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_settings(self, actor: Actor):
        with session_scope() as session:
            self._show_policies(change_requests.read_policies(session=session, actor=actor))

    def _show_policies(self, policies: rules.Policies) -> None:
        self.review_enabled = policies.review_enabled
        active = rules.Policies(review_enabled=True, actions=policies.actions)
        self.policy_rows = [
            PolicyRowView(field, t(f"field.{field}", self.lang), active.action(field, "portal"),
                          active.action(field, "api"), active.action(field, "import"))
            for field in rules.REQUEST_FIELDS
        ]
        self.settings_error = ""

    @guarded(Perm.SETTINGS_MANAGE)
    def set_review_enabled(self, actor: Actor, value: bool):
        self.review_enabled = value is True

    @guarded(Perm.SETTINGS_MANAGE)
    def set_policy(self, actor: Actor, field: str, source: str, action: str):
        if not (parse_choice(field, rules.REQUEST_FIELDS) and parse_choice(source, rules.SOURCES)
                and parse_choice(action, rules.ACTIONS)):
            return
        attribute = "import_" if source == "import" else source
        self.policy_rows = [dataclasses.replace(r, **{attribute: action}) if r.field == field else r
                            for r in self.policy_rows]

    @guarded(Perm.SETTINGS_MANAGE)
    def save_settings(self, actor: Actor):
        choices = {}
        for row in self.policy_rows:
            choices |= {f"{row.field}:portal": row.portal, f"{row.field}:api": row.api,
                        f"{row.field}:import": row.import_}
        try:
            with session_scope(write=True) as session:
                saved = change_requests.save_policies(session=session, actor=actor,
                                                      review_enabled=self.review_enabled, choices=choices)
        except DomainError as error:
            self.settings_error = t(error.message_key, self.lang)
            return None
        self._show_policies(saved)
        return rx.toast.success(t("settings.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def ask_defaults(self, actor: Actor):
        self._ask(t("settings.defaults_confirm", self.lang), "defaults")

    @guarded(Perm.SETTINGS_MANAGE)
    def restore_defaults(self, actor: Actor):
        if not self._confirmed():
            return None
        with session_scope(write=True) as session:
            change_requests.forget_policies(session=session, actor=actor)
            self._show_policies(change_requests.get_policies(session))
        return rx.toast.success(t("settings.saved", self.lang))
