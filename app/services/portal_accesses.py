"""Reserved-area accesses: any number of users per customer, each with what they receive and see,
invited by e-mail with a single-use link; turning access off ends their sessions at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.domain.customer_rules import clean_email
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import REQUIRED, AccessInput, check_text
from app.domain.permissions import Actor, Perm, Role, require_customer_record
from app.domain.vocabularies import AccessVisibility
from app.i18n import LANGUAGES, N_, normalize_language, t
from app.models import Customer, PasswordToken, PortalAccess, PortalProfile, User
from app.models.base import as_utc, utcnow
from app.services import mail_templates, movements, outbox
from app.services.auth import end_all_sessions, issue_password_token, void_password_links
from app.services.security import token_hash
from app.settings import Settings, get_settings

VISIBILITIES = AccessVisibility.values()
FLAGS = ("receives_reminders", "receives_signed_sheets", "may_see_contracts")
# What an access's movements record field by field: the timeline labels each one.
RECORDED_FIELDS = ("full_name", "email", "language", "active", *FLAGS, "visibility", "profile_id")
INVITATION_STATES = ("none", "sent", "expired", "accepted")


@dataclass(frozen=True)
class AccessData:
    full_name: str
    email: str
    language: str
    active: bool
    receives_reminders: bool
    receives_signed_sheets: bool
    may_see_contracts: bool
    visibility: str


def validate_access(raw: AccessInput | Mapping) -> AccessData:
    data, errors = AccessInput.read(raw)
    check_text(data.full_name, "full_name", 200, errors, required=True)
    email = ""
    if "email" not in errors:
        try:
            email = clean_email(data.email) or ""
        except ValueError:
            errors["email"] = N_("customer.err.email")
    if not email and "email" not in errors:
        errors["email"] = REQUIRED
    language = data.language or "it"
    if language not in LANGUAGES:
        errors["language"] = N_("accesses.err.language")
    visibility = data.visibility or AccessVisibility.OWN.value
    if visibility not in VISIBILITIES:
        errors["visibility"] = N_("accesses.err.visibility")
    if errors:
        raise DomainError(errors)
    return AccessData(
        full_name=data.full_name, email=email, language=language, active=data.active,
        receives_reminders=data.receives_reminders, receives_signed_sheets=data.receives_signed_sheets,
        may_see_contracts=data.may_see_contracts, visibility=visibility,
    )


@dataclass(frozen=True)
class AccessRow:
    user_id: int
    full_name: str
    email: str
    language: str
    active: bool
    receives_reminders: bool
    receives_signed_sheets: bool
    may_see_contracts: bool
    visibility: str
    profile_id: int | None
    invitation: str  # one of INVITATION_STATES
    invited_at: datetime | None
    last_login_at: datetime | None


def _invitation_state(session: Session, user: User, access: PortalAccess, now: datetime) -> str:
    if user.password_hash:
        return "accepted"
    if access.invited_at is None:
        return "none"
    link = session.exec(select(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == "invite",
    ).order_by(col(PasswordToken.id).desc()).limit(1)).first()
    if link is None or link.used_at is not None:
        return "expired"
    return "sent" if now < as_utc(link.expires_at) else "expired"


def list_accesses(*, session: Session, actor: Actor, customer_id: int, now: datetime | None = None) -> list[AccessRow]:
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    now = now or utcnow()
    found = session.exec(
        select(User, PortalAccess).join(PortalAccess, PortalAccess.user_id == User.id)
        .where(PortalAccess.customer_id == customer_id).order_by(func.lower(User.full_name), User.id)
    ).all()
    return [
        AccessRow(
            user_id=u.id, full_name=u.full_name, email=u.email, language=u.language, active=u.is_active,
            receives_reminders=a.receives_reminders, receives_signed_sheets=a.receives_signed_sheets,
            may_see_contracts=a.may_see_contracts, visibility=a.visibility, profile_id=a.profile_id,
            invitation=_invitation_state(session, u, a, now), invited_at=a.invited_at, last_login_at=u.last_login_at,
        )
        for u, a in found
    ]


def _access_of(session: Session, customer_id: int, user_id: int) -> tuple[User, PortalAccess]:
    access = session.get(PortalAccess, user_id)
    user = session.get(User, user_id)
    if access is None or user is None or access.customer_id != customer_id or user.customer_id != customer_id:
        raise DomainError("accesses.not_found")
    return user, access


@dataclass(frozen=True)
class SavedAccess:
    user_id: int
    email: str
    invited: bool


def save_access(
    *, session: Session, actor: Actor, customer_id: int, raw: AccessInput | Mapping, user_id: int | None = None,
    settings: Settings | None = None,
) -> SavedAccess:
    """Adds or changes a reserved-area user. Turning access on sends the invitation; turning it off
    ends the user's open sessions and voids their links. Each change is a movement."""
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    if session.get(Customer, customer_id) is None:
        raise DomainError("customer.not_found")
    data = validate_access(raw)
    profile_id = _profile_choice(session, AccessInput.parse(raw).profile_id)
    holder = session.exec(select(User.id).where(func.lower(User.email) == data.email)).first()
    if holder is not None and holder != user_id:
        raise DomainError({"email": "users.email_taken"})
    if user_id is None:
        user = User(email=data.email, full_name=data.full_name, role=Role.CUSTOMER.value, customer_id=customer_id,
                    language=data.language, is_active=data.active)
        session.add(user)
        session.flush()
        access = PortalAccess(user_id=user.id, customer_id=customer_id)
        before: dict[str, object] = {}
        was_active = False
    else:
        user, access = _access_of(session, customer_id, user_id)
        before = _snapshot(user, access)
        was_active = user.is_active
    user.full_name, user.email, user.language, user.is_active = data.full_name, data.email, data.language, data.active
    for flag in FLAGS:
        setattr(access, flag, getattr(data, flag))
    access.visibility = data.visibility
    access.profile_id = profile_id
    session.add_all([user, access])
    session.flush()
    after = _snapshot(user, access)
    if not before:
        movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                         kind="access.added", summary=f"{user.full_name} <{user.email}>")
    for name, value in after.items():
        if before and before[name] != value:
            movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                             kind="access.updated", field=f"access.{name}", before=before[name], after=value,
                             summary=user.full_name)
    invited = data.active and not was_active
    if invited:
        _invite(session, user, access, settings or get_settings())
    elif was_active and not data.active:
        end_all_sessions(session=session, user_id=user.id, reason="access_off")
        void_password_links(session=session, user_id=user.id)
    return SavedAccess(user.id, user.email, invited)


