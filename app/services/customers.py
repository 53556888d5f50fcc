"""Customer registry use cases: search, create, edit with optimistic locking, contacts and sites."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, column, or_, table, text, update
from sqlalchemy import bindparam as sa_bindparam
from sqlalchemy import insert as sa_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain.customer_rules import (
    FIELDS,
    CustomerData,
    display_name,
    search_text,
    sort_key,
    validate_contact,
    validate_customer,
    validate_site,
)
from app.domain.errors import DomainError
from app.domain.inputs import ContactInput, CustomerInput, SiteInput
from app.domain.permissions import STAFF_ROLES, Actor, Perm, require, require_customer_record
from app.domain.text import compact_code, fold, fts_query, like_escape, phone_digits
from app.domain.vocabularies import BlockLevel, CustomerStatus
from app.i18n import N_
from app.models import Contact, Customer, Intervention, LedgerValue, Movement, Site, User
from app.models.base import utcnow
from app.services import credit, movements, sequences, webhooks
from app.services.lists import COUNT_CAP, CappedCount, capped_count

CODE_PREFIX = "C"
CODE_DIGITS = 6
MAX_QUERY = 100
# Gap between the search ranks of neighbouring customers after a renumbering: about twenty
# customers can be put between two neighbours before a few ranks around them are spread again.
RANK_GAP = 1 << 20


class DuplicatesFound(DomainError):
    """Creating this customer would repeat a VAT number, tax code or e-mail already in the registry."""

    def __init__(self, duplicates: list[DuplicateRow]) -> None:
        super().__init__(N_("customer.duplicates"))
        self.duplicates = duplicates


@dataclass(frozen=True)
class ConflictChange:
    field: str
    before: str | None
    after: str | None
    actor_name: str | None
    at: datetime


class EditConflict(DomainError):
    """Someone saved the customer after this user opened it: nothing was written."""

    def __init__(self, current_version: int, changes: list[ConflictChange]) -> None:
        super().__init__(N_("customer.conflict"))
        self.current_version = current_version
        self.changes = changes


@dataclass(frozen=True)
class DuplicateRow:
    id: int
    code: str
    name: str
    matched: tuple[str, ...]


# Codes ------------------------------------------------------------------------------------


def next_code(session: Session, sequence: str = "customer") -> str:
    """The next internal code; codes given by an import or by hand are skipped, never reused."""
    taken = sequences.take(session, sequence, skip=lambda value: session.exec(
        select(Customer.id).where(Customer.code == _format_code(value))).first() is not None)
    return _format_code(taken)


def _format_code(value: int) -> str:
    return f"{CODE_PREFIX}{value:0{CODE_DIGITS}d}"


def reserve_codes(session: Session, count: int, sequence: str = "customer", avoid: frozenset | set = frozenset(),
                  ) -> list[str]:
    """`count` internal codes taken at once (an import's chunk): one lock of the counter and one look-up
    per batch of candidates instead of one per customer; codes already given by hand (or about to be,
    `avoid`) are skipped."""
    if count <= 0:
        return []
    first = sequences.take(session, sequence)
    codes: list[str] = []
    value = first
    while len(codes) < count:
        candidates = [_format_code(v) for v in range(value, value + count - len(codes))]
        taken = set(session.exec(select(Customer.code).where(col(Customer.code).in_(candidates))))
        codes += [c for c in candidates if c not in taken and c not in avoid]
        value += len(candidates)
    sequences.advance(session, sequence, value)
    return codes


# Search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRow:
    id: int
    code: str
    kind: str
    name: str
    email: str | None
    vat_number: str | None
    tax_code: str | None
    city: str | None
    province: str | None
    status: str
    block_level: str | None = None


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    next_after: tuple[str, int] | None
    order: str = "name"  # the order the page was read in


_ROW_COLUMNS = (
    Customer.id, Customer.code, Customer.kind, Customer.company_name, Customer.first_name, Customer.last_name,
    Customer.email, Customer.vat_number, Customer.tax_code, Customer.city, Customer.province, Customer.status,
    Customer.block_level, Customer.sort_name, Customer.search_rank,
)
# The list's block filter: any active block, or one level as the highest.
ANY_BLOCK = "any"


# The FTS5 table (SQLite only), created by the initial migration rather than the models.
_SEARCH_INDEX = table("customer_search", column("rowid"))


# Orders the list offers, each read from an index in its direction. The code index has no filter columns:
# with a filter or a text it could walk every customer to fill a page, so those lists keep name order.
ORDERS = ("name", "name_desc", "code", "code_desc")
UNFILTERED_ORDERS = ("code", "code_desc")
def allowed_order(order: object, *, query: str = "", filtered: bool = False) -> str:
    """The order a list may use: a text search keeps name order (its index follows it), a filtered list
    may not sort by code."""
    if not isinstance(order, str) or order not in ORDERS:
        return "name"
    folded = fold(query if isinstance(query, str) else "")
    if len(folded) >= 3 and order != "name":
        return "name"
    if (filtered or folded) and order in UNFILTERED_ORDERS:
        return "name"
    return order


def narrowed(kind, status, assigned_user_id, block, credit_filter) -> bool:  # noqa: ANN001
    """Whether the filters leave less than the active customers: the list shows only active ones unless
    asked, so that status alone narrows nothing the code index would have to walk past."""
    return len(_filters(kind, status, assigned_user_id, block, credit_filter)) > 1 or (
        status in CustomerStatus.values() and status != CustomerStatus.ACTIVE)


def _filters(kind, status, assigned_user_id, block, credit_filter) -> list:  # noqa: ANN001
    conditions = []
    if kind in ("business", "private"):
        conditions.append(Customer.kind == kind)
    # Anonymized customers are out of the list unless asked for by their status (they hold only a pseudonym).
    conditions.append(Customer.status == (status if status in CustomerStatus.values() else CustomerStatus.ACTIVE))
    if isinstance(assigned_user_id, int) and assigned_user_id > 0:
        conditions.append(Customer.assigned_user_id == assigned_user_id)
    if block == ANY_BLOCK:
        conditions.append(col(Customer.block_level).is_not(None))
    elif BlockLevel.parse(block):
        conditions.append(Customer.block_level == block)
    matching = credit.customers_matching(credit_filter, date.today()) if isinstance(credit_filter, str) else None
    if matching is not None:
        conditions.append(col(Customer.id).in_(matching))
    return conditions


def _printable(text: str) -> str:
    # A control character (NUL above all, which PostgreSQL refuses in a parameter) is in no customer's data.
    return "".join(ch for ch in text if ch.isprintable())


def _prefix(folded: str) -> list:
    # The range lets the name index answer; the LIKE keeps it exact on any collation.
    upper = folded[:-1] + chr(ord(folded[-1]) + 1)
    return [Customer.sort_name >= folded, Customer.sort_name < upper,
            col(Customer.sort_name).like(like_escape(folded) + "%", escape="\\")]


def search_customers(
    *, session: Session, actor: Actor, query: str = "", kind: str | None = None, status: str | None = None,
    assigned_user_id: int | None = None, block: str | None = None, credit_filter: str | None = None,
    after: tuple | None = None, limit: int = 25, order: str = "name",
) -> CustomerPage:
    """Customers sorted by name (or as `order` asks, when `allowed_order` allows it), a page at a time
    (keyset; `after` is the `next_after` of the previous page).

    1-2 characters match the beginning of the name; 3 or more match anywhere in the name, e-mail,
    PEC, VAT number (with or without its IT prefix), tax code, internal or external code, city, or
    phone (typed in any formatting: its digits are looked for too). Case and accents are ignored."""
    require(actor, Perm.CUSTOMERS_READ)
    limit = max(1, min(int(limit), 100))
    folded = _printable(fold(query if isinstance(query, str) else ""))[:MAX_QUERY]
    conditions = _filters(kind, status, assigned_user_id, block, credit_filter)
    order = allowed_order(order, query=folded, filtered=narrowed(kind, status, assigned_user_id, block, credit_filter))
    if after is not None and not (isinstance(after, tuple | list) and len(after) == 3):
        after = None  # not a cursor this service handed out: start from the first page

    if 0 < len(folded) <= 2:
        conditions += _prefix(folded)
    elif len(folded) >= 3:
        wanted = _wanted_texts(folded)
        if session.get_bind().dialect.name == "sqlite":
            found = _search_by_rank(session, wanted, conditions, after, limit)
        else:
            found = _search_postgres(session, wanted, conditions, after, limit)
        return _page(found, limit, order)

    descending = order.endswith("_desc")
    key = Customer.code if order.startswith("code") else Customer.sort_name
    if after is not None:
        value, last_id = after[0], after[1]
        if key is Customer.code:  # unique: the code alone is the cursor
            conditions.append(Customer.code < value if descending else Customer.code > value)
        elif descending:
            conditions.append(or_(Customer.sort_name < value, and_(Customer.sort_name == value, Customer.id < last_id)))
        else:
            conditions.append(or_(Customer.sort_name > value, and_(Customer.sort_name == value, Customer.id > last_id)))
    keys = [key] if key is Customer.code else [key, Customer.id]
    statement = (
        select(*_ROW_COLUMNS).where(*conditions)
        .order_by(*[col(k).desc() if descending else k for k in keys]).limit(limit + 1)
    )
    return _page(session.exec(statement).all(), limit, order)


def count_customers(
    *, session: Session, actor: Actor, query: str = "", kind: str | None = None, status: str | None = None,
    assigned_user_id: int | None = None, block: str | None = None, credit_filter: str | None = None,
    cap: int = COUNT_CAP,
) -> CappedCount:
    """How many customers the list with these filters holds, counted up to `cap` through the same indexes
    the list reads."""
    require(actor, Perm.CUSTOMERS_READ)
    folded = _printable(fold(query if isinstance(query, str) else ""))[:MAX_QUERY]
    conditions = _filters(kind, status, assigned_user_id, block, credit_filter)
    if 0 < len(folded) <= 2:
        conditions += _prefix(folded)
    elif len(folded) >= 3:
        wanted = _wanted_texts(folded)
        if session.get_bind().dialect.name == "sqlite":
            return capped_count(session, _rank_search_statement(wanted, conditions, -1, (Customer.id,)), cap)
        if not _has_trigram(wanted):
            return CappedCount(0, False)
        # Counting needs no order: the trigram index's bitmap, read until the cap, is cheap even for a
        # common text.
        with _TrigramIndexOnly(session):
            return capped_count(session, select(Customer.id).where(*conditions, _contains_any(wanted)), cap)
    return capped_count(session, select(Customer.id).where(*conditions), cap)


# PostgreSQL's trigram index finds the matches in no order, so a page in name order costs every match, while
# walking the name index costs every customer passed before the page is full. Which is cheaper depends on
# how often the text occurs, which the planner can only guess (a wrong guess walked a million customers for
# a text found nowhere, or sorted a hundred thousand matches for "ros"). So the search first walks this many
# customers in name order, enough to fill a page when the text is common; only a rarer text then reads its
# matches from the trigram index, and a rare text has few to sort.
NAME_ORDER_WINDOW = 8000


def _cursor_after(after: tuple | None) -> list:
    if after is None:
        return []
    value, last_id = after[0], after[1]
    return [or_(Customer.sort_name > value, and_(Customer.sort_name == value, Customer.id > last_id))]


class _TrigramIndexOnly:
    """Makes PostgreSQL answer the next statements from the trigram index's bitmap, not by walking the name
    index or the whole table, whatever it estimates; the planner's own choice comes back on leaving."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> None:
        self.session.execute(text("SET LOCAL enable_indexscan = off"))
        self.session.execute(text("SET LOCAL enable_seqscan = off"))

    def __exit__(self, *_exc: object) -> None:
        self.session.execute(text("SET LOCAL enable_indexscan = on"))
        self.session.execute(text("SET LOCAL enable_seqscan = on"))


def _has_trigram(wanted: list[str]) -> bool:
    # pg_trgm indexes letters and digits only: a text of symbols alone could only be looked for in every row.
    return any(any(ch.isalnum() for ch in w) for w in wanted)


def _search_postgres(session: Session, wanted: list[str], filters: list, after, limit: int) -> list:  # noqa: ANN001
    if not _has_trigram(wanted):
        return []
    window = (select(*_ROW_COLUMNS, Customer.search_text).where(*filters, *_cursor_after(after))
              .order_by(Customer.sort_name, Customer.id).limit(NAME_ORDER_WINDOW).subquery())
    contains = or_(*(window.c.search_text.like(f"%{like_escape(w)}%", escape="\\") for w in wanted))
    found = session.exec(select(*(window.c[c.key] for c in _ROW_COLUMNS)).where(contains)
                         .order_by(window.c.sort_name, window.c.id).limit(limit + 1)).all()
    if len(found) > limit:
        return found
    with _TrigramIndexOnly(session):
        return session.exec(select(*_ROW_COLUMNS).where(*filters, *_cursor_after(after), _contains_any(wanted))
                            .order_by(Customer.sort_name, Customer.id).limit(limit + 1)).all()


def _wanted_texts(folded: str) -> list[str]:
    """The text as typed and, for a phone number typed with spaces or a prefix, its digits."""
    digits = phone_digits(folded)
    return [folded, digits] if digits and digits != folded else [folded]


def _contains_any(wanted: list[str]):  # noqa: ANN202
    return or_(*(col(Customer.search_text).like(f"%{like_escape(w)}%", escape="\\") for w in wanted))


def _rank_search_statement(wanted: list[str], filters: list, rank_after: int, columns: tuple):  # noqa: ANN202
    return (
        select(*columns).select_from(_SEARCH_INDEX)
        .join(Customer, col(Customer.search_rank) == _SEARCH_INDEX.c.rowid)
        .where(
            text("customer_search MATCH :fts").bindparams(
                fts=" OR ".join(f"({fts_query(w)})" for w in wanted) if len(wanted) > 1 else fts_query(wanted[0])),
            _SEARCH_INDEX.c.rowid > rank_after, *filters, _contains_any(wanted),
        )
        .order_by(_SEARCH_INDEX.c.rowid)
    )


def _search_by_rank(session: Session, wanted: list[str], filters: list, after, limit: int) -> list:  # noqa: ANN001
    """The trigram index is keyed on search_rank, which follows name order: it hands out matches
    already sorted, and the first page is found without reading the rest. One statement walks the
    index and checks each candidate row as it goes, so SQLite stops at the first `limit + 1` rows
    that pass, however many candidates the filters or the LIKE check drop on the way."""
    rank_after = after[2] if after is not None else -1
    return session.exec(_rank_search_statement(wanted, filters, rank_after, _ROW_COLUMNS).limit(limit + 1)).all()


def _page(found: list, limit: int, order: str = "name") -> CustomerPage:
    rows = [
        CustomerRow(
            id=r.id, code=r.code, kind=r.kind, name=display_name(r.kind, r.company_name, r.first_name, r.last_name),
            email=r.email, vat_number=r.vat_number, tax_code=r.tax_code, city=r.city, province=r.province,
            status=r.status, block_level=r.block_level,
        )
        for r in found[:limit]
    ]
    last = found[limit - 1] if len(found) > limit else None
    # A name cursor serves both indexes: (sort_name, id) for the name index, search_rank for the text index.
    key = last.code if last is not None and order.startswith("code") else (last.sort_name if last is not None else None)
    next_after = (key, last.id, last.search_rank) if last is not None else None
    return CustomerPage(rows=rows, next_after=next_after, order=order)


# Create and edit --------------------------------------------------------------------------


def find_duplicates(
    *, session: Session, actor: Actor, vat_number: str | None, tax_code: str | None, email: str | None,
    exclude_id: int | None = None,
) -> list[DuplicateRow]:
    require(actor, Perm.CUSTOMERS_READ)
    probes = [(name, column, value) for name, column, value in (
        ("vat_number", Customer.vat_number, vat_number),
        ("tax_code", Customer.tax_code, tax_code),
        ("email", Customer.email, email),
    ) if value]
    if not probes:
        return []
    query = select(Customer).where(or_(*[column == value for _, column, value in probes])).limit(10)
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)
    return [
        DuplicateRow(
            id=c.id, code=c.code, name=c.display_name,
            matched=tuple(name for name, _, value in probes if getattr(c, name) == value),
        )
        for c in session.exec(query)
    ]


