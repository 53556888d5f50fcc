"""The OpenAPI document against the app itself: whatever schemathesis generates from it, with a key of every
scope and a few customers in the registry, the API never fails with a 500 and answers as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from app.api.routes import api
from app.domain.permissions import Role
from app.services import consents, customers
from tests import factories
from tests.api.conftest import ALL_SCOPES, bearer

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api)
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.status_code_conformance,
          checks.content_type_conformance]


@pytest.fixture
def full_key(app_db, make_key, limiter) -> str:  # noqa: ARG001
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        consents.ensure_default_types(s)
        for raw in ({"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157",
                     "external_code": "ACME-1"},
                    {"kind": "private", "first_name": "Mario", "last_name": "Rossi", "email": "mario@example.com"},
                    {"kind": "private", "first_name": "Anna", "last_name": "Bianchi"}):
            customer = customers.create_customer(session=s, actor=office, raw=raw)
            customers.save_contact(session=s, actor=office, customer_id=customer.id,
                                   raw={"first_name": "Laura", "last_name": "Neri"})
    return make_key(*ALL_SCOPES)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case, full_key):
    case.call_and_validate(headers=bearer(full_key), checks=CHECKS)
