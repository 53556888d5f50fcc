"""Customers ask for changes to their own data; the rules apply, hold or refuse each field; office
staff decide on what is held, field by field, and exactly one decision wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import Session, col, select

from app.domain import change_rules as rules
from app.domain.change_rules import Policies
from app.domain.errors import DomainError
from app.domain.ids import parse_choice
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.domain.text import fold
from app.domain.vocabularies import Source
from app.i18n import N_, normalize_language, t
from app.models import AppSetting, ChangeRequest, ChangeRequestItem, Customer, FieldPolicy, PortalAccess, User
from app.models.base import utcnow
from app.services import customers, mail_templates, movements, outbox, webhooks
from app.services.lists import COUNT_CAP, CappedCount, capped_count

REVIEW_SWITCH = "change_requests.review_enabled"
# A request is open while any of its items waits for a decision, processed once none does.
STATUSES = ("open", "processed")


# Settings ---------------------------------------------------------------------------------


def get_policies(session: Session) -> Policies:
    switch = session.get(AppSetting, REVIEW_SWITCH)
    return Policies(
        review_enabled=switch is None or switch.value == "1",
        actions={(p.field, p.source): p.action for p in session.exec(select(FieldPolicy))},
    )


def read_policies(*, session: Session, actor: Actor) -> Policies:
    require(actor, Perm.SETTINGS_MANAGE)
    return get_policies(session)


def save_policies(*, session: Session, actor: Actor, review_enabled: bool, choices: dict) -> Policies:
    """Stores the master switch and every (field, source) choice; choices equal to the default
    are stored too, so a later change of the defaults never changes what the office chose."""
    require(actor, Perm.SETTINGS_MANAGE)
    cleaned = rules.clean_policy_choices(choices)
    switch = session.get(AppSetting, REVIEW_SWITCH) or AppSetting(key=REVIEW_SWITCH, value="1")
    switch.value = "1" if review_enabled is True else "0"
    switch.updated_at, switch.updated_by_user_id = utcnow(), actor.user_id
    session.add(switch)
    for (field, source), action in cleaned.items():
        policy = session.get(FieldPolicy, (field, source)) or FieldPolicy(field=field, source=source, action=action)
        policy.action = action
        session.add(policy)
    session.flush()
    return get_policies(session)


# Asking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitOutcome:
    request_id: int
    applied: list[str]
    pending: list[str]
    refused: list[str]


def editable_values(*, session: Session, actor: Actor, customer_id: int) -> tuple[Customer, dict]:
    """The data a customer user sees and may ask to change on "My data"."""
    require_customer_record(actor, Perm.CHANGES_REQUEST, customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    return customer, customers.current_values(customer)


def require_submitter(actor: Actor, customer_id: int, source: str) -> None:
    """The reserved area asks for its own company's data; a web shop, an ERP or an import speaks for the
    company keeping the registry, so it needs the right to edit customers, and a customer user never has it."""
    if source == Source.PORTAL:
        require_customer_record(actor, Perm.CHANGES_REQUEST, customer_id)
    else:
        require(actor, Perm.CUSTOMERS_WRITE)


def submit_request(
    *, session: Session, actor: Actor, customer_id: int, raw: dict, source: str = "portal",
) -> SubmitOutcome:
    """One request with one item per changed field. Automatic items are applied in the same
    transaction, held items wait, refused ones are recorded with the reason."""
    if source not in rules.SOURCES:
        raise DomainError("requests.bad_source")
    require_submitter(actor, customer_id, source)
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    current = customers.current_values(customer)
    _, changes = rules.requested_changes(current, raw)
    if not changes:
        raise DomainError("requests.nothing_changed")
    policies = get_policies(session)
    actions = {field: policies.action(field, source) for field in changes}
    # What may be applied at once must also be valid on its own, without the held fields.
    automatic = {field: changes[field] for field, action in actions.items() if action == rules.AUTO}
    if automatic:
        try:
            rules.apply_values(current, automatic)
        except DomainError:
            actions.update({field: rules.REVIEW for field in automatic})
            automatic = {}

    request = ChangeRequest(customer_id=customer_id, source=source, requested_by_user_id=actor.user_id,
                            requested_by_name=actor.name)
    session.add(request)
    session.flush()
    now = utcnow()
    state_of = {rules.AUTO: rules.APPLIED, rules.REVIEW: rules.PENDING, rules.REFUSE: rules.REFUSED}
    for field, value in changes.items():
        state = state_of[actions[field]]
        replaced = None
        if state != rules.REFUSED:
            replaced = session.exec(select(ChangeRequestItem).where(
                ChangeRequestItem.customer_id == customer_id, ChangeRequestItem.field == field,
                ChangeRequestItem.state == rules.PENDING, ChangeRequestItem.policy != rules.UPSTREAM,
            )).first()
            if replaced is not None:  # out of the way first: one pending item per field
                replaced.state = rules.SUPERSEDED
                replaced.decided_at, replaced.decided_by_name = now, actor.name
                session.add(replaced)
                session.flush()
        item = ChangeRequestItem(
            request_id=request.id, customer_id=customer_id, field=field,
            value_at_request=rules.encode(rules.field_value(current, field)), requested_value=rules.encode(value),
            policy=actions[field], state=state,
            decided_at=None if state == rules.PENDING else now,
            decided_by_name=None if state == rules.PENDING else actor.name,
        )
        session.add(item)
        session.flush()
        if replaced is not None:
            replaced.superseded_by_id = item.id
            session.add(replaced)
            movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                             kind="request.superseded", field=field, summary=f"#{replaced.request_id} → #{request.id}")
            close_if_done(session, replaced.request_id, now)
        if state == rules.PENDING:
            movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                             kind="request.created", field=field,
                             before=rules.format_value(field, rules.field_value(current, field)),
                             after=rules.format_value(field, value), summary=f"#{request.id}")
        if state == rules.REFUSED:
            movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                             kind="request.refused", field=field, after=rules.format_value(field, value),
                             summary=f"#{request.id}")
    if automatic:
        data = rules.apply_values(current, automatic)
        customers.write_changes(session=session, customer=customer, data=data, actor=actor, source=source,
                                kind="request.applied", summary=f"#{request.id}")
    pending = [f for f, a in actions.items() if a == rules.REVIEW]
    if not pending:
        request.status, request.processed_at = "processed", now
        session.add(request)
    session.flush()
    return SubmitOutcome(
        request_id=request.id, applied=list(automatic), pending=pending,
        refused=[f for f, a in actions.items() if a == rules.REFUSE],
    )


def close_if_done(session: Session, request_id: int, now: datetime) -> bool:
    """Marks a request processed once none of its items waits; True when it just happened."""
    waiting = session.exec(select(ChangeRequestItem.id).where(
        ChangeRequestItem.request_id == request_id, ChangeRequestItem.state == rules.PENDING,
    )).first()
    if waiting is not None:
        return False
    closed = session.execute(
        update(ChangeRequest).where(ChangeRequest.id == request_id, ChangeRequest.status == "open")
        .values(status="processed", processed_at=now)
    )
    return closed.rowcount == 1


# Deciding ---------------------------------------------------------------------------------


ACCEPT, IGNORE = "accept", "ignore"


class AlreadyDecided(DomainError):
    """Another reviewer decided (or the customer superseded) an item first: nothing was written."""

    def __init__(self, field: str, by: str, at: datetime) -> None:
        super().__init__(N_("requests.already_decided"), by=by, at=at)
        self.field, self.by, self.at = field, by, at


@dataclass(frozen=True)
class DecisionOutcome:
    accepted: list[str]
    ignored: list[str]


def _clean_decisions(decisions: object) -> dict[int, str]:
    if not isinstance(decisions, dict) or not decisions or len(decisions) > 100:
        raise DomainError("requests.nothing_decided")
    cleaned: dict[int, str] = {}
    for key, choice in decisions.items():
        item_id = key if isinstance(key, int) and not isinstance(key, bool) else \
            (int(key) if isinstance(key, str) and key.isdigit() and len(key) < 10 else None)
        if item_id is None or choice not in (ACCEPT, IGNORE):
            raise DomainError("requests.not_found")
        cleaned[item_id] = choice
    return cleaned


def decide(*, session: Session, actor: Actor, customer_id: int, decisions: dict) -> DecisionOutcome:
    """Accepts or ignores pending items of one customer, all in one transaction. Accepted values are
    checked again against today's data; an item someone else decided first stops the whole decision."""
    require(actor, Perm.CHANGES_DECIDE)
    wanted = _clean_decisions(decisions)
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    items = list(session.exec(select(ChangeRequestItem).where(
        col(ChangeRequestItem.id).in_(list(wanted)), ChangeRequestItem.customer_id == customer_id,
    )))
    if len(items) != len(wanted):
        raise DomainError("requests.not_found")
    for item in items:
        if item.state != rules.PENDING:
            raise AlreadyDecided(item.field, item.decided_by_name or "", item.decided_at)
    accepted = [item for item in items if wanted[item.id] == ACCEPT]
    # A customer's request and upstream's value may wait on the same field: one of them is kept.
    if len({item.field for item in accepted}) != len(accepted):
        raise DomainError("requests.one_value_per_field")
    rivals = _rivals(session, customer_id, accepted)
    current = customers.current_values(customer)
    data = rules.apply_values(current, {i.field: rules.decode(i.requested_value) for i in accepted}) \
        if accepted else None

    now = utcnow()
    for item in items:
        state = rules.ACCEPTED if wanted[item.id] == ACCEPT else rules.IGNORED
        # Only a still-pending row is taken: of two reviewers, the second finds nothing to take.
        taken = session.execute(
            update(ChangeRequestItem).where(ChangeRequestItem.id == item.id, ChangeRequestItem.state == rules.PENDING)
            .values(state=state, decided_by_user_id=actor.user_id, decided_by_name=actor.name, decided_at=now)
        )
        if taken.rowcount != 1:
            session.refresh(item)
            raise AlreadyDecided(item.field, item.decided_by_name or "", item.decided_at or now)
        if state == rules.IGNORED:
            movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                             kind="request.ignored", field=item.field,
                             after=rules.format_value(item.field, rules.decode(item.requested_value)),
                             summary=f"#{item.request_id}")
    for rival in rivals:  # the value not chosen for a field is ignored with the decision
        taken = session.execute(
            update(ChangeRequestItem).where(ChangeRequestItem.id == rival.id, ChangeRequestItem.state == rules.PENDING)
            .values(state=rules.IGNORED, decided_by_user_id=actor.user_id, decided_by_name=actor.name, decided_at=now)
        )
        if taken.rowcount == 1:
            movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                             kind="request.ignored", field=rival.field,
                             after=rules.format_value(rival.field, rules.decode(rival.requested_value)),
                             summary=f"#{rival.request_id}")
    if data is not None:
        request_ids = sorted({i.request_id for i in accepted})
        customers.write_changes(session=session, customer=customer, data=data, actor=actor, source="office",
                                kind="request.accepted", summary=", ".join(f"#{r}" for r in request_ids))
    for request_id in sorted({i.request_id for i in [*items, *rivals]}):
        if close_if_done(session, request_id, now):
            _tell_requester(session, request_id, customer)
    decided_ids = ",".join(str(i) for i in sorted(i.id for i in items))
    webhooks.enqueue(session, "request.decided", f"items:{decided_ids}",
                     {"customer_id": customer_id, "request_ids": sorted({i.request_id for i in items}),
                      "accepted": [i.field for i in items if wanted[i.id] == ACCEPT],
                      "ignored": [i.field for i in items if wanted[i.id] == IGNORE]})
    session.flush()
    return DecisionOutcome(
        accepted=[i.field for i in items if wanted[i.id] == ACCEPT],
        ignored=[i.field for i in items if wanted[i.id] == IGNORE],
    )