def _check_assigned_user(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in {r.value for r in STAFF_ROLES}:
        raise DomainError({"assigned_user_id": "customer.err.assigned"})


def _check_external_code(session: Session, code: str | None, exclude_id: int | None) -> None:
    if code is None:
        return
    query = select(Customer.code).where(Customer.external_code == code)
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)
    holder = session.exec(query).first()
    if holder is not None:
        raise DomainError({"external_code": "customer.err.external_code_taken"}, code=holder)


def _flush_guarding_external_code(session: Session) -> None:
    """Two saves of the same external code at once: the unique index stops the second one."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        if "external_code" in str(error.orig):
            raise DomainError({"external_code": "customer.err.external_code_taken"}, code="?") from None
        raise


def _neighbour_ranks(session: Session, customer: Customer, width: int) -> tuple[list, list]:
    """Up to `width` + 1 customers on each side of this one in (sort_name, id) order, nearest first.
    A customer not saved yet sorts after those with the same name (its id will be the highest)."""
    name, own_id = customer.sort_name, customer.id
    if own_id is None:
        before = Customer.sort_name <= name
        after = Customer.sort_name > name
        others = []
    else:
        before = or_(Customer.sort_name < name, and_(Customer.sort_name == name, Customer.id < own_id))
        after = or_(Customer.sort_name > name, and_(Customer.sort_name == name, Customer.id > own_id))
        others = [Customer.id != own_id]
    columns = (Customer.id, Customer.search_rank)
    lower = session.exec(select(*columns).where(before, *others)
                         .order_by(col(Customer.sort_name).desc(), col(Customer.id).desc()).limit(width + 1)).all()
    upper = session.exec(select(*columns).where(after, *others)
                         .order_by(Customer.sort_name, Customer.id).limit(width + 1)).all()
    return list(lower), list(upper)


def place_in_search_order(session: Session, customer: Customer) -> None:
    """Gives the customer a search_rank between its neighbours in name order. When two neighbours
    have no room left between them, the ranks of a few customers around are spread out again."""
    lower, upper = _neighbour_ranks(session, customer, 0)
    low = lower[0].search_rank if lower else 0
    high = upper[0].search_rank if upper else low + 2 * RANK_GAP
    if high - low >= 2:
        customer.search_rank = (low + high) // 2
        return
    width = 8
    while True:
        lower, upper = _neighbour_ranks(session, customer, width)
        floor_rank = lower[width].search_rank if len(lower) > width else 0
        ceiling_rank = upper[width].search_rank if len(upper) > width else \
            (upper[-1].search_rank if upper else low) + 2 * RANK_GAP * (width + 1)
        window = [*reversed(lower[:width]), None, *upper[:width]]  # None: the customer being placed
        step = (ceiling_rank - floor_rank) // (len(window) + 1)
        if step >= 2:
            break
        width *= 4
    moved = [(row.id, floor_rank + step * (i + 1)) for i, row in enumerate(window) if row is not None]
    for row_id, _ in moved:  # out of the way first: the unique index never sees two equal ranks
        session.execute(update(Customer).where(Customer.id == row_id).values(search_rank=-row_id))
    for row_id, rank in moved:
        session.execute(update(Customer).where(Customer.id == row_id).values(search_rank=rank))
    customer.search_rank = floor_rank + step * (window.index(None) + 1)


def _apply(customer: Customer, data: CustomerData) -> None:
    for name, value in data.as_dict().items():
        setattr(customer, name, value)
    customer.sort_name = sort_key(data.kind, data.company_name, data.first_name, data.last_name)
    customer.search_text = search_text(data, customer.code)


def create_customer(
    *, session: Session, actor: Actor, raw: CustomerInput | Mapping, source: str = "office",
    confirmed_duplicates: bool = False, code: str | None = None, external_code_checked: bool = False,
) -> Customer:
    """A new customer numbered by the sequence, or with the `code` an import gives (checked free by it).
    An import checks the external codes of a whole chunk at once (`external_code_checked`)."""
    require(actor, Perm.CUSTOMERS_WRITE)
    data = validate_customer(raw)
    _check_assigned_user(session, data.assigned_user_id)
    if not external_code_checked:
        _check_external_code(session, data.external_code, None)
    if not confirmed_duplicates:
        duplicates = find_duplicates(
            session=session, actor=actor, vat_number=data.vat_number, tax_code=data.tax_code, email=data.email
        )
        if duplicates:
            raise DuplicatesFound(duplicates)
    customer = Customer(code=code or next_code(session), updated_by_user_id=actor.user_id)
    _apply(customer, data)
    place_in_search_order(session, customer)
    session.add(customer)
    _flush_guarding_external_code(session)
    movements.record(
        session=session, customer_id=customer.id, actor=actor, source=source, kind="customer.created",
        summary=f"{customer.code} {customer.display_name}", customer_version=customer.version,
    )
    webhooks.enqueue(session, "customer.changed", f"customer:{customer.id}:v{customer.version}",
                     {"customer_id": customer.id, "version": customer.version, "created": True})
    return customer


class NoRoomInSearchOrder(Exception):
    """Kept for callers that fall back to one customer at a time; `create_many` makes room itself."""


# The room a batch makes around its new customers when their neighbours have none left: enough for many
# more imports of the same names before the next spreading.
SPREAD_STEP = 1 << 10


def _batch_ranks(session: Session, sort_names: list[str]) -> tuple[list[int | None], list[list[int]]]:
    """Search ranks for new customers (ids above every existing one) with these sort names: the new
    customers between the same two neighbours share the room between them, evenly, in name order. The
    groups with no room left come back apart (their ranks None), for `_spread_for`."""
    connection = session.connection()
    lower = select(Customer.search_rank).where(Customer.sort_name <= sa_bindparam("name")) \
        .order_by(col(Customer.sort_name).desc(), col(Customer.id).desc()).limit(1).scalar_subquery()
    upper = select(Customer.search_rank).where(Customer.sort_name > sa_bindparam("name")) \
        .order_by(Customer.sort_name, Customer.id).limit(1).scalar_subquery()
    both = select(lower, upper)  # one round trip per name for both neighbours
    bounds: dict[str, tuple[int, int | None]] = {}
    for name in set(sort_names):
        low, high = connection.execute(both, {"name": name}).one()
        bounds[name] = (low or 0, high)
    groups: dict[tuple[int, int | None], list[int]] = {}
    for index in sorted(range(len(sort_names)), key=lambda i: (sort_names[i], i)):
        groups.setdefault(bounds[sort_names[index]], []).append(index)
    ranks: list[int | None] = [None] * len(sort_names)
    crowded = []
    for (low, high), members in groups.items():
        top = high if high is not None else low + RANK_GAP * (len(members) + 1)
        step = (top - low) // (len(members) + 1)
        if step < 2:
            crowded.append(members)
            continue
        for position, index in enumerate(members, start=1):
            ranks[index] = low + step * position
    return ranks, crowded


def _spread_for(session: Session, sort_name: str, count: int) -> list[int]:
    """Ranks for `count` new customers placed (in order) right after the customers named `sort_name` or
    before it, when their neighbours have no room between them: the ranks of a window of neighbours are
    spread again, widening it until each gets SPREAD_STEP of room (as place_in_search_order does for one)."""
    probe = Customer(sort_name=sort_name)  # no id: it sorts after the customers of the same name
    width = 8
    while True:
        lower, upper = _neighbour_ranks(session, probe, width)
        floor_rank = lower[width].search_rank if len(lower) > width else 0
        last = upper[-1].search_rank if upper else (lower[0].search_rank if lower else 0)
        ceiling_rank = upper[width].search_rank if len(upper) > width else last + RANK_GAP * (width + count + 1)
        window = [*reversed(lower[:width]), *([None] * count), *upper[:width]]
        step = (ceiling_rank - floor_rank) // (len(window) + 1)
        if step >= SPREAD_STEP:
            break
        width *= 4
    placed = [(row, floor_rank + step * (i + 1)) for i, row in enumerate(window)]
    moved = [{"row_id": row.id, "rank": rank} for row, rank in placed if row is not None]
    connection = session.connection()
    by_id = update(Customer).where(Customer.id == sa_bindparam("row_id"))
    # Out of the way first: the unique index never sees two equal ranks.
    connection.execute(by_id.values(search_rank=-sa_bindparam("row_id")), [{"row_id": m["row_id"]} for m in moved])
    connection.execute(by_id.values(search_rank=sa_bindparam("rank")), moved)
    return [rank for row, rank in placed if row is None]


def create_many(
    *, session: Session, actor: Actor, items: list[tuple[CustomerData, str]], source: str,
) -> list[int]:
    """New customers from already-validated data and codes an import checked free (with their external
    codes): one INSERT of them all and one of their movements, in the caller's transaction (the customers
    whose neighbours in name order have no room left go in after, a group at a time). Returns their ids."""
    require(actor, Perm.CUSTOMERS_WRITE)
    if not items:
        return []
    sort_names = [sort_key(d.kind, d.company_name, d.first_name, d.last_name) for d, _ in items]
    ranks, crowded = _batch_ranks(session, sort_names)
    id_of = _insert_new(session, actor, source, [(items[i], sort_names[i], rank) for i, rank in enumerate(ranks)
                                                 if rank is not None])
    for members in crowded:
        spread = _spread_for(session, min(sort_names[i] for i in members), len(members))
        id_of |= _insert_new(session, actor, source, [(items[i], sort_names[i], rank)
                                                      for i, rank in zip(members, spread, strict=True)])
    return [id_of[code] for _, code in items]


def _insert_new(session: Session, actor: Actor, source: str, placed: list[tuple[tuple[CustomerData, str], str, int]],
                ) -> dict[str, int]:
    """Inserts customers with their ranks, a ledger row and a creation movement each; their ids by code."""
    if not placed:
        return {}
    now = utcnow()
    rows = [{**{name: getattr(data, name) for name in FIELDS}, "code": code, "sort_name": sort_name,
             "search_rank": rank, "search_text": search_text(data, code), "status": CustomerStatus.ACTIVE,
             "version": 1, "created_at": now, "updated_at": now, "updated_by_user_id": actor.user_id}
            for (data, code), sort_name, rank in placed]
    connection = session.connection()  # Core statements: no ORM objects for rows nobody reads back here
    # RETURNING in parameter order makes SQLAlchemy send SQLite one row per statement: the rows are matched
    # back by their unique code (customers) and by their customer (one ledger row each) instead.
    id_of = dict((code, row_id) for row_id, code in connection.execute(
        sa_insert(Customer).returning(Customer.id, Customer.code), rows))
    values = []
    for (data, code), _, _ in placed:
        name = display_name(data.kind, data.company_name, data.first_name, data.last_name) or code
        values.append(movements.personal_values(customer_id=id_of[code], contact_id=None, actor=actor,
                                                summary=f"{code} {name}"))
    value_of = dict((customer_id, value_id) for value_id, customer_id in connection.execute(
        sa_insert(LedgerValue).returning(LedgerValue.id, LedgerValue.customer_id),
        [{"customer_id": v.customer_id, "contact_id": None, "data": v.data} for v, _ in values]))
    connection.execute(sa_insert(Movement), [
        {"customer_id": v.customer_id, "kind": "customer.created", "field": None,
         "values_id": value_of[v.customer_id], "actor_user_id": actor.user_id, "actor_name": actor_name,
         "source": source, "customer_version": 1, "created_at": now}
        for v, actor_name in values
    ])
    return id_of


def locked_customer(session: Session, customer_id: int) -> Customer | None:
    query = select(Customer).where(Customer.id == customer_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def update_customer(
    *, session: Session, actor: Actor, customer_id: int, raw: CustomerInput | Mapping, expected_version: int,
    source: str = "office",
) -> tuple[Customer, list[str]]:
    """Saves the edit if nobody saved the customer since `expected_version`; returns it and the changed fields."""
    require(actor, Perm.CUSTOMERS_WRITE)
    customer = locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    data = validate_customer(raw)
    if customer.version != expected_version:
        raise EditConflict(customer.version, changes_since(session, customer_id, expected_version))
    if data.assigned_user_id != customer.assigned_user_id:
        _check_assigned_user(session, data.assigned_user_id)
    _check_external_code(session, data.external_code, customer_id)
    changed = write_changes(session=session, customer=customer, data=data, actor=actor, source=source)
    return customer, changed


# Movements that change the customer's data: what an edit opened before them has not seen.
DATA_CHANGE_KINDS = ("customer.updated", "request.applied", "request.accepted")


def current_values(customer: Customer) -> dict:
    return {name: getattr(customer, name) for name in FIELDS}


def write_changes(
    *, session: Session, customer: Customer, data: CustomerData, actor: Actor | None, source: str,
    kind: str = "customer.updated", summary: str | None = None,
) -> list[str]:
    """Stores already-validated data on a customer the caller has locked: one new version, one
    movement per changed field. Returns the changed fields (none: nothing is written)."""
    refuse_anonymized(customer)
    before = current_values(customer)
    changed = [name for name, value in data.as_dict().items() if before[name] != value]
    if not changed:
        return []
    old_sort_name = customer.sort_name
    _apply(customer, data)
    if customer.sort_name != old_sort_name:
        place_in_search_order(session, customer)
    customer.version += 1
    customer.updated_at = utcnow()
    customer.updated_by_user_id = actor.user_id if actor else None
    session.add(customer)
    _flush_guarding_external_code(session)
    for name in changed:
        movements.record(
            session=session, customer_id=customer.id, actor=actor, source=source, kind=kind,
            field=name, before=before[name], after=getattr(customer, name), summary=summary,
            customer_version=customer.version,
        )
    webhooks.enqueue(session, "customer.changed", f"customer:{customer.id}:v{customer.version}",
                     {"customer_id": customer.id, "version": customer.version, "fields": changed})
    return changed


def changes_since(session: Session, customer_id: int, version: int) -> list[ConflictChange]:
    rows = session.exec(
        select(Movement).where(
            Movement.customer_id == customer_id, col(Movement.kind).in_(DATA_CHANGE_KINDS),
            col(Movement.customer_version) > version,
        ).order_by(col(Movement.id))
    )
    return [ConflictChange(m.field, m.before, m.after, m.actor_label if m.actor_user_id is not None else None,
                           m.created_at) for m in rows]


# The card ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerCard:
    customer: Customer
    assigned_user_name: str
    contacts: list[Contact]
    sites: list[Site]


def get_customer(*, session: Session, actor: Actor, customer_id: int) -> Customer:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    return customer


def assigned_user_name(*, session: Session, customer: Customer) -> str:
    assigned = session.get(User, customer.assigned_user_id) if customer.assigned_user_id else None
    return assigned.full_name if assigned else ""


def list_contacts(*, session: Session, actor: Actor, customer_id: int) -> list[Contact]:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    return list(session.exec(
        select(Contact).where(Contact.customer_id == customer_id)
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
    ))


def list_sites(*, session: Session, actor: Actor, customer_id: int) -> list[Site]:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    return list(session.exec(
        select(Site).where(Site.customer_id == customer_id).order_by(col(Site.is_default).desc(), Site.name, Site.id)
    ))


def get_card(*, session: Session, actor: Actor, customer_id: int) -> CustomerCard:
    """The whole card at once, for callers that show all of it (the REST API, the benchmark)."""
    customer = get_customer(session=session, actor=actor, customer_id=customer_id)
    return CustomerCard(
        customer, assigned_user_name(session=session, customer=customer),
        list_contacts(session=session, actor=actor, customer_id=customer_id),
        list_sites(session=session, actor=actor, customer_id=customer_id),
    )


def customers_by_ids(*, session: Session, actor: Actor, ids: list[int]) -> list[Customer]:
    """These customers in the order of `ids` (a page found by `search_customers`), the missing ones left out."""
    require(actor, Perm.CUSTOMERS_READ)
    found = {c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def find_by_external_code(*, session: Session, actor: Actor, external_code: str) -> Customer:
    """The customer with this code in another system, compared as stored: compact and upper case."""
    require(actor, Perm.CUSTOMERS_READ)
    code = compact_code(external_code)[:40] if isinstance(external_code, str) and external_code.isprintable() \
        else None
    customer = session.exec(select(Customer).where(Customer.external_code == code)).first() if code else None
    if customer is None:
        raise DomainError("customer.not_found")
    return customer


def changed_customers(
    *, session: Session, actor: Actor, after: tuple[datetime, int] | None, limit: int = 100,
) -> list[Customer]:
    """Customers created or changed after the (updated_at, id) key, oldest change first: what a sync job
    that saw everything up to that key has not seen yet."""
    require(actor, Perm.CUSTOMERS_READ)
    query = select(Customer)
    if after is not None:
        at, last_id = after
        query = query.where(or_(Customer.updated_at > at, and_(Customer.updated_at == at, Customer.id > last_id)))
    return list(session.exec(query.order_by(Customer.updated_at, Customer.id).limit(max(1, min(int(limit), 500)))))


def staff_choices(*, session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Staff users a customer can be assigned to."""
    require(actor, Perm.CUSTOMERS_READ)
    return [
        (u.id, u.full_name)
        for u in session.exec(
            select(User).where(col(User.role).in_([r.value for r in STAFF_ROLES]), col(User.is_active))
            .order_by(User.full_name)
        )
    ]


