"""The upstream registry: another instance of this app (typically the headquarters') spoken to through its
REST API (`/api/v1`). Administrators connect it; the office searches it when the local list finds little, and a
customer found there is saved here, linked by external code, only when someone opens it; a scheduled job pulls
upstream's changes to the linked customers.

Connection settings, the sync cursor and the last sync's outcome are `AppSetting` rows. The API key is never
read back to a page: it is shown masked."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session, select

from app.domain import change_rules as rules
from app.domain import upstream as rule
from app.domain.customer_rules import validate_customer
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.permissions import Actor, Perm, require
from app.domain.vocabularies import CustomerKind, CustomerStatus, Source
from app.i18n import N_
from app.models import AppSetting, ChangeRequest, ChangeRequestItem, Customer
from app.models.base import utcnow
from app.services import change_requests, customers, movements

log = logging.getLogger(__name__)

PREFIX = "upstream."
BASE_URL, API_KEY, TIMEOUT, ENABLED = (f"{PREFIX}{k}" for k in ("base_url", "api_key", "timeout", "enabled"))
CURSOR, LAST_SYNC_AT, LAST_SYNC_RESULT = (f"{PREFIX}{k}" for k in ("cursor", "last_sync_at", "last_sync_result"))
DEFAULT_TIMEOUT = 3.0
MAX_TIMEOUT = 60.0
SYNC_BATCH = 100
# A sync run stops after this many batches; the next run goes on from the cursor.
SYNC_MAX_BATCHES = 50
UPSTREAM_NAME = "Sistema centrale"


class UpstreamUnavailable(Exception):
    """Upstream did not answer in time, could not be reached, or answered with something else than the API."""


class UpstreamRefused(UpstreamUnavailable):
    """Upstream refused the key (401/403)."""


class UpstreamNotFound(UpstreamUnavailable):
    """Upstream has no customer with that id."""


@dataclass(frozen=True)
class Connection:
    base_url: str
    api_key: str
    timeout: float
    enabled: bool

    @property
    def usable(self) -> bool:
        return self.enabled and bool(self.base_url) and bool(self.api_key)


@dataclass(frozen=True)
class SettingsView:
    base_url: str
    key_hint: str  # the key masked: "rk_1a2b3c4d_…" or "" when none is stored
    timeout: float
    enabled: bool
    last_sync_at: str
    # The last run's counts ({"seen": ..., "updated": ..., "held": ..., "skipped": ...}), or {"failed": "refused"
    # | "unreachable"}; empty before the first run.
    last_sync_result: dict


# Settings ---------------------------------------------------------------------------------------


def _get(session: Session, key: str, default: str = "") -> str:
    row = session.get(AppSetting, key)
    return row.value if row is not None else default


def _put(session: Session, key: str, value: str, actor: Actor | None) -> None:
    row = session.get(AppSetting, key) or AppSetting(key=key, value=value)
    row.value, row.updated_at = value, utcnow()
    row.updated_by_user_id = actor.user_id if actor else None
    session.add(row)


def connection(session: Session) -> Connection:
    try:
        timeout = float(_get(session, TIMEOUT, str(DEFAULT_TIMEOUT)))
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    return Connection(base_url=_get(session, BASE_URL), api_key=_get(session, API_KEY),
                      timeout=min(max(timeout, 0.1), MAX_TIMEOUT), enabled=_get(session, ENABLED) == "1")


def search_connection(*, session: Session, actor: Actor) -> Connection | None:
    """The connection the office list searches through, or None when no upstream is connected."""
    require(actor, Perm.CUSTOMERS_READ)
    found = connection(session)
    return found if found.usable else None


def mask_key(key: str) -> str:
    if not key:
        return ""
    head = key[:11] if key.startswith("rk_") else key[:3]
    return f"{head}…"


def read_settings(*, session: Session, actor: Actor) -> SettingsView:
    require(actor, Perm.SETTINGS_MANAGE)
    found = connection(session)
    return SettingsView(base_url=found.base_url, key_hint=mask_key(found.api_key), timeout=found.timeout,
                        enabled=found.enabled, last_sync_at=_get(session, LAST_SYNC_AT),
                        last_sync_result=_outcome(_get(session, LAST_SYNC_RESULT)))


def clean_base_url(value: object) -> str:
    text = value.strip().rstrip("/") if isinstance(value, str) else ""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or len(text) > 300:
        raise DomainError({"base_url": N_("upstream.err.base_url")})
    return text


def clean_timeout(value: object) -> float:
    try:
        seconds = float(str(value).replace(",", ".")) if value not in (None, "") else DEFAULT_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not 0.5 <= seconds <= MAX_TIMEOUT:
        raise DomainError({"timeout": N_("upstream.err.timeout")})
    return seconds


def save_settings(
    *, session: Session, actor: Actor, base_url: object, api_key: object, timeout: object, enabled: bool,
) -> SettingsView:
    """Stores the connection. An empty key keeps the stored one (the page never shows it again)."""
    require(actor, Perm.SETTINGS_MANAGE)
    errors: dict[str, str] = {}
    url, seconds = "", DEFAULT_TIMEOUT
    try:
        url = clean_base_url(base_url)
    except DomainError as error:
        errors.update(error.errors)
    try:
        seconds = clean_timeout(timeout)
    except DomainError as error:
        errors.update(error.errors)
    key = api_key.strip() if isinstance(api_key, str) else ""
    if len(key) > 200 or any(c.isspace() for c in key):
        errors["api_key"] = N_("upstream.err.api_key")
    if enabled is True and not errors and not url:
        errors["base_url"] = N_("form.err.required")
    moved = url != _get(session, BASE_URL)
    # The stored key belongs to the registry that issued it: another address never receives it.
    if not errors and not key and (moved and url or enabled is True and not _get(session, API_KEY)):
        errors["api_key"] = N_("form.err.required")
    if errors:
        raise DomainError(errors)
    if moved:  # another registry: its cursor means nothing here
        _put(session, CURSOR, "", actor)
        if not key:
            _put(session, API_KEY, "", actor)
    _put(session, BASE_URL, url, actor)
    if key:
        _put(session, API_KEY, key, actor)
    _put(session, TIMEOUT, f"{seconds:g}", actor)
    _put(session, ENABLED, "1" if enabled is True else "0", actor)
    session.flush()
    return read_settings(session=session, actor=actor)


# The HTTP client --------------------------------------------------------------------------------


def _headers(conn: Connection) -> dict[str, str]:
    return {"Authorization": f"Bearer {conn.api_key}", "Accept": "application/json", "Accept-Language": "it"}


def _client_options(conn: Connection) -> dict:
    # One timeout for the whole exchange as the office feels it: connecting, sending and reading.
    return {"base_url": f"{conn.base_url}/api/v1", "headers": _headers(conn), "timeout": httpx.Timeout(conn.timeout),
            "follow_redirects": False}


def _json(response: httpx.Response) -> dict:
    if response.status_code in (401, 403):
        raise UpstreamRefused(response.status_code)
    if response.status_code == 404:
        raise UpstreamNotFound(response.status_code)
    if response.status_code != 200:
        raise UpstreamUnavailable(response.status_code)
    try:
        body = response.json()
    except ValueError as error:
        raise UpstreamUnavailable("not json") from error
    if not isinstance(body, dict):
        raise UpstreamUnavailable("not an object")
    return body


def _items(body: dict) -> list[dict]:
    items = body.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UpstreamUnavailable("no items")
    return items


def search_params(query: str, kind: str | None, status: str | None) -> dict:
    params = {"q": query or "", "limit": str(rule.ASK_FOR)}
    if CustomerKind.parse(kind):
        params["kind"] = kind
    if CustomerStatus.parse(status):
        params["status"] = status
    return params


async def search(conn: Connection, *, query: str, kind: str | None = None, status: str | None = None) -> list[dict]:
    """Up to seven upstream customers matching the list's text and filters (seven: to know there are more
    than six). Awaited on the event loop, so the task awaiting it can be cancelled: the connection closes."""
    try:
        async with httpx.AsyncClient(**_client_options(conn)) as client:
            response = await client.get("/customers", params=search_params(query, kind, status))
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(str(error)) from error
    return _items(_json(response))[:rule.ASK_FOR]


def fetch_customer(conn: Connection, upstream_id: int) -> dict:
    try:
        with httpx.Client(**_client_options(conn)) as client:
            response = client.get(f"/customers/{upstream_id}")
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(str(error)) from error
    body = _json(response)
    if not isinstance(body.get("code"), str) or not body["code"]:
        raise UpstreamUnavailable("no code")
    return body


def fetch_changes(conn: Connection, after: str, limit: int = SYNC_BATCH) -> tuple[list[dict], str]:
    params = {"limit": str(limit)}
    if after:
        params["after"] = after
    try:
        with httpx.Client(**_client_options(conn)) as client:
            response = client.get("/customers/changes", params=params)
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(str(error)) from error
    body = _json(response)
    following = body.get("next")
    return _items(body), following if isinstance(following, str) else after


REACHABLE, REFUSED, UNREACHABLE, NOT_SET = "reachable", "refused", "unreachable", "not_set"


def check_connection(*, session: Session, actor: Actor) -> str:
    """Asks upstream for one customer with the stored settings: reachable, refused key or unreachable."""
    require(actor, Perm.SETTINGS_MANAGE)
    conn = connection(session)
    if not conn.base_url or not conn.api_key:
        return NOT_SET
    try:
        with httpx.Client(**_client_options(conn)) as client:
            _items(_json(client.get("/customers", params={"limit": "1"})))
    except UpstreamRefused:
        return REFUSED
    except (UpstreamUnavailable, httpx.HTTPError):
        return UNREACHABLE
    return REACHABLE


# Saving an upstream customer when it is opened -----------------------------------------------------


def summary_row(item: dict) -> dict | None:
    """What the list shows of one upstream result; None for an item without an id or a code."""
    upstream_id = parse_id(item.get("id"))
    code = item.get("code")
    if upstream_id is None or not isinstance(code, str) or not code:
        return None
    return {"id": upstream_id, "code": code, "name": str(item.get("display_name") or code),
            "kind": CustomerKind.parse(item.get("kind")) or "business",
            "city": str(item.get("city") or ""), "province": str(item.get("province") or ""),
            "ids": str(item.get("vat_number") or item.get("tax_code") or ""), "email": str(item.get("email") or "")}


def linked_customer(session: Session, external_code: str) -> Customer | None:
    return session.exec(select(Customer).where(Customer.external_code == external_code)).first()


def find_linked(*, session: Session, actor: Actor, external_code: object) -> Customer | None:
    require(actor, Perm.CUSTOMERS_READ)
    return linked_customer(session, external_code) if isinstance(external_code, str) and external_code else None


def save_opened(*, session: Session, actor: Actor, detail: dict) -> tuple[Customer, bool]:
    """The local customer for an upstream customer being opened: the one already linked by external code, or
    a new one with upstream's data (and its contacts and sites that pass the rules). True when it was created.
    `detail` is what the server itself fetched from upstream, never what a browser sent."""
    require(actor, Perm.CUSTOMERS_WRITE)
    code = detail.get("code")
    if not isinstance(code, str) or not code:
        raise DomainError("upstream.err.save")
    found = linked_customer(session, code)
    if found is not None:
        return found, False
    customer = customers.create_customer(session=session, actor=actor, raw=rule.local_values(detail),
                                         source=Source.UPSTREAM.value)
    for contact in detail.get("contacts") or []:
        if isinstance(contact, dict):
            try:
                customers.save_contact(session=session, actor=actor, customer_id=customer.id, raw={
                    k: contact.get(k) for k in ("kind", "first_name", "last_name", "role", "email", "phone")},
                    source=Source.UPSTREAM.value)
            except DomainError:
                log.info("upstream contact of %s left out: not valid here", code)
    for site in detail.get("sites") or []:
        if isinstance(site, dict):
            try:
                customers.save_site(session=session, actor=actor, customer_id=customer.id, raw={
                    k: site.get(k) for k in ("name", "street", "cap", "city", "province", "country", "is_default",
                                             "notes")}, source=Source.UPSTREAM.value)
            except DomainError:
                log.info("upstream site of %s left out: not valid here", code)
    return customer, True


# The sync job ------------------------------------------------------------------------------------


@dataclass
class SyncResult:
    seen: int = 0
    updated: int = 0
    held: int = 0  # fields sent to the review because a customer's request waits on them
    skipped: int = 0  # upstream customers not linked here, or whose data this registry refuses

    def __bool__(self) -> bool:
        return self.seen > 0

    def __str__(self) -> str:
        return f"seen {self.seen}, updated {self.updated}, held for review {self.held}, skipped {self.skipped}"


def _hold_for_review(session: Session, customer: Customer, held: dict, current: dict) -> None:
    """One upstream request with a pending item per colliding field, beside the customer's own: the reviewer
    decides between them in the same window. An older upstream item for the field gives way to the newer."""
    now = utcnow()
    request = ChangeRequest(customer_id=customer.id, source=Source.UPSTREAM.value, requested_by_name=UPSTREAM_NAME)
    session.add(request)
    session.flush()
    for field, value in held.items():
        older = session.exec(select(ChangeRequestItem).where(
            ChangeRequestItem.customer_id == customer.id, ChangeRequestItem.field == field,
            ChangeRequestItem.state == rules.PENDING, ChangeRequestItem.policy == rules.UPSTREAM)).first()
        if older is not None:
            older.state, older.decided_at, older.decided_by_name = rules.SUPERSEDED, now, UPSTREAM_NAME
            session.add(older)
            session.flush()
        item = ChangeRequestItem(
            request_id=request.id, customer_id=customer.id, field=field,
            value_at_request=rules.encode(rules.field_value(current, field)), requested_value=rules.encode(value),
            policy=rules.UPSTREAM, state=rules.PENDING)
        session.add(item)
        session.flush()
        if older is not None:
            older.superseded_by_id = item.id
            session.add(older)
            change_requests.close_if_done(session, older.request_id, now)
        movements.record(session=session, customer_id=customer.id, actor=None, source=Source.UPSTREAM.value,
                         kind="request.created", field=field,
                         before=rules.format_value(field, rules.field_value(current, field)),
                         after=rules.format_value(field, value), summary=f"#{request.id}")


def apply_change(session: Session, item: dict, result: SyncResult) -> None:
    """One upstream customer's current data onto the local customer linked to it, if any."""
    result.seen += 1
    code = item.get("code")
    customer = linked_customer(session, code) if isinstance(code, str) and code else None
    if customer is None or customer.status == CustomerStatus.ANONYMIZED:
        result.skipped += 1
        return
    customer = customers.locked_customer(session, customer.id)
    current = customers.current_values(customer)
    try:
        # Upstream's values for the fields both registries keep, with this registry's own fields kept.
        upstream_values = validate_customer({**current, **rule.local_values(item),
                                             "external_code": customer.external_code}).as_dict()
    except DomainError:
        log.warning("upstream customer %s refused by the local rules: left as it is", code)
        result.skipped += 1
        return
    changes = rule.changed_fields(current, upstream_values)
    if not changes:
        return
    pending = set(session.exec(select(ChangeRequestItem.field).where(
        ChangeRequestItem.customer_id == customer.id, ChangeRequestItem.state == rules.PENDING,
        ChangeRequestItem.policy != rules.UPSTREAM)))
    apply, held = rule.split_collisions(changes, pending)
    if apply:
        try:
            data = rules.apply_values(current, apply)
        except DomainError:
            result.skipped += 1
            return
        customers.write_changes(session=session, customer=customer, data=data, actor=None,
                                source=Source.UPSTREAM.value, summary=UPSTREAM_NAME)
        result.updated += 1
    if held:
        _hold_for_review(session, customer, held, customers.current_values(customer))
        result.held += len(held)


