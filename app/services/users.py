"""Managing accounts: staff and customer users."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.domain.customer_rules import clean_email
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
from app.i18n import LANGUAGES, N_, normalize_language, t
from app.models import Customer, OutboxMessage, PortalAccess, Ticket, User, UserEvent
from app.models.base import utcnow
from app.services import mail_templates, outbox
from app.services.auth import (
    actor_of,
    end_all_sessions,
    issue_password_token,
    normalize_email,
    void_password_links,
)
from app.services.lists import COUNT_CAP, CappedCount, capped_count
from app.services.security import hash_password, token_hash
from app.settings import Settings, get_settings

# What the log of accounts records (user_event.kind); the page labels each with users.event.<kind>.
USER_EVENT_KINDS = ("created", "role", "enabled", "disabled", "reset_sent", "grant", "revoke")


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


def _searched(query, search: str):  # noqa: ANN001, ANN202
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern), func.lower(User.email).like(pattern)))
    return query


def count_users(*, session: Session, actor: Actor, search: str = "", cap: int = COUNT_CAP) -> CappedCount:
    require(actor, Perm.USERS_MANAGE)
    return capped_count(session, _searched(select(User.id), search), cap)


def list_users(
    *, session: Session, actor: Actor, search: str = "", after: tuple[str, int] | None = None, limit: int = 25
) -> UserPage:
    """Sorted by name, keyset-paginated on (lower(name), id)."""
    require(actor, Perm.USERS_MANAGE)
    limit = max(1, min(int(limit), 100))
    sort_key = func.lower(User.full_name)
    query = _searched(
        select(User, Customer)
        .join(Customer, Customer.id == User.customer_id, isouter=True)
        .order_by(sort_key, col(User.id))
        .limit(limit + 1), search)
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


def _log(session: Session, actor: Actor, user: User, kind: str, before: object = None, after: object = None) -> None:
    assert kind in USER_EVENT_KINDS, kind
    session.add(UserEvent(user_id=user.id, kind=kind, before=None if before is None else str(before)[:100],
                          after=None if after is None else str(after)[:100], actor_user_id=actor.user_id,
                          actor_name=actor.name))


def _active_admins(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, col(User.is_active))).one()


def _user_for_update(session: Session, user_id: object) -> User:
    user = session.get(User, user_id, with_for_update=True) if isinstance(user_id, int) else None
    if user is None:
        raise DomainError("users.not_found")
    return user


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Disabling ends every open session of the user: their next event finds no session.
    The last active administrator stays."""
    require(actor, Perm.USERS_MANAGE)
    if user_id == actor.user_id and not active:
        raise DomainError("users.self")
    user = session.get(User, user_id, with_for_update=True) if isinstance(user_id, int) else None
    if user is None:
        raise DomainError("users.not_found")
    if user.is_active == active:
        return user
    if not active and user.role == Role.ADMIN.value and _active_admins(session) <= 1:
        raise DomainError("users.last_admin")
    user.is_active = active
    session.add(user)
    _log(session, actor, user, "enabled" if active else "disabled")
    if not active:
        end_all_sessions(session=session, user_id=user.id, reason="disabled")
        void_password_links(session=session, user_id=user.id)
    return user


STAFF_ROLE_CHOICES = tuple(r.value for r in (Role.ADMIN, Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN))


@dataclass(frozen=True)
class StaffData:
    full_name: str
    email: str
    role: str
    language: str


def validate_staff(raw: Mapping) -> StaffData:
    """A new staff user's form: every wrong field gets its own message."""
    raw = raw if isinstance(raw, Mapping) else {}
    errors: dict[str, str] = {}
    full_name = " ".join(str(raw.get("full_name") or "").split())
    if not full_name:
        errors["full_name"] = N_("form.err.required")
    elif len(full_name) > 200:
        errors["full_name"] = N_("form.err.too_long")
    email = ""
    try:
        email = clean_email(str(raw.get("email") or "").strip() or None) or ""
    except ValueError:
        errors["email"] = N_("customer.err.email")
    if not email and "email" not in errors:
        errors["email"] = N_("form.err.required")
    role = raw.get("role")
    if role not in STAFF_ROLE_CHOICES:
        errors["role"] = N_("users.err.role")
    language = raw.get("language") or "it"
    if language not in LANGUAGES:
        errors["language"] = N_("common.error")
    if errors:
        raise DomainError(errors)
    return StaffData(full_name, email, role, language)