# Contacts and sites -----------------------------------------------------------------------


def _customer_for_write(session: Session, actor: Actor, customer_id: int) -> Customer:
    require(actor, Perm.CUSTOMERS_WRITE)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    refuse_anonymized(customer)
    return customer


def refuse_anonymized(customer: Customer) -> None:
    """An anonymized customer is read-only: nothing is added to it or changed on it any more."""
    if customer.status == CustomerStatus.ANONYMIZED:
        raise DomainError(N_("customer.err.anonymized"))


def get_contact(*, session: Session, actor: Actor, customer_id: int, contact_id: int) -> Contact:
    """One contact of this customer, as stored now; a removed one is refused."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    contact = session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer_id:
        raise DomainError("customer.contact_not_found")
    return contact


def get_site(*, session: Session, actor: Actor, customer_id: int, site_id: int) -> Site:
    """One site of this customer, as stored now; a removed one is refused."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    site = session.get(Site, site_id)
    if site is None or site.customer_id != customer_id:
        raise DomainError("customer.site_not_found")
    return site


def _contact_label(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name}"


def save_contact(
    *, session: Session, actor: Actor, customer_id: int, raw: ContactInput | Mapping, contact_id: int | None = None,
    source: str = "office",
) -> Contact:
    _customer_for_write(session, actor, customer_id)
    data = validate_contact(raw)
    if contact_id is None:
        contact = Contact(customer_id=customer_id, **data.__dict__)
        session.add(contact)
        session.flush()
        movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                         kind="contact.added", summary=_contact_label(contact), contact_id=contact.id)
        return contact
    contact = session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer_id:
        raise DomainError("customer.contact_not_found")
    for name, value in data.__dict__.items():
        if getattr(contact, name) != value:
            movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                             kind="contact.updated", field=name, before=getattr(contact, name), after=value,
                             summary=_contact_label(contact), contact_id=contact.id)
            setattr(contact, name, value)
    session.add(contact)
    return contact


