import pytest

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import (
    ROLE_PERMISSIONS,
    Actor,
    Perm,
    Role,
    grantable_to,
    has_perm,
    home_path,
    require,
    require_customer_record,
)


def make(role: Role, customer_id: int | None = None) -> Actor:
    return Actor(user_id=1, role=role, customer_id=customer_id, name="x", language="it")


def test_nobody_is_refused_everything():
    for perm in Perm:
        assert not has_perm(None, perm)
        with pytest.raises(NotSignedIn):
            require(None, perm)


def test_every_role_has_an_explicit_list_and_a_home():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert home_path(Role.ADMIN) == "/office"
    assert home_path(Role.CREDIT_MANAGER) == "/office/credit"
    assert home_path(Role.TECHNICIAN) == "/field"
    assert home_path(Role.CUSTOMER) == "/portal"


def test_customer_users_have_no_office_permission():
    customer = make(Role.CUSTOMER, 5)
    for perm in (Perm.OFFICE_ACCESS, Perm.OUTBOX_READ, Perm.USERS_MANAGE, Perm.CUSTOMERS_READ, Perm.FIELD_ACCESS):
        with pytest.raises(Forbidden):
            require(customer, perm)


def test_only_admin_reads_outbox_and_manages_users():
    assert has_perm(make(Role.ADMIN), Perm.OUTBOX_READ)
    for role in (Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN, Role.CUSTOMER):
        assert not has_perm(make(role, 1 if role is Role.CUSTOMER else None), Perm.USERS_MANAGE)


def test_customer_record_belongs_to_own_customer():
    customer = make(Role.CUSTOMER, 5)
    assert require_customer_record(customer, Perm.PORTAL_ACCESS, 5) is customer
    for other in (6, None):
        with pytest.raises(Forbidden):
            require_customer_record(customer, Perm.PORTAL_ACCESS, other)
    office = make(Role.OFFICE)
    assert require_customer_record(office, Perm.CUSTOMERS_READ, 6) is office


def test_what_a_right_builds_on_decides_whom_it_can_be_given_to():
    assert grantable_to(Role.CREDIT_MANAGER, Perm.CONSENTS_RECORD)
    assert not grantable_to(Role.TECHNICIAN, Perm.CONSENTS_RECORD)
    assert not grantable_to(Role.OFFICE, Perm.CONSENTS_RECORD)  # already by role
    assert not grantable_to(Role.CUSTOMER, Perm.CONSENTS_RECORD)
    assert not grantable_to(Role.CREDIT_MANAGER, Perm.USERS_MANAGE)
