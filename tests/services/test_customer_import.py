import csv
import io
import json
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.models import ChangeRequestItem, Customer, ImportJob, Movement
from app.models.base import utcnow
from app.services import customer_import, customers
from app.settings import get_settings
from tests import factories

HEADER = ["Codice", "Codice esterno", "Ragione sociale", "Partita IVA", "Telefono", "Indirizzo", "CAP", "Comune",
          "Provincia"]
ACME = ["", "", "Acme Impianti S.r.l.", "00743110157", "02 7654321", "Via Torino 5", "20123", "Milano", "MI"]
BETA = ["", "ERP-7", "Beta S.p.A.", "01114601006", "", "Via Roma 1", "00184", "Roma", "RM"]


def csv_bytes(*rows, header=HEADER, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(*rows, header=HEADER) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clienti")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def office(app_db):
    with app_db(write=True) as s:
        return factories.actor(s, Role.OFFICE)


def upload(db, actor, data, name="clienti.csv"):
    with db(write=True) as s:
        return customer_import.upload(session=s, actor=actor, filename=name, data=data)


def run_import(db, actor, data, name="clienti.csv", mapping=None):
    job = upload(db, actor, data, name)
    with db(write=True) as s:
        customer_import.start(session=s, actor=actor, job_id=job.id, mapping=mapping or job.mapping)
    customer_import.run(job.id, actor, chunk_rows=2)  # small chunks: several transactions in a little file
    with db() as s:
        return customer_import.get_job(session=s, actor=actor, job_id=job.id)


def customer_count(db) -> int:
    with db() as s:
        return s.exec(select(func.count()).select_from(Customer)).one()


def test_upload_guesses_the_mapping_and_keeps_the_file_private(app_db, office):
    job = upload(app_db, office, csv_bytes(ACME))
    assert job.status == "uploaded"
    assert job.mapping == ["code", "external_code", "company_name", "vat_number", "phone", "street", "cap", "city",
                           "province"]
    with app_db() as s:
        stored = s.get(ImportJob, job.id).stored_name
    path = get_settings().upload_dir / "imports" / stored
    assert path.is_file()
    assert "imports" not in str(get_settings().upload_dir / "files")


@pytest.mark.parametrize("data, key", [
    (b"", "uploads.err.empty"),
    (b"\x00\x01\x02binary", "import.err.type"),
    (b"\n\n", "import.err.no_header"),
    (b"PK\x03\x04 not really a workbook", "import.err.unreadable"),
])
def test_unreadable_files_are_refused(app_db, office, data, key):
    with pytest.raises(DomainError) as refused:
        upload(app_db, office, data)
    assert refused.value.errors == {"file": key}


def test_a_file_over_the_limit_is_refused(app_db, office):
    big = csv_bytes(*([ACME] * 10))
    settings = get_settings()
    small = type(settings)(**{**settings.__dict__, "upload_max_bytes": 100})
    with app_db(write=True) as s, pytest.raises(DomainError) as refused:
        customer_import.upload(session=s, actor=office, filename="big.csv", data=big, settings=small)
    assert refused.value.errors == {"file": "uploads.err.too_big"}


def test_preview_shows_every_error_per_field_and_writes_nothing(app_db, office):
    with app_db(write=True) as s:
        existing = customers.create_customer(session=s, actor=office, raw=dict(zip(
            ["company_name", "vat_number", "street", "cap", "city", "province"],
            ["Acme Impianti S.r.l.", "00743110157", "Via Torino 5", "20123", "Milano", "MI"], strict=True)))
    bad = ["", "", "Gamma", "123", "abc", "Via X", "2012", "Milano", "XX"]
    job = upload(app_db, office, csv_bytes(ACME, bad, BETA))
    before = customer_count(app_db)
    with app_db() as s:
        rows = customer_import.preview(session=s, actor=office, job_id=job.id, mapping=job.mapping)
    assert [r.number for r in rows] == [2, 3, 4]
    assert rows[0].action == "update" and rows[0].matched_code == existing.code and rows[0].errors == {}
    assert rows[1].action == "create"
    assert set(rows[1].errors) == {"vat_number", "phone", "cap", "province"}
    assert rows[2].errors == {} and rows[2].action == "create"
    assert customer_count(app_db) == before


def test_rows_are_created_and_a_rerun_changes_nothing(app_db, office):
    data = csv_bytes(ACME, BETA, ["", "", "Delta S.r.l.", "04567890126", "", "", "", "", ""])
    job = run_import(app_db, office, data)
    assert job.status == "done"
    assert job.counts == {"created": 3, "updated": 0, "held": 0, "unchanged": 0, "failed": 0}
    with app_db() as s:
        beta = s.exec(select(Customer).where(Customer.external_code == "ERP-7")).one()
        assert (beta.company_name, beta.vat_number, beta.cap, beta.city) == ("Beta S.p.A.", "01114601006", "00184",
                                                                             "Roma")
        created = s.exec(select(Movement).where(Movement.kind == "customer.created")).all()
        assert {m.source for m in created} == {"import"} and len(created) == 3
        # the list's search finds them in name order
        page = customers.search_customers(session=s, actor=office, query="beta")
        assert [r.name for r in page.rows] == ["Beta S.p.A."]
        names = [r.name for r in customers.search_customers(session=s, actor=office).rows]
        assert names == sorted(names, key=str.lower)
        movements_before = s.exec(select(func.count()).select_from(Movement)).one()
    again = run_import(app_db, office, data)
    assert again.counts == {"created": 0, "updated": 0, "held": 0, "unchanged": 3, "failed": 0}
    with app_db() as s:
        assert s.exec(select(func.count()).select_from(Movement)).one() == movements_before
    assert customer_count(app_db) == 3


def test_each_match_key_finds_its_customer(app_db, office):
    with app_db(write=True) as s:
        by_code = customers.create_customer(session=s, actor=office, raw={
            "company_name": "Uno S.r.l.", "vat_number": "00743110157"})
        by_external = customers.create_customer(session=s, actor=office, raw={
            "company_name": "Due S.r.l.", "vat_number": "01114601006", "external_code": "erp-2"})
        by_vat = customers.create_customer(session=s, actor=office, raw={
            "company_name": "Tre S.r.l.", "vat_number": "04567890126"})
    header = ["Codice", "Codice esterno", "Partita IVA", "Telefono"]
    data = csv_bytes([by_code.code, "", "", "02 1111111"], ["", " erp-2 ", "", "02 2222222"],
                     ["", "", "IT 04567890126", "02 3333333"], header=header)
    job = run_import(app_db, office, data)
    assert job.counts == {"created": 0, "updated": 3, "held": 0, "unchanged": 0, "failed": 0}
    with app_db() as s:
        phones = {c.id: c.phone for c in s.exec(select(Customer))}
    assert phones == {by_code.id: "+39021111111", by_external.id: "+39022222222", by_vat.id: "+39023333333"}


def test_the_field_rules_hold_a_change_for_review_and_a_rerun_does_not_ask_again(app_db, office):
    with app_db(write=True) as s:
        acme = customers.create_customer(session=s, actor=office, raw={
            "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
    header = ["Partita IVA", "Ragione sociale", "Telefono"]
    data = csv_bytes(["00743110157", "Acme Nuova S.r.l.", "02 7654321"], header=header)
    job = run_import(app_db, office, data)
    assert job.counts["held"] == 1
    with app_db() as s:
        customer = s.get(Customer, acme.id)
        assert customer.company_name == "Acme S.r.l."  # the name waits for a reviewer
        assert customer.phone == "+39027654321"  # the phone is applied at once
        pending = s.exec(select(ChangeRequestItem).where(ChangeRequestItem.state == "pending")).all()
        assert [i.field for i in pending] == ["company_name"]
    again = run_import(app_db, office, data)
    assert again.counts == {"created": 0, "updated": 0, "held": 0, "unchanged": 1, "failed": 0}
    with app_db() as s:
        assert len(s.exec(select(ChangeRequestItem)).all()) == 2  # nothing superseded, nothing new


def test_a_row_passes_whole_or_not_at_all_and_failed_rows_go_to_the_error_file(app_db, office):
    with app_db(write=True) as s:
        gone = customers.create_customer(session=s, actor=office, raw={
            "company_name": "Vecchia S.r.l.", "vat_number": "04567890126"})
        gone.status = "anonymized"
        s.add(gone)
    bad = ["", "", "Gamma", "123", "", "", "", "Milano", ""]
    anonymized = ["", "", "", "04567890126", "02 9999999", "", "", "", ""]
    job = run_import(app_db, office, csv_bytes(ACME, bad, anonymized, BETA))
    assert job.counts == {"created": 2, "updated": 0, "held": 0, "unchanged": 0, "failed": 2}
    with app_db() as s:
        assert s.get(Customer, gone.id).phone is None  # its phone (applied at once otherwise) was not written
        assert s.exec(select(Customer).where(Customer.company_name == "Gamma")).first() is None
        body, filename, media_type = customer_import.error_file(session=s, actor=office, job_id=job.id, lang="it")
    assert media_type.startswith("text/csv") and filename.endswith(".csv")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [*HEADER, "Errori"]
    assert [line[:-1] for line in lines[1:]] == [bad, anonymized]
    assert lines[1][-1].startswith("Partita IVA: ")
    assert "anonimizzat" in lines[2][-1].lower()


def test_xlsx_files_import_as_csv_files_do(app_db, office):
    rows = [[c if c else None for c in ACME], BETA]
    rows[0][6] = 20123  # numbers in cells, as Excel keeps them
    rows[1][6] = 184
    job = run_import(app_db, office, xlsx_bytes(*rows), name="clienti.xlsx")
    assert job.counts["created"] == 2
    with app_db() as s:
        caps = sorted(c.cap for c in s.exec(select(Customer)))
    assert caps == ["00184", "20123"]


def test_the_mapping_is_remembered_for_the_user(app_db, office):
    data = csv_bytes(["Acme", "00743110157"], header=["Denominazione cliente", "Numero IVA"])
    first = upload(app_db, office, data)
    assert first.mapping == ["", ""]
    with app_db(write=True) as s:
        customer_import.start(session=s, actor=office, job_id=first.id, mapping=["company_name", "vat_number"])
    assert upload(app_db, office, data).mapping == ["company_name", "vat_number"]
    with app_db(write=True) as s:
        other = factories.actor(s, Role.OFFICE)
    assert upload(app_db, other, data).mapping == ["", ""]


def test_jobs_belong_to_their_user_and_need_the_right_to_edit(app_db, office):
    job = upload(app_db, office, csv_bytes(ACME))
    with app_db(write=True) as s:
        other = factories.actor(s, Role.OFFICE)
        credit_manager = factories.actor(s, Role.CREDIT_MANAGER)
    for actor in (other, credit_manager):
        with app_db() as s, pytest.raises(DomainError):
            customer_import.get_job(session=s, actor=actor, job_id=job.id)
        with app_db() as s, pytest.raises(DomainError):
            customer_import.preview(session=s, actor=actor, job_id=job.id, mapping=job.mapping)
    with app_db() as s, pytest.raises(DomainError):
        customer_import.upload(session=s, actor=credit_manager, filename="a.csv", data=csv_bytes(ACME))


def test_a_job_left_running_by_a_dead_process_is_marked_failed(app_db, office):
    job = upload(app_db, office, csv_bytes(ACME))
    with app_db(write=True) as s:
        customer_import.start(session=s, actor=office, job_id=job.id, mapping=job.mapping)
        row = s.get(ImportJob, job.id)
        row.heartbeat_at = utcnow() - timedelta(minutes=10)
        s.add(row)
    with app_db(write=True) as s:
        view = customer_import.get_job(session=s, actor=office, job_id=job.id)
    assert view.status == "failed" and view.message == "import.err.interrupted"
    with app_db(write=True) as s:
        assert customer_import.fail_abandoned(session=s) == 0
    assert json.loads(json.dumps(view.counts))["created"] == 0


def test_new_customers_take_the_code_the_file_gives_or_the_next_ones_of_the_sequence(app_db, office):
    header = ["Codice", "Ragione sociale", "Partita IVA"]
    data = csv_bytes(["abc-1", "Uno S.r.l.", "00743110157"], ["", "Sbagliata", "123"],
                     ["", "Due S.r.l.", "01114601006"], ["", "Tre S.r.l.", "04567890126"], header=header)
    job = run_import(app_db, office, data)
    assert job.counts["created"] == 3 and job.counts["failed"] == 1
    with app_db() as s:
        codes = {c.company_name: c.code for c in s.exec(select(Customer))}
    assert codes["Uno S.r.l."] == "ABC-1"
    # chunks of two rows: one reservation each, and the failed row took no number
    assert sorted(codes[n] for n in ("Due S.r.l.", "Tre S.r.l.")) == ["C000001", "C000002"]
    with app_db(write=True) as s:
        assert customers.next_code(s) == "C000003"


def test_a_job_stopped_by_an_unexpected_error_ends_failed_with_what_it_did(app_db, office, monkeypatch):
    bad = ["", "", "Gamma", "123", "", "", "", "", ""]
    job = upload(app_db, office, csv_bytes(bad, ACME, BETA))
    with app_db(write=True) as s:
        customer_import.start(session=s, actor=office, job_id=job.id, mapping=job.mapping)
    original, calls = customer_import.import_rows, []

    def second_chunk_breaks(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(**kw)

    monkeypatch.setattr(customer_import, "import_rows", second_chunk_breaks)
    customer_import.run(job.id, office, chunk_rows=2)
    with app_db() as s:
        view = customer_import.get_job(session=s, actor=office, job_id=job.id)
        body, _, _ = customer_import.error_file(session=s, actor=office, job_id=job.id, lang="en")
    assert view.status == "failed" and view.message == "import.err.failed"
    assert view.done == 2 and view.counts["created"] == 1 and view.counts["failed"] == 1
    assert "Gamma" in body.decode("utf-8-sig")  # written in the language of the user who imports
    customer_import.run(job.id, office)  # a job no longer running is left alone
    assert customer_count(app_db) == 1


def test_names_with_no_room_left_in_the_search_order_make_room_for_themselves(app_db, office):
    with app_db(write=True) as s:
        for name, vat in (("Alfa S.r.l.", "00743110157"), ("Beta S.r.l.", "01114601006")):
            customers.create_customer(session=s, actor=office, raw={"company_name": name, "vat_number": vat})
    with app_db(write=True) as s:  # neighbours with no rank left between them
        for rank, customer in enumerate(s.exec(select(Customer).order_by(Customer.sort_name)), start=10):
            customer.search_rank = rank
            s.add(customer)
    header = ["Ragione sociale", "Partita IVA"]
    job = run_import(app_db, office, csv_bytes(["Alfa Due", "04567890126"], ["Alfa S.r.l.", "01000000123"],
                                               ["Zeta", ""], header=header))
    assert job.counts["created"] == 2 and job.counts["failed"] == 1  # Zeta's VAT number is missing
    with app_db() as s:
        rows = s.exec(select(Customer.sort_name, Customer.id, Customer.search_rank)).all()
        by_rank = [(r.sort_name, r.id) for r in sorted(rows, key=lambda r: r.search_rank)]
        assert by_rank == sorted((r.sort_name, r.id) for r in rows)
        found = customers.search_customers(session=s, actor=office, query="alfa")
        assert [r.name for r in found.rows] == ["Alfa Due", "Alfa S.r.l.", "Alfa S.r.l."]