def remove_contact(
    *, session: Session, actor: Actor, customer_id: int, contact_id: int, source: str = "office"
) -> None:
    _customer_for_write(session, actor, customer_id)
    contact = session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer_id:
        raise DomainError("customer.contact_not_found")
    movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                     kind="contact.removed", summary=_contact_label(contact), contact_id=contact.id)
    session.delete(contact)


def _clear_default_site(session: Session, customer_id: int, keep_id: int | None) -> None:
    # Row by row rather than one UPDATE: the card's versions see each site that stops being the default.
    for site in session.exec(select(Site).where(Site.customer_id == customer_id, col(Site.is_default))):
        if site.id != keep_id:
            site.is_default = False
            session.add(site)


def save_site(
    *, session: Session, actor: Actor, customer_id: int, raw: SiteInput | Mapping, site_id: int | None = None,
    source: str = "office",
) -> Site:
    _customer_for_write(session, actor, customer_id)
    data = validate_site(raw)
    if site_id is None:
        if data.is_default:
            _clear_default_site(session, customer_id, None)
        site = Site(customer_id=customer_id, **data.__dict__)
        # The first site is where interventions go unless another is chosen.
        if session.exec(select(Site.id).where(Site.customer_id == customer_id).limit(1)).first() is None:
            site.is_default = True
        session.add(site)
        session.flush()
        movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                         kind="site.added", summary=site.name)
        return site
    site = session.get(Site, site_id)
    if site is None or site.customer_id != customer_id:
        raise DomainError("customer.site_not_found")
    if data.is_default and not site.is_default:
        _clear_default_site(session, customer_id, site.id)
        session.flush()
    for name, value in data.__dict__.items():
        if getattr(site, name) != value:
            movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                             kind="site.updated", field=name, before=getattr(site, name), after=value,
                             summary=site.name)
            setattr(site, name, value)
    session.add(site)
    return site


def remove_site(*, session: Session, actor: Actor, customer_id: int, site_id: int, source: str = "office") -> None:
    _customer_for_write(session, actor, customer_id)
    site = session.get(Site, site_id)
    if site is None or site.customer_id != customer_id:
        raise DomainError("customer.site_not_found")
    if session.exec(select(Intervention.id).where(Intervention.site_id == site.id).limit(1)).first() is not None:
        raise DomainError(N_("customer.err.site_has_interventions"))
    movements.record(session=session, customer_id=customer_id, actor=actor, source=source,
                     kind="site.removed", summary=site.name)
    session.delete(site)
