import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import PortalProfile, User
from app.services import customers, portal_accesses, portal_profiles
from app.services.auth import actor_of
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        return {"office": office, "admin": admin, "acme": acme.id}


def access(db, world, **raw):
    with db(write=True) as s:
        saved = portal_accesses.save_access(session=s, actor=world["office"], customer_id=world["acme"], raw={
            "full_name": "Anna", "email": "anna@example.com", "active": "on", **raw})
        return actor_of(s.get(User, saved.user_id))


def test_without_a_profile_the_default_one_decides_and_contracts_need_the_right(db, world):
    anna = access(db, world)
    with db() as s:  # without "sees contracts" the contracts section is left out
        assert portal_profiles.modules_for(session=s, actor=anna) == [
            "interventions", "reports", "my_data", "consents", "reminders", "support"]
    with db(write=True) as s:
        portal_accesses.save_access(session=s, actor=world["office"], customer_id=world["acme"], user_id=anna.user_id,
                                    raw={"full_name": "Anna", "email": "anna@example.com", "active": "on",
                                         "may_see_contracts": "on"})
    with db() as s:
        assert portal_profiles.modules_for(session=s, actor=anna)[:3] == ["interventions", "contracts", "reports"]
        portal_profiles.require_module(session=s, actor=anna, module="contracts")


def test_the_profile_decides_which_modules_and_in_what_order(db, world):
    with db(write=True) as s:
        profile = portal_profiles.save_profile(session=s, actor=world["admin"], raw={
            "code": "ridotto", "name": "Ridotto", "modules": ["support", "my_data", "support"]})
    anna = access(db, world, profile_id=str(profile.id))
    with db() as s:
        assert portal_profiles.modules_for(session=s, actor=anna) == ["support", "my_data"]
        portal_profiles.require_module(session=s, actor=anna, module="support")
        with pytest.raises(Forbidden):
            portal_profiles.require_module(session=s, actor=anna, module="reminders")


def test_one_default_profile_always(db, world):
    with db(write=True) as s:
        default = portal_profiles.default_profile(s)
        with pytest.raises(DomainError) as err:
            portal_profiles.save_profile(session=s, actor=world["admin"], profile_id=default.id, raw={
                "code": default.code, "name": default.name, "modules": "my_data"})
        assert err.value.errors == {"is_default": "profiles.err.keep_default"}
    with db(write=True) as s:
        portal_profiles.save_profile(session=s, actor=world["admin"], raw={
            "code": "NUOVO", "name": "Nuovo", "modules": "support", "is_default": "on"})
    with db() as s:
        defaults = s.exec(select(PortalProfile).where(PortalProfile.is_default)).all()
    assert [p.code for p in defaults] == ["NUOVO"]


def test_profiles_are_managed_by_administrators_with_valid_modules(db, world):
    with db(write=True) as s, pytest.raises(Forbidden):
        portal_profiles.save_profile(session=s, actor=world["office"], raw={"code": "X1", "name": "X",
                                                                             "modules": "support"})
    for modules in ("", "shop", ["support", 3], None):
        with db(write=True) as s, pytest.raises(DomainError) as err:
            portal_profiles.save_profile(session=s, actor=world["admin"], raw={"code": "X1", "name": "X",
                                                                                "modules": modules})
        assert "modules" in err.value.errors
    with pytest.raises(DomainError) as err:
        access(db, world, profile_id="999999")
    assert err.value.errors == {"profile_id": "accesses.err.profile"}