def _snapshot(user: User, access: PortalAccess) -> dict[str, object]:
    values = {"full_name": user.full_name, "email": user.email, "language": user.language, "active": user.is_active}
    return {name: values[name] if name in values else getattr(access, name) for name in RECORDED_FIELDS}


def _profile_choice(session: Session, raw: object) -> int | None:
    """None for the default profile; otherwise an existing profile's id."""
    if raw in (None, "", "default"):
        return None
    profile_id = parse_id(raw)
    if profile_id is None or session.get(PortalProfile, profile_id) is None:
        raise DomainError({"profile_id": "accesses.err.profile"})
    return profile_id


def resend_invitation(
    *, session: Session, actor: Actor, customer_id: int, user_id: int, settings: Settings | None = None,
) -> None:
    """A new link (the previous one stops working) for a user who has not set a password yet."""
    require_customer_record(actor, Perm.CUSTOMERS_WRITE, customer_id)
    user, access = _access_of(session, customer_id, user_id)
    if not user.is_active:
        raise DomainError("accesses.resend_inactive")
    if user.password_hash:
        raise DomainError("accesses.resend_accepted")
    _invite(session, user, access, settings or get_settings())
    movements.record(session=session, customer_id=customer_id, actor=actor, source="office",
                     kind="access.invited", summary=f"{user.full_name} <{user.email}>")


def _invite(session: Session, user: User, access: PortalAccess, settings: Settings) -> None:
    """The invitation is asked for by the office, so "block automatic e-mails" does not stop it."""
    now = utcnow()
    valid_for = timedelta(hours=settings.invitation_link_hours)
    token = issue_password_token(session=session, user=user, purpose="invite", valid_for=valid_for, now=now)
    access.invited_at = now
    session.add(access)
    lang = normalize_language(user.language)
    app_name = t("app.name", lang)
    customer = session.get(Customer, user.customer_id)
    subject, body = mail_templates.render(
        session, "invite", lang, name=user.full_name, customer=customer.display_name, company=settings.company_name,
        hours=settings.invitation_link_hours,
        link=f"{settings.public_base_url}/set-password?token={token}", app=app_name)
    outbox.enqueue(session=session, dedupe_key=f"invitation:{token_hash(token)}", to_address=user.email,
                   subject=subject, body_text=body, kind="invitation", link_token=token)
