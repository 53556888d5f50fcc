"""Webhooks: written with the change they tell of, once per event, delivered signed to a real local HTTP
receiver, retried with a growing wait when it fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.models import ApiKey, WebhookDelivery
from app.models.base import utcnow
from app.services import api_keys, change_requests, consents, credit, customers, sales, webhooks
from tests import factories


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    self.send_response(503)
                else:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [json.loads(body)["type"] for _, body in self.received]


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def world(db, receiver):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        consents.ensure_default_types(s)
        shop = api_keys.create_key(session=s, actor=admin, name="Shop", webhook_url=receiver.url,
                                   scopes=["customers:read", "documents:write"])
        customer = customers.create_customer(session=s, actor=admin, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
        return {"admin": admin, "shop": shop, "customer": customer.id}


def _deliver(db, **kw):
    return webhooks.deliver_due(session_factory=db, **kw)


def test_a_change_is_told_once_signed_with_the_keys_secret(db, receiver, world):
    assert _deliver(db) == 1  # the customer's creation
    with db(write=True) as s:
        customers.update_customer(session=s, actor=world["admin"], customer_id=world["customer"], raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "city": "Milano"},
            expected_version=1)
    assert _deliver(db) == 1 and _deliver(db) == 0
    headers, body = receiver.received[-1]
    event = json.loads(body)
    assert event["type"] == "customer.changed" and event["data"] == {
        "customer_id": world["customer"], "version": 2, "fields": ["city", "province"]}
    assert headers["webhook-id"] == event["id"] and event["id"].startswith("evt_")
    secret = world["shop"].webhook_secret
    expected = hmac.new(secret.encode(), f"{headers['webhook-timestamp']}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["webhook-signature"] == f"v1={expected}"
    with db(write=True) as s:  # the same event again (same customer and version) is not stored twice
        assert webhooks.enqueue(s, "customer.changed", f"customer:{world['customer']}:v2", {}) == 0


def test_a_change_rolled_back_tells_nothing(db, receiver, world):
    with pytest.raises(DomainError), db(write=True) as s:
        customers.update_customer(session=s, actor=world["admin"], customer_id=world["customer"], raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "city": "Roma"},
            expected_version=1)
        raise DomainError("form.err.invalid")
    with db() as s:
        assert len(s.exec(select(WebhookDelivery)).all()) == 1  # the creation only


def test_a_failed_delivery_waits_longer_each_time_then_arrives(db, receiver, world):
    receiver.fail_next = 2
    start = utcnow()
    assert _deliver(db, now=start) == 0
    assert _deliver(db, now=start + timedelta(seconds=10)) == 0  # not due yet
    assert _deliver(db, now=start + timedelta(seconds=31)) == 0  # second failure: now waits a minute
    with db() as s:
        row = s.exec(select(WebhookDelivery)).one()
        assert row.attempts == 2 and row.last_error == "HTTP 503" and row.sent_at is None
    assert _deliver(db, now=start + timedelta(seconds=60)) == 0
    assert _deliver(db, now=start + timedelta(seconds=92)) == 1
    assert receiver.events() == ["customer.changed"]


def test_each_key_hears_only_what_its_scopes_read_and_a_revoked_key_nothing(db, receiver, world):
    _deliver(db)
    with db(write=True) as s:
        consents.record_consent(session=s, actor=world["admin"], customer_id=world["customer"], contact_id=None,
                                type_id=consents.list_types(session=s, actor=world["admin"])[0].id, state="granted")
        credit.save_terms(session=s, actor=world["admin"], customer_id=world["customer"],
                          raw={"credit_limit": "10", "payment_term": "", "shipping_costs": ""})
        order = sales.create_document(session=s, actor=world["admin"], customer_id=world["customer"], kind="order",
                                      raw={"lines": [{"description": "x", "quantity": "1", "unit_price": "50"}]})
    assert order.status == "held"
    with db(write=True) as s:
        sales.release_document(session=s, actor=world["admin"], document_id=order.id)
    _deliver(db)
    assert receiver.events() == ["customer.changed", "document.held", "document.released"]
    with db(write=True) as s:
        api_keys.revoke_key(session=s, actor=world["admin"], key_id=world["shop"].id)
        customers.update_customer(session=s, actor=world["admin"], customer_id=world["customer"], raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "city": "Pavia"},
            expected_version=1)
    assert _deliver(db) == 0 and len(receiver.received) == 3


def test_a_decision_on_a_request_is_told(db, receiver, world):
    with db(write=True) as s:
        listener = s.exec(select(ApiKey)).one()
        outcome = change_requests.submit_request(session=s, actor=world["admin"], customer_id=world["customer"],
                                                 raw={"company_name": "Acme S.p.A."}, source="api")
        item = s.exec(select(change_requests.ChangeRequestItem)).one()
        change_requests.decide(session=s, actor=world["admin"], customer_id=world["customer"],
                               decisions={item.id: "accept"})
    assert outcome.pending == ["company_name"] and listener.webhook_url == receiver.url
    _deliver(db)
    assert receiver.events() == ["customer.changed", "customer.changed", "request.decided"]
    decided = json.loads(receiver.received[-1][1])["data"]
    assert decided["accepted"] == ["company_name"] and decided["request_ids"] == [outcome.request_id]
