"""The customer list as CSV or XLSX: the list's filters and search, read a page at a time, only for staff."""

import csv
import io
import os

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from app.api.routes import api
from app.domain.permissions import Role
from app.services import customer_export, customers
from app.services.auth import SESSION_COOKIE
from tests import factories
from tests.state.conftest import signed_in_token

PEOPLE = [("Rossi", "Mario"), ("Bianchi", "Anna"), ("Verdi", "Luca"), ("Neri", "Carla")]


@pytest.fixture
def registry(app_db, monkeypatch):
    monkeypatch.setattr(customer_export, "PAGE", 2)  # several pages from a handful of customers
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme Impianti S.r.l.", "vat_number": "00743110157",
            "city": "Milano", "province": "MI"})
        for last, first in PEOPLE:
            customers.create_customer(session=s, actor=office, raw={"kind": "private", "first_name": first,
                                                                   "last_name": last})
        gone = customers.create_customer(session=s, actor=office, raw={"kind": "private", "first_name": "Ugo",
                                                                      "last_name": "Anonimo"})
        gone.status = "anonymized"
        s.add(gone)
    return office


def _get(app_db, path, role=None, **kw):
    client = TestClient(api)
    if role is not None:
        client.cookies.set(SESSION_COOKIE, signed_in_token(app_db, role, **kw)[1])
    return client.get(path)


def _lines(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_holds_the_list_with_its_filters(app_db, registry):
    answer = _get(app_db, "/api/customers/export.csv", Role.OFFICE)
    assert answer.status_code == 200 and answer.headers["content-disposition"].startswith("attachment")
    assert answer.headers["cache-control"] == "no-store, private"
    lines = _lines(answer)
    assert lines[0][:4] == ["Codice", "Codice esterno", "Tipo", "Ragione sociale"]
    names = [line[3] or line[5] for line in lines[1:]]
    assert names == ["Acme Impianti S.r.l.", "Bianchi", "Neri", "Rossi", "Verdi"]  # active only, name order
    private = _lines(_get(app_db, "/api/customers/export.csv?kind=private&status=bogus", Role.OFFICE))
    assert [line[5] for line in private[1:]] == ["Bianchi", "Neri", "Rossi", "Verdi"]
    searched = _lines(_get(app_db, "/api/customers/export.csv?q=ross", Role.OFFICE))
    assert [line[5] for line in searched[1:]] == ["Rossi"]
    short = _lines(_get(app_db, "/api/customers/export.csv?q=ne", Role.OFFICE))
    assert [line[5] for line in short[1:]] == ["Neri"]
    gone = _lines(_get(app_db, "/api/customers/export.csv?status=anonymized", Role.OFFICE))
    assert [line[5] for line in gone[1:]] == ["Anonimo"]


def test_the_csv_is_streamed_page_by_page(app_db, registry):
    chunks = list(customer_export.csv_chunks(app_db, registry, customer_export.filters_from_params({}), "it"))
    assert len(chunks) == 3  # 5 rows in pages of 2: two full pages, then the rest with the end
    assert b"".join(chunks).decode("utf-8-sig").count("\n") == 6


def test_what_the_export_writes_the_import_reads_back(app_db, registry):
    from app.domain import customer_import as spec

    header = _lines(_get(app_db, "/api/customers/export.csv", Role.OFFICE))[0]
    assert spec.guess_mapping(header) == list(spec.IMPORT_FIELDS)


def test_the_xlsx_is_written_to_a_temporary_file_then_deleted(app_db, registry, monkeypatch):
    written = []
    original = customer_export.write_xlsx
    monkeypatch.setattr(customer_export, "write_xlsx", lambda *a: written.append(original(*a)) or written[-1])
    answer = _get(app_db, "/api/customers/export.xlsx?kind=private", Role.CREDIT_MANAGER)
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[1][2] == "Privato"
    assert written and not os.path.exists(written[0])


def test_only_staff_who_read_customers_download_it(app_db, registry):
    assert _get(app_db, "/api/customers/export.csv").status_code == 401
    assert _get(app_db, "/api/customers/export.csv", Role.TECHNICIAN).status_code == 403
    assert _get(app_db, "/api/customers/export.xlsx", Role.CUSTOMER).status_code == 403
    assert _get(app_db, "/api/customers/export.pdf", Role.OFFICE).status_code == 404


def test_the_error_file_of_an_import_is_its_owners_only(app_db, registry):
    from app.services import customer_import

    user_id, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        from app.models import User
        from app.services.auth import actor_of

        owner = actor_of(s.get(User, user_id))
        job = customer_import.upload(session=s, actor=owner, filename="c.csv",
                                     data=b"Ragione sociale;Partita IVA\nGamma;123\n")
        customer_import.start(session=s, actor=owner, job_id=job.id, mapping=job.mapping)
    customer_import.run(job.id, owner)
    client = TestClient(api)
    client.cookies.set(SESSION_COOKIE, token)
    answer = client.get(f"/api/imports/{job.id}/errors.csv")
    assert answer.status_code == 200 and "Gamma;123;" in answer.content.decode("utf-8-sig")
    assert _get(app_db, f"/api/imports/{job.id}/errors.csv").status_code == 401
    assert _get(app_db, f"/api/imports/{job.id}/errors.csv", Role.OFFICE).status_code == 404
    assert _get(app_db, f"/api/imports/{job.id}/errors.csv", Role.TECHNICIAN).status_code == 403
    assert _get(app_db, "/api/imports/x/errors.csv", Role.OFFICE).status_code == 404


def test_a_name_that_looks_like_a_formula_stays_text_in_both_files(app_db, registry):
    with app_db(write=True) as s:
        customers.create_customer(session=s, actor=registry, raw={
            "kind": "business", "company_name": '=HYPERLINK("http://x.example";"Apri")', "vat_number": "01114601006",
            "phone": "02 1234567"})
    lines = _lines(_get(app_db, "/api/customers/export.csv?q=hyperlink", Role.OFFICE))
    assert any(cell.startswith("'=HYPERLINK") for cell in lines[1])
    assert not any(cell.startswith("=") for cell in lines[1])
    assert customer_export.inert("-12,5") == "-12,5" and customer_export.inert("@SUM(A1)") == "'@SUM(A1)"
    from openpyxl import load_workbook
    answer = _get(app_db, "/api/customers/export.xlsx?q=hyperlink", Role.OFFICE)
    sheet = load_workbook(io.BytesIO(answer.content)).active
    [cell] = [c for c in sheet[2] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
