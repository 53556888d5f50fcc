"""Managing accounts: staff and customer users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.domain.errors import DomainError
from app.domain.passwords import validate_new_password
from app.domain.permissions import (
    GRANTABLE,
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Actor,
    Perm,
    Role,
    grantable_to,
    has_perm,
    parse_grants,
    require,
)
from app.i18n import LANGUAGES, N_
from app.models import Customer, OutboxMessage, PortalAccess, Ticket, User
from app.services.auth import actor_of, end_all_sessions, normalize_email, void_password_links
from app.services.security import hash_password


def create_user(
    *, session: Session, email: str, full_name: str, role: Role, password: str | None = None,
    customer_id: int | None = None, language: str = "it",
) -> User:
    """Used by set-up and demo data; the reserved-area accesses get their own invitation flow."""
    address = normalize_email(email)
    if session.exec(select(User).where(func.lower(User.email) == address)).first():
        raise DomainError({"email": "users.email_taken"})
    if (role is Role.CUSTOMER) != (customer_id is not None):
        raise DomainError({"customer_id": "users.customer_mismatch"})
    if password is not None:
        validate_new_password(password, email=address)
    user = User(
        email=address, full_name=full_name.strip(), role=role.value, customer_id=customer_id,
        password_hash=hash_password(password) if password else None, language=language,
    )
    session.add(user)
    session.flush()
    if role is Role.CUSTOMER:  # set-up and demo users see their whole company
        session.add(PortalAccess(user_id=user.id, customer_id=customer_id, visibility="company"))
        session.flush()
    return user


@dataclass(frozen=True)
class UserRow:
    id: int
    full_name: str
    email: str
    role: str
    customer_name: str
    is_active: bool
    last_login_at: datetime | None
    # For staff: whether they may record consents, whether that comes with the role, and whether it can
    # be given on top of the role.
    records_consents: bool = False
    consents_by_role: bool = False
    consents_grantable: bool = False


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    next_after: tuple[str, int] | None


def list_users(
    *, session: Session, actor: Actor, search: str = "", after: tuple[str, int] | None = None, limit: int = 25
) -> UserPage:
    """Sorted by name, keyset-paginated on (lower(name), id)."""
    require(actor, Perm.USERS_MANAGE)
    limit = max(1, min(int(limit), 100))
    sort_key = func.lower(User.full_name)
    query = (
        select(User, Customer)
        .join(Customer, Customer.id == User.customer_id, isouter=True)
        .order_by(sort_key, col(User.id))
        .limit(limit + 1)
    )
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(sort_key.like(pattern), func.lower(User.email).like(pattern)))
    if after is not None:
        name, user_id = after
        query = query.where(or_(sort_key > name, (sort_key == name) & (col(User.id) > user_id)))
    found = list(session.exec(query.add_columns(sort_key.label("sort_key"))))
    rows = []
    for u, c, _ in found[:limit]:
        staff = actor_of(u)
        rows.append(UserRow(
            u.id, u.full_name, u.email, u.role, c.display_name if c else "", u.is_active, u.last_login_at,
            records_consents=has_perm(staff, Perm.CONSENTS_RECORD),
            consents_by_role=Perm.CONSENTS_RECORD in ROLE_PERMISSIONS[staff.role],
            consents_grantable=grantable_to(staff.role, Perm.CONSENTS_RECORD),
        ))
    # The cursor carries the database's own lower(): SQLite folds only A-Z, Python folds more.
    next_after = (found[limit - 1][2], found[limit - 1][0].id) if len(found) > limit else None
    return UserPage(rows=rows, next_after=next_after)


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Disabling ends every open session of the user: their next event finds no session."""
    require(actor, Perm.USERS_MANAGE)
    if user_id == actor.user_id and not active:
        raise DomainError("users.self")
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("users.not_found")
    user.is_active = active
    session.add(user)
    if not active:
        end_all_sessions(session=session, user_id=user.id, reason="disabled")
        void_password_links(session=session, user_id=user.id)
    return user


def set_grant(*, session: Session, actor: Actor, user_id: int, perm: str, granted: bool) -> User:
    """Gives or takes back a right on top of a staff user's role (for example recording consents)."""
    require(actor, Perm.USERS_MANAGE)
    wanted = next((p for p in GRANTABLE if p.value == perm), None)
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("users.not_found")
    if wanted is None or Role(user.role) not in STAFF_ROLES:
        raise DomainError("users.grant_invalid")
    if granted is True and not grantable_to(Role(user.role), wanted):
        raise DomainError(N_("users.grant_not_for_role"))
    grants = set(parse_grants(user.grants))
    grants = grants | {wanted} if granted is True else grants - {wanted}
    user.grants = " ".join(sorted(p.value for p in grants))
    session.add(user)
    return user


def set_language(*, session: Session, actor: Actor, language: str) -> str:
    require(actor, Perm.OWN_ACCOUNT)
    if language not in LANGUAGES:
        raise DomainError({"language": "common.error"})
    user = session.get(User, actor.user_id)
    user.language = language
    session.add(user)
    return language


@dataclass(frozen=True)
class OfficeSummary:
    customers: int
    active_users: int
    portal_users: int
    outbox_pending: int
    open_tickets: int  # support requests waiting for the office (opened or answered by the customer)


def office_summary(*, session: Session, actor: Actor) -> OfficeSummary:
    require(actor, Perm.OFFICE_ACCESS)
    count = lambda q: session.exec(q).one()  # noqa: E731
    return OfficeSummary(
        customers=count(select(func.count()).select_from(Customer)),
        active_users=count(select(func.count()).select_from(User).where(col(User.is_active))),
        portal_users=count(
            select(func.count()).select_from(User).where(User.role == Role.CUSTOMER.value, col(User.is_active))
        ),
        outbox_pending=count(select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))),
        open_tickets=count(select(func.count()).select_from(Ticket).where(Ticket.status == "open")),
    )


@dataclass(frozen=True)
class PortalSummary:
    customer_name: str
    customer_code: str
    user_email: str
    customer_kind: str


def portal_summary(*, session: Session, actor: Actor) -> PortalSummary:
    require(actor, Perm.PORTAL_ACCESS)
    customer = session.get(Customer, actor.customer_id)
    user = session.get(User, actor.user_id)
    return PortalSummary(customer.display_name, customer.code, user.email, customer.kind)
