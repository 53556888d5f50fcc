"""Portal profiles: which reserved-area modules a user sees, in what order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.domain.errors import DomainError, Forbidden
from app.domain.inputs import ProfileInput, check_text
from app.domain.permissions import Actor, Perm, require
from app.domain.portal_modules import DEFAULT_PROFILE_CODE, MODULES, clean_modules, visible_modules
from app.i18n import N_
from app.models import PortalAccess, PortalProfile

_CODE = re.compile(r"^[A-Z0-9_-]{2,40}$")


def default_profile(session: Session) -> PortalProfile:
    """The default profile; created with every module if it is missing."""
    found = session.exec(select(PortalProfile).where(PortalProfile.is_default)).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(PortalProfile(code=DEFAULT_PROFILE_CODE, name="Predefinito", modules=",".join(MODULES),
                                      is_default=True))
    except IntegrityError:
        pass  # created meanwhile by another transaction
    return session.exec(select(PortalProfile).where(PortalProfile.is_default)).one()


@dataclass(frozen=True)
class ProfileRow:
    id: int
    code: str
    name: str
    modules: tuple[str, ...]
    is_default: bool


def list_profiles(*, session: Session, actor: Actor) -> list[ProfileRow]:
    require(actor, Perm.CUSTOMERS_READ)
    default_profile(session)
    return [
        ProfileRow(p.id, p.code, p.name, clean_modules(p.modules), p.is_default)
        for p in session.exec(select(PortalProfile).order_by(PortalProfile.is_default.desc(), PortalProfile.name))
    ]


def save_profile(
    *, session: Session, actor: Actor, raw: ProfileInput | Mapping, profile_id: int | None = None,
) -> PortalProfile:
    require(actor, Perm.SETTINGS_MANAGE)
    data, errors = ProfileInput.read(raw)
    code = (data.code or "").replace(" ", "").upper()
    if not _CODE.match(code):
        errors["code"] = N_("profiles.err.code")
    name = data.name
    check_text(name, "name", 120, errors, required=True)
    try:
        modules = clean_modules(data.modules)
    except DomainError as error:
        errors.update(error.errors)
        modules = ()
    holder = session.exec(select(PortalProfile.id).where(PortalProfile.code == code)).first()
    if holder is not None and holder != profile_id:
        errors["code"] = N_("profiles.err.code_taken")
    if errors:
        raise DomainError(errors)
    make_default = data.is_default
    if profile_id is None:
        profile = PortalProfile(code=code, name=name, modules=",".join(modules))
    else:
        profile = session.get(PortalProfile, profile_id)
        if profile is None:
            raise DomainError("profiles.not_found")
        if profile.is_default and not make_default:
            raise DomainError({"is_default": "profiles.err.keep_default"})
        profile.code, profile.name, profile.modules = code, name, ",".join(modules)
    if make_default and not profile.is_default:
        session.execute(update(PortalProfile).where(PortalProfile.is_default).values(is_default=False))
        profile.is_default = True
    session.add(profile)
    session.flush()
    return profile


def modules_for(*, session: Session, actor: Actor) -> list[str]:
    """The modules a reserved-area user sees, in their profile's order."""
    require(actor, Perm.PORTAL_ACCESS)
    access = session.get(PortalAccess, actor.user_id)
    profile = session.get(PortalProfile, access.profile_id) if access and access.profile_id else None
    profile = profile or default_profile(session)
    rights = {"may_see_contracts": bool(access and access.may_see_contracts)}
    return visible_modules(clean_modules(profile.modules), rights)


def require_module(*, session: Session, actor: Actor, module: str) -> Actor:
    """A reserved-area user may use a module only when their profile and rights show it."""
    if module not in modules_for(session=session, actor=actor):
        raise Forbidden()
    return actor
