"""The printable consent form: a real PDF, downloaded only by who may read the customer."""

import io

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from app.api.routes import api, consent_form_path
from app.domain.permissions import Role
from app.services import auth, consents, customers
from app.services.auth import SESSION_COOKIE
from app.services.consent_pdf import consent_form
from tests import factories
from tests.factories import PASSWORD

ACME = {"kind": "business", "company_name": "Acme Impianti S.r.l.", "vat_number": "00743110157",
        "email": "info@acme.it", "phone": "02 7654321"}


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        consents.ensure_default_types(s)
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=ACME)
        contact = customers.save_contact(session=s, actor=office, customer_id=customer.id,
                                         raw={"first_name": "Niccolò", "last_name": "Lucà"})
        types = {t.code: t.type_id for t in consents.current_consents(session=s, actor=office,
                                                                customer_id=customer.id)[None]}
        for code, state in (("newsletter", "granted"), ("marketing", "refused")):
            consents.record_consent(session=s, actor=office, customer_id=customer.id, contact_id=None,
                                    type_id=types[code], state=state)
        return {"office": office, "id": customer.id, "contact": contact.id}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_form_names_the_customer_every_consent_type_and_its_state(app_db, acme):
    with app_db() as s:
        pdf, filename = consent_form(session=s, actor=acme["office"], customer_id=acme["id"], issuer="Ditta Srl")
    text = _text(pdf)
    assert pdf.startswith(b"%PDF") and filename.endswith(".pdf")
    assert "Acme Impianti S.r.l." in text and "Niccolò Lucà" in text and "Ditta Srl" in text
    for title in ("Trattamento dei dati personali", "Newsletter", "Comunicazioni commerciali", "Profilazione",
                  "Fattura elettronica via e-mail"):
        assert title in text
    assert "Stato: Dato" in text and "Stato: Negato" in text and "Stato: Non richiesto" in text
    assert "testo versione 1" in text
    # One signature line per person, and boxes to tick for every consent not given yet (4 of 5 for the
    # customer, all 5 for the contact), so the paper can be filled in at a counter.
    assert text.count("Firma di ") == 2 and "Firma di Acme Impianti S.r.l." in text and "Firma di Niccolò Lucà" in text
    assert text.count("Acconsento Non acconsento") == 9


def _client(app_db, role=None, **kw):
    client = TestClient(api)
    if role is not None:
        with app_db(write=True) as s:
            user = factories.user(s, role, **kw)
        token = auth.authenticate(sessions=app_db, email=user.email, password=PASSWORD).token
        client.cookies.set(SESSION_COOKIE, token)
    return client


def test_download_is_private_and_not_cached(app_db, acme):
    answer = _client(app_db, Role.CREDIT_MANAGER).get(consent_form_path(acme["id"]))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in answer.headers["cache-control"]
    assert "Acme Impianti" in _text(answer.content)


def test_download_is_refused_to_strangers_and_other_customers(app_db, acme):
    assert _client(app_db).get(consent_form_path(acme["id"])).status_code == 401
    with app_db(write=True) as s:
        other = customers.create_customer(session=s, actor=acme["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006", "email": "info@beta.it"})
    foreign = _client(app_db, Role.CUSTOMER, customer_id=other.id)
    assert foreign.get(consent_form_path(acme["id"])).status_code == 403
    technician = _client(app_db, Role.TECHNICIAN)
    assert technician.get(consent_form_path(acme["id"])).status_code == 403
    office = _client(app_db, Role.OFFICE)
    assert office.get("/api/customers/999999/consents.pdf").status_code == 404
    assert office.get("/api/customers/abc/consents.pdf").status_code == 404