def invite_staff(*, session: Session, actor: Actor, raw: Mapping, settings: Settings | None = None) -> User:
    """A new staff user with no password: the invitation e-mail (through the outbox) lets them choose one."""
    require(actor, Perm.USERS_MANAGE)
    data = validate_staff(raw)
    if session.exec(select(User.id).where(func.lower(User.email) == data.email)).first() is not None:
        raise DomainError({"email": "users.email_taken"})
    user = User(email=data.email, full_name=data.full_name, role=data.role, language=data.language)
    session.add(user)
    session.flush()
    _log(session, actor, user, "created", after=data.role)
    _send_invitation(session, user, settings or get_settings())
    return user


def _send_invitation(session: Session, user: User, settings: Settings) -> None:
    token = issue_password_token(session=session, user=user, purpose="invite",
                                 valid_for=timedelta(hours=settings.invitation_link_hours), now=utcnow())
    lang = normalize_language(user.language)
    subject, body = mail_templates.render(
        session, "staff_invite", lang, name=user.full_name, role=t(f"role.{user.role}", lang),
        company=settings.company_name, hours=settings.invitation_link_hours,
        link=f"{settings.public_base_url}/set-password?token={token}", app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"invitation:{token_hash(token)}", to_address=user.email,
                   subject=subject, body_text=body, kind="invitation", link_token=token)


def set_role(*, session: Session, actor: Actor, user_id: int, role: str) -> User:
    """A staff user's role. Nobody changes their own, and the last active administrator stays one."""
    require(actor, Perm.USERS_MANAGE)
    if role not in STAFF_ROLE_CHOICES:
        raise DomainError({"role": "users.err.role"})
    if user_id == actor.user_id:
        raise DomainError("users.err.own_role")
    user = _user_for_update(session, user_id)
    if Role(user.role) not in STAFF_ROLES:
        raise DomainError("users.err.not_staff")
    if user.role == role:
        return user
    if user.role == Role.ADMIN.value and user.is_active and _active_admins(session) <= 1:
        raise DomainError("users.last_admin")
    before, user.role = user.role, role
    session.add(user)
    _log(session, actor, user, "role", before=before, after=role)
    # The new rights apply from the next sign-in: open sessions end now.
    end_all_sessions(session=session, user_id=user.id, reason="role")
    return user


def send_password_reset(*, session: Session, actor: Actor, user_id: int, settings: Settings | None = None) -> User:
    """An e-mail with a link to choose a new password (the current one keeps working until then)."""
    require(actor, Perm.USERS_MANAGE)
    settings = settings or get_settings()
    user = _user_for_update(session, user_id)
    if not user.is_active:
        raise DomainError("users.err.inactive")
    token = issue_password_token(session=session, user=user, purpose="reset",
                                 valid_for=timedelta(minutes=settings.reset_link_minutes))
    lang = normalize_language(user.language)
    subject, body = mail_templates.render(
        session, "reset", lang, name=user.full_name, minutes=settings.reset_link_minutes,
        link=f"{settings.public_base_url}/set-password?token={token}", app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"password-reset:{token_hash(token)}", to_address=user.email,
                   subject=subject, body_text=body, kind="password_reset", link_token=token)
    _log(session, actor, user, "reset_sent")
    return user


@dataclass(frozen=True)
class UserEventRow:
    id: int
    kind: str
    user_name: str
    before: str | None
    after: str | None
    actor_name: str
    created_at: datetime


def list_user_events(*, session: Session, actor: Actor, limit: int = 30) -> list[UserEventRow]:
    """The latest changes to accounts, newest first."""
    require(actor, Perm.USERS_MANAGE)
    limit = max(1, min(int(limit), 100))
    found = session.exec(
        select(UserEvent, User.full_name).join(User, col(User.id) == UserEvent.user_id)
        .order_by(col(UserEvent.id).desc()).limit(limit)
    ).all()
    return [UserEventRow(e.id, e.kind, name, e.before, e.after, e.actor_name, e.created_at) for e, name in found]


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
    before = user.grants
    grants = grants | {wanted} if granted is True else grants - {wanted}
    user.grants = " ".join(sorted(p.value for p in grants))
    session.add(user)
    if user.grants != before:
        _log(session, actor, user, "grant" if granted is True else "revoke", after=wanted.value)
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