def _rivals(session: Session, customer_id: int, accepted: list[ChangeRequestItem]) -> list[ChangeRequestItem]:
    """The other pending items on the fields whose value was just accepted."""
    if not accepted:
        return []
    return list(session.exec(select(ChangeRequestItem).where(
        ChangeRequestItem.customer_id == customer_id, ChangeRequestItem.state == rules.PENDING,
        col(ChangeRequestItem.field).in_([i.field for i in accepted]),
        col(ChangeRequestItem.id).not_in([i.id for i in accepted]),
    ).order_by(ChangeRequestItem.id)))


def _tell_requester(session: Session, request_id: int, customer: Customer) -> None:
    """One e-mail per decided request to whoever asked, unless the customer blocks automatic e-mails."""
    request = session.get(ChangeRequest, request_id)
    if customer.block_automatic_emails or request is None or request.requested_by_user_id is None:
        return
    user = session.get(User, request.requested_by_user_id)
    if user is None or not user.is_active:
        return
    lang = normalize_language(user.language)
    items = session.exec(select(ChangeRequestItem).where(ChangeRequestItem.request_id == request_id)
                         .order_by(ChangeRequestItem.id)).all()
    lines = "\n".join(
        f"- {t(f'field.{i.field}', lang)}: {rules.format_value(i.field, rules.decode(i.requested_value))} "
        f"({t(f'requests.state.{i.state}', lang)})"
        for i in items
    )
    subject, body = mail_templates.render(session, "request_decided", lang, name=user.full_name, number=request_id,
                                          lines=lines, app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"change-request-decided:{request_id}", to_address=user.email,
                   subject=subject, body_text=body, kind="change_request_decided")


# Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    item_id: int
    request_id: int
    field: str
    current: str
    requested: str
    at_request: str
    stale: bool
    requested_by: str
    requested_at: datetime
    source: str = Source.PORTAL.value


def pending_review(*, session: Session, actor: Actor, customer_id: int) -> list[ReviewRow]:
    """The side-by-side rows of a customer: live value, requested value, and the value when asked
    where it changed since (stale)."""
    require(actor, Perm.CHANGES_DECIDE)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    current = customers.current_values(customer)
    found = session.exec(
        select(ChangeRequestItem, ChangeRequest)
        .join(ChangeRequest, ChangeRequest.id == ChangeRequestItem.request_id)
        .where(ChangeRequestItem.customer_id == customer_id, ChangeRequestItem.state == rules.PENDING)
        .order_by(ChangeRequestItem.id)
    ).all()
    order = list(rules.REQUEST_FIELDS)
    rows = []
    for item, request in found:
        live = rules.field_value(current, item.field)
        then = rules.decode(item.value_at_request)
        rows.append(ReviewRow(
            item_id=item.id, request_id=item.request_id, field=item.field,
            current=rules.format_value(item.field, live),
            requested=rules.format_value(item.field, rules.decode(item.requested_value)),
            at_request=rules.format_value(item.field, then), stale=live != then,
            requested_by=request.requested_by_name, requested_at=request.created_at, source=request.source,
        ))
    return sorted(rows, key=lambda r: (order.index(r.field), r.item_id))