def sync(
    *, session_factory: Callable, fetch: Callable | None = None, max_batches: int = SYNC_MAX_BATCHES,
) -> SyncResult:
    """Pulls upstream's changes after the stored cursor, a batch at a time; each batch is applied in one
    transaction, and the cursor moves past it in that same transaction, after the batch is written."""
    result = SyncResult()
    with session_factory() as session:
        conn = connection(session)
        after = _get(session, CURSOR)
    if not conn.usable:
        return result
    fetch = fetch or (lambda cursor: fetch_changes(conn, cursor))
    try:
        for _ in range(max_batches):
            items, following = fetch(after)
            with session_factory(write=True) as session:
                if _locked_cursor(session) != after:  # another run moved on meanwhile: it owns the rest
                    break
                for item in items:
                    apply_change(session, item, result)
                _put(session, CURSOR, following, None)
                _record_outcome(session, dataclasses.asdict(result))
            if not items or following == after:
                break
            after = following
    except UpstreamUnavailable as error:
        with session_factory(write=True) as session:
            _record_outcome(session, {"failed": REFUSED if isinstance(error, UpstreamRefused) else UNREACHABLE})
        raise
    return result


def _record_outcome(session: Session, outcome: dict) -> None:
    _put(session, LAST_SYNC_AT, utcnow().isoformat(timespec="seconds"), None)
    _put(session, LAST_SYNC_RESULT, json.dumps(outcome), None)


def _outcome(stored: str) -> dict:
    try:
        found = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _locked_cursor(session: Session) -> str:
    """The cursor, its row locked until the batch commits (SQLite's write transaction locks the whole file)."""
    query = select(AppSetting).where(AppSetting.key == CURSOR)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.exec(query).first()
    return row.value if row is not None else ""


def cursor(session: Session) -> str:
    return _get(session, CURSOR)

