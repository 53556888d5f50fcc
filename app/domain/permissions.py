"""Who may do what. Deny by default: a permission not granted to a role here does not exist for it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import Forbidden, NotSignedIn


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    CREDIT_MANAGER = "credit_manager"
    TECHNICIAN = "technician"
    CUSTOMER = "customer"
    # Another program calling the REST API with a key: it may do exactly what the key's scopes allow.
    INTEGRATION = "integration"


STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN})


class Area(StrEnum):
    OFFICE = "office"
    FIELD = "field"
    PORTAL = "portal"


class Perm(StrEnum):
    OFFICE_ACCESS = "office.access"
    FIELD_ACCESS = "field.access"
    PORTAL_ACCESS = "portal.access"
    OUTBOX_READ = "outbox.read"
    USERS_MANAGE = "users.manage"
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    OWN_ACCOUNT = "account.own"
    # Customers ask for changes to their own data; office staff decide on them.
    CHANGES_REQUEST = "changes.request"
    CHANGES_DECIDE = "changes.decide"
    SETTINGS_MANAGE = "settings.manage"
    CONSENTS_RECORD = "consents.record"
    # A customer user's own consents and their company's, from the reserved area.
    CONSENTS_OWN = "consents.own"
    TICKETS_ANSWER = "tickets.answer"
    # Setting and lifting a customer's blocks (credit control).
    BLOCKS_MANAGE = "blocks.manage"
    # Payments and unpaid items on a customer's receivables.
    RECEIVABLES_MANAGE = "receivables.manage"
    # Planning, rescheduling and cancelling interventions.
    INTERVENTIONS_PLAN = "interventions.plan"
    # Doing the interventions assigned to oneself: start, work, photos, the customer's signature.
    INTERVENTIONS_WORK = "interventions.work"
    # Erasing a customer's or a contact's personal data for good: administrators only, never granted.
    ANONYMIZE = "customers.anonymize"


_OFFICE_BASE = {Perm.OFFICE_ACCESS, Perm.CUSTOMERS_READ, Perm.OWN_ACCOUNT}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(_OFFICE_BASE | {
        Perm.OUTBOX_READ, Perm.USERS_MANAGE, Perm.CUSTOMERS_WRITE, Perm.CHANGES_DECIDE, Perm.SETTINGS_MANAGE,
        Perm.CONSENTS_RECORD, Perm.TICKETS_ANSWER, Perm.BLOCKS_MANAGE, Perm.RECEIVABLES_MANAGE,
        Perm.INTERVENTIONS_PLAN, Perm.ANONYMIZE,
    }),
    Role.OFFICE: frozenset(_OFFICE_BASE | {
        Perm.CUSTOMERS_WRITE, Perm.CHANGES_DECIDE, Perm.CONSENTS_RECORD, Perm.TICKETS_ANSWER, Perm.RECEIVABLES_MANAGE,
        Perm.INTERVENTIONS_PLAN,
    }),
    Role.CREDIT_MANAGER: frozenset(_OFFICE_BASE | {Perm.BLOCKS_MANAGE, Perm.RECEIVABLES_MANAGE}),
    Role.TECHNICIAN: frozenset({Perm.FIELD_ACCESS, Perm.OWN_ACCOUNT, Perm.INTERVENTIONS_WORK}),
    Role.CUSTOMER: frozenset({Perm.PORTAL_ACCESS, Perm.OWN_ACCOUNT, Perm.CHANGES_REQUEST, Perm.CONSENTS_OWN}),
    # Nothing by role: an integration's rights are its key's scopes (`Actor.scopes`, see SCOPE_PERMISSIONS).
    Role.INTEGRATION: frozenset(),
}


class Scope(StrEnum):
    """What an API key may be allowed to do; an API route names the one it needs."""

    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    CONSENTS_READ = "consents:read"
    CONSENTS_WRITE = "consents:write"
    DOCUMENTS_WRITE = "documents:write"
    INTERVENTIONS_READ = "interventions:read"


# The services' permissions a scope needs: reading a consent, an order's customer or an intervention goes
# through the customer's record. The route checks the scope itself first, so that a key with
# documents:write alone still cannot edit a customer through the customer routes.
SCOPE_PERMISSIONS: dict[Scope, frozenset[Perm]] = {
    Scope.CUSTOMERS_READ: frozenset({Perm.CUSTOMERS_READ}),
    Scope.CUSTOMERS_WRITE: frozenset({Perm.CUSTOMERS_READ, Perm.CUSTOMERS_WRITE}),
    Scope.CONSENTS_READ: frozenset({Perm.CUSTOMERS_READ}),
    Scope.CONSENTS_WRITE: frozenset({Perm.CUSTOMERS_READ, Perm.CONSENTS_RECORD}),
    Scope.DOCUMENTS_WRITE: frozenset({Perm.CUSTOMERS_READ, Perm.CUSTOMERS_WRITE}),
    Scope.INTERVENTIONS_READ: frozenset({Perm.CUSTOMERS_READ}),
}


def parse_scopes(stored: object) -> frozenset[Scope]:
    """The scopes stored on a key ("customers:read consents:read") or sent by a form; anything else is ignored."""
    if isinstance(stored, str):
        words = stored.split()
    else:
        words = stored if isinstance(stored, list | tuple | set | frozenset) else ()
    known = {scope.value for scope in Scope}
    return frozenset(Scope(w) for w in words if isinstance(w, str) and w in known)

# Rights an administrator may give one staff user on top of their role.
GRANTABLE: frozenset[Perm] = frozenset({Perm.CONSENTS_RECORD})
# What a grantable right builds on: consents are recorded on a customer's card, which a technician never opens.
GRANT_NEEDS: dict[Perm, Perm] = {Perm.CONSENTS_RECORD: Perm.CUSTOMERS_READ}


def grantable_to(role: Role, perm: Perm) -> bool:
    """Whether `perm` can be given on top of `role`: a staff role that has not got it already and has what
    it builds on."""
    has = ROLE_PERMISSIONS.get(role, frozenset())
    return (role in STAFF_ROLES and perm in GRANTABLE and perm not in has
            and GRANT_NEEDS.get(perm, perm) in has | {perm})


def parse_grants(stored: str | None) -> frozenset[Perm]:
    """The grants stored on a user row ("consents.record ..."); anything not grantable is ignored."""
    return frozenset(p for p in GRANTABLE if p.value in (stored or "").split())


AREA_OF_ROLE: dict[Role, Area] = {
    Role.ADMIN: Area.OFFICE,
    Role.OFFICE: Area.OFFICE,
    Role.CREDIT_MANAGER: Area.OFFICE,
    Role.TECHNICIAN: Area.FIELD,
    Role.CUSTOMER: Area.PORTAL,
}
# An integration never signs in to an area: it only calls the REST API.


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a use case runs."""

    user_id: int | None
    role: Role
    customer_id: int | None
    name: str
    language: str
    grants: frozenset[Perm] = frozenset()
    # An API key's scopes (Role.INTEGRATION only) and the key's id; its `user_id` is None: no person acted.
    scopes: frozenset[Scope] = frozenset()
    api_key_id: int | None = None

    @property
    def area(self) -> Area:
        return AREA_OF_ROLE[self.role]

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def has_perm(actor: Actor | None, perm: Perm) -> bool:
    if actor is None:
        return False
    if actor.role is Role.INTEGRATION:
        return any(perm in SCOPE_PERMISSIONS[scope] for scope in actor.scopes)
    return perm in ROLE_PERMISSIONS.get(actor.role, frozenset()) or (perm in actor.grants
                                                                   and grantable_to(actor.role, perm))


def require(actor: Actor | None, perm: Perm) -> Actor:
    if actor is None:
        raise NotSignedIn()
    if not has_perm(actor, perm):
        raise Forbidden()
    return actor


def require_customer_record(actor: Actor | None, perm: Perm, customer_id: int | None) -> Actor:
    """Staff with the permission may touch any customer's record; a customer user only their own."""
    actor = require(actor, perm)
    if actor.role is Role.CUSTOMER and (customer_id is None or actor.customer_id != customer_id):
        raise Forbidden()
    return actor


def home_path(role: Role) -> str:
    """Where a user lands after signing in: their area's home; the credit manager's work is credit control."""
    if role is Role.CREDIT_MANAGER:
        return "/office/credit"
    return f"/{AREA_OF_ROLE[role].value}"