@dataclass(frozen=True)
class PendingValue:
    field: str
    requested: str


def own_pending(*, session: Session, actor: Actor, customer_id: int) -> list[PendingValue]:
    """What a customer asked for and is still waiting for, field by field."""
    require_customer_record(actor, Perm.CHANGES_REQUEST, customer_id)
    return [
        PendingValue(i.field, rules.format_value(i.field, rules.decode(i.requested_value)))
        for i in session.exec(select(ChangeRequestItem).where(
            ChangeRequestItem.customer_id == customer_id, ChangeRequestItem.state == rules.PENDING))
    ]


def applied_with(*, session: Session, actor: Actor, customer_id: int, item_ids: list[int]) -> list[str]:
    """The fields applied automatically by the requests these items belong to: what the reviewer's
    decision did not change but the same requests did."""
    require(actor, Perm.CHANGES_DECIDE)
    requests = select(ChangeRequestItem.request_id).where(
        col(ChangeRequestItem.id).in_(item_ids), ChangeRequestItem.customer_id == customer_id)
    return list(dict.fromkeys(session.exec(
        select(ChangeRequestItem.field).where(
            col(ChangeRequestItem.request_id).in_(requests), ChangeRequestItem.state == rules.APPLIED)
        .order_by(ChangeRequestItem.id)
    )))


def count_open_requests(*, session: Session, actor: Actor) -> int:
    require(actor, Perm.CHANGES_DECIDE)
    return session.exec(select(func.count()).select_from(ChangeRequest).where(ChangeRequest.status == "open")).one()


@dataclass(frozen=True)
class InboxRow:
    item_id: int
    request_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    field: str
    before: str
    requested: str
    state: str
    source: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_after: tuple | None


@dataclass(frozen=True)
class InboxFilter:
    to_process: bool = True
    field: str = ""
    customer: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _inbox_conditions(filters: InboxFilter) -> list:
    item, request = ChangeRequestItem, ChangeRequest
    conditions = [item.state == rules.PENDING] if filters.to_process else [item.state != rules.PENDING]
    if parse_choice(filters.field, rules.REQUEST_FIELDS):
        conditions.append(item.field == filters.field)
    wanted = fold(filters.customer)[:100]
    if wanted:
        escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(col(Customer.search_text).like(f"%{escaped}%", escape="\\"))
    if filters.date_from is not None:
        conditions.append(request.created_at >= datetime.combine(filters.date_from, time.min).astimezone())
    if filters.date_to is not None:
        conditions.append(request.created_at < datetime.combine(filters.date_to + timedelta(days=1),
                                                                time.min).astimezone())
    return conditions


