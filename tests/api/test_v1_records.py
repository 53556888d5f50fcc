"""REST API v1: a customer's consents, its orders through the credit checks, and the interventions."""

from __future__ import annotations

import pytest

from app.domain.permissions import Role, Scope
from app.models import ConsentEvent, SalesDocument
from app.services import consents, credit, customers, interventions
from tests import factories
from tests.api.conftest import bearer


@pytest.fixture
def acme(app_db) -> dict:
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        tech = factories.actor(s, Role.TECHNICIAN)
        consents.ensure_default_types(s)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157",
            "email": "info@acme.example"})
        contact = customers.save_contact(session=s, actor=office, customer_id=customer.id, raw={
            "first_name": "Anna", "last_name": "Bianchi", "email": "anna@acme.example"})
        site = customers.save_site(session=s, actor=office, customer_id=customer.id, raw={
            "name": "Magazzino", "street": "Via Roma 1", "cap": "20121", "city": "Milano", "province": "MI"})
        kind = interventions.list_types(session=s)[0]
        planned = [interventions.plan(session=s, actor=office, customer_id=customer.id, raw={
            "site_id": str(site.id), "type_id": str(kind.id), "technician_ids": [tech.user_id],
            "starts_at": f"2026-12-0{day}T09:00", "ends_at": f"2026-12-0{day}T11:00",
            "description": f"Controllo {day}"}).id for day in (2, 3, 4)]
        return {"id": customer.id, "contact": contact.id, "interventions": planned, "office": office}


def test_consents_are_read_and_recorded_with_source_api(client, make_key, app_db, acme):
    writer, reader = make_key(Scope.CONSENTS_WRITE), make_key(Scope.CONSENTS_READ)
    base = f"/api/v1/customers/{acme['id']}/consents"
    recorded = client.post(base, json={"type": "trattamento_dati", "state": "granted"}, headers=bearer(writer))
    assert recorded.status_code == 201 and recorded.json()["recorded"] is True
    assert recorded.json()["event"]["source"] == "api" and recorded.json()["event"]["recorded_by"] == "API · Shop"
    again = client.post(base, json={"type": "trattamento_dati", "state": "granted"}, headers=bearer(writer))
    assert again.status_code == 200 and again.json() == {"recorded": False, "event": None}
    contact = client.post(base, json={"type": "trattamento_dati", "state": "refused", "contact_id": acme["contact"]},
                          headers=bearer(writer))
    assert contact.status_code == 201
    current = client.get(base, headers=bearer(reader)).json()
    states = {(s["contact_id"], c["type_code"]): c["state"] for s in current for c in s["consents"]}
    assert states[(None, "trattamento_dati")] == "granted" and states[(acme["contact"], "trattamento_dati")] == "refused"
    history = client.get(f"{base}/history", params={"type": "trattamento_dati"}, headers=bearer(reader)).json()
    assert [e["state"] for e in history] == ["granted"]
    assert client.get(f"{base}/history", params={"type": "nope"}, headers=bearer(reader)).status_code == 404
    bad = client.post(base, json={"type": "trattamento_dati", "state": "maybe"}, headers=bearer(writer, "en"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "state"
    foreign = client.post(base, json={"type": "trattamento_dati", "state": "granted", "contact_id": 999},
                          headers=bearer(writer))
    assert foreign.status_code in (404, 422)
    assert client.get(f"/api/v1/customers/{acme['id'] + 50}/consents", headers=bearer(reader)).status_code == 404
    with app_db() as s:
        assert {e.source for e in s.query(ConsentEvent).all()} == {"api"}


def test_an_order_from_the_api_may_be_held_and_says_why(client, make_key, app_db, acme):
    key = make_key(Scope.DOCUMENTS_WRITE)
    with app_db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        credit.save_terms(session=s, actor=admin, customer_id=acme["id"],
                          raw={"credit_limit": "100", "payment_term": "", "shipping_costs": ""})
    path = f"/api/v1/customers/{acme['id']}/orders"
    line = {"description": "Scarponi", "quantity": "2", "unit_price": "80", "vat_rate": "22"}
    answer = client.post(path, json={"lines": [line]}, headers=bearer(key, "en"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["held"] is True and body["status"] == "held" and body["gross_total"] == "195.20"
    assert {r["code"] for r in body["reasons"]} >= {"over_limit", "web_shop"}
    assert all(r["label"] for r in body["reasons"])
    invalid = client.post(path, json={"lines": [{**line, "quantity": "-1"}]}, headers=bearer(key))
    assert invalid.status_code == 422 and invalid.json()["errors"]
    with app_db() as s:
        assert [d.status for d in s.query(SalesDocument).all()] == ["held"]


def test_interventions_are_listed_and_read(client, make_key, acme):
    key = make_key(Scope.INTERVENTIONS_READ)
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/interventions", params={"customer_id": acme["id"], "limit": 2,
                                                           **({"cursor": cursor} if cursor else {})},
                          headers=bearer(key)).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(acme["interventions"]))
    window = client.get("/api/v1/interventions", params={"from": "2026-12-03", "to": "2026-12-03"},
                        headers=bearer(key)).json()
    assert [i["description"] for i in window["items"]] == ["Controllo 3"]
    one = client.get(f"/api/v1/interventions/{acme['interventions'][0]}", headers=bearer(key))
    assert one.status_code == 200 and one.json()["site_name"] == "Magazzino" and one.json()["materials"] == []
    assert client.get("/api/v1/interventions/999999", headers=bearer(key)).status_code == 404
    assert client.get("/api/v1/interventions", params={"cursor": "bad"}, headers=bearer(key)).status_code == 400
    # Days and cursors at the far ends of the calendar are refused, never a server error.
    for params in ({"to": "9999-12-31"}, {"from": "0001-01-01"}):
        assert client.get("/api/v1/interventions", params=params, headers=bearer(key)).status_code == 422
    import base64
    import json
    far = base64.urlsafe_b64encode(json.dumps(["0001-01-01T00:00:00+01:00", 1]).encode()).decode()
    assert client.get("/api/v1/interventions", params={"cursor": far}, headers=bearer(key)).status_code == 400
