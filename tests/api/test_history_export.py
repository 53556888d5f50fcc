"""The history's export: the filtered lines, downloaded only by who may read the customer."""

import pytest
from starlette.testclient import TestClient

from app.api.routes import api
from app.domain.permissions import Role
from app.services import customers, sales
from app.services.auth import SESSION_COOKIE
from tests import factories
from tests.state.conftest import signed_in_token


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}).id
        order = sales.create_document(session=s, actor=office, customer_id=customer, kind="order", raw={"lines": [
            {"description": "Scarponi", "quantity": "2", "unit_price": "80"},
            {"description": "Guanti", "quantity": "10", "unit_price": "12"}]})
        sales.move_document(session=s, actor=office, customer_id=customer, document_id=order.id, status="open")
        return customer


def _get(app_db, path, role=None, **kw):
    client = TestClient(api)
    if role is not None:
        client.cookies.set(SESSION_COOKIE, signed_in_token(app_db, role, **kw)[1])
    return client.get(path)


def test_the_office_downloads_the_filtered_lines(app_db, acme):
    answer = _get(app_db, f"/api/customers/{acme}/history.csv?q=guanti&price_min=bad", Role.OFFICE)
    assert answer.status_code == 200 and answer.headers["content-disposition"].startswith("attachment")
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("Guanti;")
    xlsx = _get(app_db, f"/api/customers/{acme}/history.xlsx", Role.OFFICE)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_nobody_else_downloads_it(app_db, acme):
    assert _get(app_db, f"/api/customers/{acme}/history.csv").status_code == 401
    assert _get(app_db, f"/api/customers/{acme}/history.csv", Role.TECHNICIAN).status_code == 403
    assert _get(app_db, f"/api/customers/{acme}/history.csv", Role.CUSTOMER, customer_id=acme).status_code == 403
    assert _get(app_db, f"/api/customers/{acme}/history.pdf", Role.OFFICE).status_code == 404