def _inbox_rows(*columns):  # noqa: ANN002, ANN202
    return (select(*columns).join(ChangeRequest, ChangeRequest.id == ChangeRequestItem.request_id)
            .join(Customer, Customer.id == ChangeRequestItem.customer_id))


def count_inbox(*, session: Session, actor: Actor, filters: InboxFilter, cap: int = COUNT_CAP) -> CappedCount:
    require(actor, Perm.CHANGES_DECIDE)
    return capped_count(session, _inbox_rows(ChangeRequestItem.id).where(*_inbox_conditions(filters)), cap)


def list_inbox(
    *, session: Session, actor: Actor, filters: InboxFilter, after: tuple | None = None, limit: int = 50,
) -> InboxPage:
    """Items grouped by customer (in name order) and then by field, a page at a time (keyset)."""
    require(actor, Perm.CHANGES_DECIDE)
    limit = max(1, min(int(limit), 200))
    item = ChangeRequestItem
    conditions = _inbox_conditions(filters)
    if after is not None and isinstance(after, tuple | list) and len(after) == 4:
        name, customer_id, field, item_id = after
        conditions.append(or_(
            Customer.sort_name > name,
            and_(Customer.sort_name == name, Customer.id > customer_id),
            and_(Customer.sort_name == name, Customer.id == customer_id, item.field > field),
            and_(Customer.sort_name == name, Customer.id == customer_id, item.field == field, item.id > item_id),
        ))
    found = session.exec(
        _inbox_rows(item, ChangeRequest, Customer).where(*conditions)
        .order_by(Customer.sort_name, Customer.id, item.field, item.id).limit(limit + 1)
    ).all()
    rows = [
        InboxRow(
            item_id=i.id, request_id=r.id, customer_id=c.id, customer_code=c.code, customer_name=c.display_name,
            field=i.field, before=rules.format_value(i.field, rules.decode(i.value_at_request)),
            requested=rules.format_value(i.field, rules.decode(i.requested_value)), state=i.state,
            source=r.source, requested_by=r.requested_by_name, requested_at=r.created_at,
            decided_by=i.decided_by_name, decided_at=i.decided_at,
        )
        for i, r, c in found[:limit]
    ]
    last = found[limit - 1] if len(found) > limit else None
    next_after = (last[2].sort_name, last[2].id, last[0].field, last[0].id) if last is not None else None
    return InboxPage(rows=rows, next_after=next_after)


@dataclass(frozen=True)
class OwnItem:
    field: str
    requested: str
    state: str
    decided_at: datetime | None


@dataclass(frozen=True)
class OwnRequest:
    id: int
    created_at: datetime
    status: str
    requested_by: str
    items: list[OwnItem]


def list_own_requests(
    *, session: Session, actor: Actor, customer_id: int, before_id: int | None = None, limit: int = 10,
) -> tuple[list[OwnRequest], int | None]:
    """A customer's requests, newest first, each with its fields' outcomes."""
    require_customer_record(actor, Perm.CHANGES_REQUEST, customer_id)
    limit = max(1, min(int(limit), 50))
    query = select(ChangeRequest).where(ChangeRequest.customer_id == customer_id) \
        .order_by(col(ChangeRequest.id).desc()).limit(limit + 1)
    access = session.get(PortalAccess, actor.user_id)
    if access is not None and access.visibility != "company":  # "only what concerns them": their own requests
        query = query.where(ChangeRequest.requested_by_user_id == actor.user_id)
    if before_id is not None:
        query = query.where(ChangeRequest.id < before_id)
    found = list(session.exec(query))
    shown = found[:limit]
    items: dict[int, list[OwnItem]] = {r.id: [] for r in shown}
    if shown:
        for i in session.exec(select(ChangeRequestItem).where(col(ChangeRequestItem.request_id).in_(list(items)))
                              .order_by(ChangeRequestItem.id)):
            items[i.request_id].append(OwnItem(
                i.field, rules.format_value(i.field, rules.decode(i.requested_value)), i.state, i.decided_at,
            ))
    requests = [OwnRequest(r.id, r.created_at, r.status, r.requested_by_name, items[r.id]) for r in shown]
    return requests, (shown[-1].id if len(found) > limit else None)


def forget_policies(*, session: Session, actor: Actor) -> None:
    """Back to the built-in defaults (the master switch is kept)."""
    require(actor, Perm.SETTINGS_MANAGE)
    session.execute(delete(FieldPolicy))
