"""REST API v1, customers: keys and scopes on every route, ETag / If-Match, problem+json in the caller's
language, the rate limit, and changes that go through the field rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.api.v1 import core
from app.api.v1.ratelimit import RateLimiter
from app.domain.permissions import Role, Scope
from app.models import ChangeRequestItem, Movement
from app.models.base import utcnow
from app.services import api_keys, change_requests, consents, customers
from app.settings import get_settings
from tests import factories
from tests.api.conftest import ALL_SCOPES, bearer

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "external_code": "ab-1"}


@pytest.fixture
def acme(app_db) -> int:
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=ACME)
        customers.save_contact(session=s, actor=office, customer_id=customer.id,
                               raw={"first_name": "Anna", "last_name": "Bianchi", "email": "anna@acme.example"})
        return customer.id


def routes(customer_id: int) -> list[tuple[str, str, Scope, dict | None, dict]]:
    """Every route: method, path, the scope it needs, a JSON body, extra headers."""
    base = f"/api/v1/customers/{customer_id}"
    return [
        ("GET", "/api/v1/customers", Scope.CUSTOMERS_READ, None, {}),
        ("GET", "/api/v1/customers/changes", Scope.CUSTOMERS_READ, None, {}),
        ("GET", "/api/v1/customers/by-external-code/AB-1", Scope.CUSTOMERS_READ, None, {}),
        ("GET", base, Scope.CUSTOMERS_READ, None, {}),
        ("POST", "/api/v1/customers", Scope.CUSTOMERS_WRITE,
         {"kind": "private", "first_name": "Mario", "last_name": "Verdi"}, {}),
        ("PATCH", base, Scope.CUSTOMERS_WRITE, {"phone": "02 1234567"}, {"If-Match": '"1"'}),
        ("GET", f"{base}/consents", Scope.CONSENTS_READ, None, {}),
        ("GET", f"{base}/consents/history?type=trattamento_dati", Scope.CONSENTS_READ, None, {}),
        ("POST", f"{base}/consents", Scope.CONSENTS_WRITE, {"type": "trattamento_dati", "state": "granted"}, {}),
        ("POST", f"{base}/orders", Scope.DOCUMENTS_WRITE,
         {"lines": [{"description": "Scarponi", "quantity": "2", "unit_price": "80", "vat_rate": "22"}]}, {}),
        ("GET", "/api/v1/interventions", Scope.INTERVENTIONS_READ, None, {}),
        ("GET", "/api/v1/interventions/999", Scope.INTERVENTIONS_READ, None, {}),
    ]


def _call(client, method, path, key=None, body=None, headers=None, lang=None):  # noqa: ANN001, ANN202
    sent = {**(bearer(key, lang) if key else ({"Accept-Language": lang} if lang else {})), **(headers or {})}
    return client.request(method, path, json=body, headers=sent)


def _is_problem(answer, status: int) -> dict:  # noqa: ANN001
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["title"] and body["detail"] and isinstance(body["errors"], list)
    return body


def test_every_route_needs_a_valid_key_with_its_scope(client, make_key, acme, app_db):
    with app_db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        consents.ensure_default_types(s)
        revoked = api_keys.create_key(session=s, actor=admin, name="Old", scopes=[x.value for x in ALL_SCOPES])
        api_keys.revoke_key(session=s, actor=admin, key_id=revoked.id)
    yesterday = utcnow().date() - timedelta(days=1)
    expired = make_key(*ALL_SCOPES, expires_on=yesterday, today=yesterday - timedelta(days=1))
    for method, path, scope, body, headers in routes(acme):
        for key in (None, "rk_00000000_" + "A" * 43, revoked.key, expired):
            _is_problem(_call(client, method, path, key, body, headers), 401)
        others = make_key(*(s for s in ALL_SCOPES if s is not scope))
        refused = _is_problem(_call(client, method, path, others, body, headers, lang="en"), 403)
        assert scope.value in refused["detail"]
        answer = _call(client, method, path, make_key(scope), body, headers)
        assert answer.status_code not in (401, 403, 500), (method, path, answer.text)


def test_a_key_reads_customers_with_contacts_and_an_etag(client, make_key, acme):
    key = make_key(Scope.CUSTOMERS_READ)
    card = client.get(f"/api/v1/customers/{acme}", headers=bearer(key))
    assert card.status_code == 200 and card.headers["etag"] == '"1"'
    body = card.json()
    assert body["display_name"] == "Acme S.r.l." and body["external_code"] == "AB-1" and body["country"] == "IT"
    assert [c["first_name"] for c in body["contacts"]] == ["Anna"] and body["sites"] == []
    assert body["updated_at"].endswith("Z")
    same = client.get(f"/api/v1/customers/{acme}", headers={**bearer(key), "If-None-Match": '"1"'})
    assert same.status_code == 304 and same.headers["etag"] == '"1"'
    by_code = client.get("/api/v1/customers/by-external-code/ ab-1", headers=bearer(key))
    assert by_code.status_code == 200 and by_code.json()["id"] == acme
    missing = _is_problem(client.get("/api/v1/customers/by-external-code/nope", headers=bearer(key, "en")), 404)
    assert missing["detail"] == "Customer not found." or "not found" in missing["detail"].lower()
    _is_problem(client.get(f"/api/v1/customers/{acme + 100}", headers=bearer(key)), 404)
    _is_problem(client.get("/api/v1/customers/abc", headers=bearer(key)), 422)


def test_the_list_is_the_office_search_a_cursor_at_a_time(client, make_key, app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for name in ("Delta", "Alfa", "Charlie", "Bravo", "Echo"):
            customers.create_customer(session=s, actor=office, raw={"kind": "private", "first_name": "Ada",
                                                                     "last_name": name})
    key = make_key(Scope.CUSTOMERS_READ)
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/customers", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=bearer(key)).json()
        seen += [c["last_name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Alfa", "Bravo", "Charlie", "Delta", "Echo"]
    found = client.get("/api/v1/customers", params={"q": "char"}, headers=bearer(key)).json()
    assert [c["display_name"] for c in found["items"]] == ["Charlie Ada"] or len(found["items"]) == 1
    for bad in ("nonsense", "W10", "WyJhIiwiYiIsImMiXQ"):
        _is_problem(client.get("/api/v1/customers", params={"cursor": bad}, headers=bearer(key)), 400)
    invalid = _is_problem(client.get("/api/v1/customers", params={"limit": 0, "kind": "x"}, headers=bearer(key)), 422)
    assert {e["field"] for e in invalid["errors"]} == {"limit", "kind"}


def test_the_changes_feed_returns_what_changed_after_the_cursor(client, make_key, app_db, acme):
    key = make_key(Scope.CUSTOMERS_READ)
    first = client.get("/api/v1/customers/changes", headers=bearer(key)).json()
    assert [c["id"] for c in first["items"]] == [acme] and "contacts" not in first["items"][0]
    again = client.get("/api/v1/customers/changes", params={"after": first["next"]}, headers=bearer(key)).json()
    assert again["items"] == [] and again["next"] == first["next"]
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        other = customers.create_customer(session=s, actor=office, raw={"kind": "private", "first_name": "Eva",
                                                                          "last_name": "Neri"}).id
        customers.update_customer(session=s, actor=office, customer_id=acme, raw={**ACME, "city": "Milano"},
                                  expected_version=1)
    changed = client.get("/api/v1/customers/changes", params={"after": first["next"], "limit": 1},
                         headers=bearer(key)).json()
    assert [c["id"] for c in changed["items"]] == [other]
    rest = client.get("/api/v1/customers/changes", params={"after": changed["next"]}, headers=bearer(key)).json()
    assert [(c["id"], c["city"], c["version"]) for c in rest["items"]] == [(acme, "Milano", 2)]


def test_creating_checks_duplicates_unless_confirmed(client, make_key, app_db, acme):
    key = make_key(Scope.CUSTOMERS_WRITE)
    twin = {"kind": "business", "company_name": "Acme Due", "vat_number": "IT00743110157"}
    refused = _is_problem(client.post("/api/v1/customers", json=twin, headers=bearer(key)), 409)
    assert [d["id"] for d in refused["duplicates"]] == [acme]
    made = client.post("/api/v1/customers?confirm_duplicates=true", json=twin, headers=bearer(key))
    assert made.status_code == 201 and made.headers["etag"] == '"1"'
    assert made.headers["location"] == f"/api/v1/customers/{made.json()['id']}"
    with app_db() as s:
        movement = s.query(Movement).filter(Movement.customer_id == made.json()["id"]).one()
    assert (movement.source, movement.actor_name, movement.actor_user_id) == ("api", "API · Shop", None)


def test_invalid_fields_come_back_per_field_in_the_callers_language(client, make_key):
    key = make_key(Scope.CUSTOMERS_WRITE)
    body = {"kind": "business", "company_name": "X", "vat_number": "123", "email": "not-an-email"}
    italian = _is_problem(client.post("/api/v1/customers", json=body, headers=bearer(key)), 422)
    english = _is_problem(client.post("/api/v1/customers", json=body, headers=bearer(key, "en-GB,en;q=0.9")), 422)
    assert {e["field"] for e in italian["errors"]} == {"vat_number", "email"} == {e["field"] for e in english["errors"]}
    assert italian["errors"] != english["errors"] and italian["title"] != english["title"]
    assert english["title"] == "Invalid data" and italian["title"] == "Dati non validi"
    unknown = _is_problem(client.post("/api/v1/customers", json={"kind": "alien"}, headers=bearer(key, "en")), 422)
    assert unknown["errors"][0]["field"] == "kind"
    _is_problem(client.post("/api/v1/customers", content=b"{", headers={**bearer(key), "content-type":
                                                                        "application/json"}), 422)


def test_an_update_needs_the_current_version(client, make_key, acme):
    key = make_key(Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE)
    path = f"/api/v1/customers/{acme}"
    _is_problem(client.patch(path, json={"phone": "02 1234567"}, headers=bearer(key)), 428)
    stale = _is_problem(client.patch(path, json={"phone": "02 1234567"}, headers={**bearer(key), "If-Match": '"7"'}),
                        412)
    assert stale["current_version"] == 1
    _is_problem(client.patch(path, json={"phone": "02 1234567"}, headers={**bearer(key), "If-Match": "junk"}), 412)
    done = client.patch(path, json={"phone": "02 1234567"}, headers={**bearer(key), "If-Match": 'W/"1"'})
    assert done.status_code == 200 and done.headers["etag"] == '"2"'
    # Not a field a change request can ask for: refused before anything is read.
    _is_problem(client.patch(path, json={"notes": "x"}, headers={**bearer(key), "If-Match": '"2"'}), 422)
    same = client.patch(path, json={"phone": "+39 02 1234567"}, headers={**bearer(key), "If-Match": '"2"'})
    assert same.status_code == 200 and same.json()["request_id"] is None and same.headers["etag"] == '"2"'


def test_an_update_is_applied_held_or_refused_per_field(client, make_key, app_db, acme):
    with app_db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        change_requests.save_policies(session=s, actor=admin, review_enabled=True,
                                      choices={"email:api": "refuse"})
    key = make_key(Scope.CUSTOMERS_WRITE)
    answer = client.patch(f"/api/v1/customers/{acme}", headers={**bearer(key), "If-Match": '"1"'},
                          json={"phone": "02 1234567", "company_name": "Acme S.p.A.", "email": "info@acme.example"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["applied"], body["pending"], body["refused"]) == (["phone"], ["company_name"], ["email"])
    assert body["customer"]["phone"] == "+39021234567" and body["customer"]["company_name"] == "Acme S.r.l."
    assert body["customer"]["version"] == 2
    with app_db() as s:
        items = {i.field: i.state for i in s.query(ChangeRequestItem).all()}
        assert items == {"phone": "applied", "company_name": "pending", "email": "refused"}
        sources = {m.source for m in s.query(Movement).filter(Movement.customer_id == acme,
                                                              Movement.kind.like("request.%"))}
        names = {m.actor_name for m in s.query(Movement).filter(Movement.source == "api")}
    assert sources == {"api"} and names == {"API · Shop"}


def test_the_docs_and_the_document_are_public(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.1")
    assert "ApiKey" in document.json()["components"]["securitySchemes"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "openapi.json" in page.text and "cdn" not in page.text.lower()
    _is_problem(client.get("/api/v1/nowhere"), 404)


def test_a_key_is_refused_beyond_its_rate(client, make_key, monkeypatch, acme):  # noqa: ARG001
    now = [60.0 * 16_000]  # the start of a minute
    limited = RateLimiter(3, clock=lambda: now[0])
    monkeypatch.setattr(core, "limiter", lambda: limited)
    key, other = make_key(Scope.CUSTOMERS_READ), make_key(Scope.CUSTOMERS_READ, name="ERP")
    for _ in range(3):
        assert client.get("/api/v1/customers", headers=bearer(key)).status_code == 200
    now[0] += 15
    refused = _is_problem(client.get("/api/v1/customers", headers=bearer(key, "en")), 429)
    assert refused["detail"] == "Too many requests with this key: try again in 45 seconds."
    assert client.get("/api/v1/customers", headers=bearer(key)).headers["retry-after"] == "45"
    assert client.get("/api/v1/customers", headers=bearer(other)).status_code == 200
    now[0] += 45
    assert client.get("/api/v1/customers", headers=bearer(key)).status_code == 200


@pytest.mark.skipif(not get_settings().redis_url, reason="needs REDIS_URL")
def test_the_rate_is_counted_in_redis_across_workers():
    # Two limiters stand for two worker processes: the second sees the first one's requests.
    url = get_settings().redis_url
    first, second = RateLimiter(3, url), RateLimiter(3, url)
    name = f"test-{date.today().isoformat()}-{id(first)}"
    assert [first.hit(name).allowed, second.hit(name).allowed, first.hit(name).allowed] == [True] * 3
    assert not second.hit(name).allowed and second.hit(name).retry_after >= 1


def test_control_characters_in_a_search_or_a_code_are_no_server_error(client, make_key, app_db):
    with app_db(write=True) as s:
        customers.create_customer(session=s, actor=factories.actor(s, Role.OFFICE), raw={
            "kind": "private", "first_name": "Ada", "last_name": "Rossi"})
    key = make_key(Scope.CUSTOMERS_READ)
    found = client.get("/api/v1/customers", params={"q": "ros\x00si"}, headers=bearer(key))
    assert found.status_code == 200 and [c["last_name"] for c in found.json()["items"]] == ["Rossi"]
    assert client.get("/api/v1/customers/by-external-code/A%00B", headers=bearer(key)).status_code == 404
