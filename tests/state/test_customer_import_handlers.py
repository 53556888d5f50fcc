"""The import page's handlers, called as the browser calls them: who may, whose job, what the page shows."""

import pytest
import reflex as rx
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import Customer, ImportJob, User
from app.services import customer_import
from app.services.auth import actor_of
from app.state import customer_import as import_state
from app.state.customer_import import CustomerImportState
from tests.state.conftest import signed_in_token, state_of
from tests.state.test_document_handlers import Upload

CSV = (b"Ragione sociale;Partita IVA;Comune;Provincia\n"
       b"Acme Impianti S.r.l.;00743110157;Milano;MI\n"
       b"Gamma;123;Milano;MI\n"
       b"Beta S.p.A.;01114601006;Roma;RM\n")


async def test_upload_map_preview_import_and_follow_to_the_end(app_db, monkeypatch):
    monkeypatch.setattr(import_state, "POLL_SECONDS", 0.05)
    _, token = signed_in_token(app_db, Role.OFFICE)
    page = state_of(CustomerImportState, token)
    assert await page.load_import() is None and page.status == ""
    await page.receive_file([Upload("clienti.csv", CSV)])
    assert page.status == "uploaded" and page.file_name == "clienti.csv"
    assert [c.field for c in page.columns] == ["company_name", "vat_number", "city", "province"]
    assert [line.number for line in page.preview_lines] == [2, 3, 4]
    assert page.preview_failed == 1 and page.preview_lines[1].cells[1].error != ""
    await page.map_column(2, "")  # the city is left out: the preview follows
    assert page.preview_fields == ["Ragione sociale", "Partita IVA", "Provincia"]
    for index, field in ((99, "city"), (-1, "city"), ("1", "city"), (None, "city")):
        await page.map_column(index, field)
    assert [c.field for c in page.columns] == ["company_name", "vat_number", "", "province"]
    await page.map_column(2, "city")
    await page.ask_start()
    assert page.confirming
    follow = await page.start_import()
    assert follow is not None and page.status == "running" and page.total == 3
    await CustomerImportState.follow.fn(page)
    assert page.status == "done" and page.done == 3
    assert page.counts == {"created": 2, "updated": 0, "held": 0, "unchanged": 0, "failed": 1}
    assert page.error_url == f"/api/imports/{page.job_id}/errors.csv"
    again = state_of(CustomerImportState, token)  # the clerk comes back: the result is still there
    await again.load_import()
    assert again.status == "done" and again.counts["created"] == 2
    await again.new_import()
    assert again.status == "" and again.job_id == 0


async def test_a_refused_file_is_told_next_to_the_file_field(app_db):
    _, token = signed_in_token(app_db, Role.OFFICE)
    page = state_of(CustomerImportState, token)
    await page.receive_file([Upload("virus.exe", b"MZ\x90\x00\x00")])
    assert page.status == "" and page.errors["file"]
    await page.receive_file([])
    assert page.errors["file"]
    page.errors = {}
    await page.file_rejected([{"file": {"path": "huge.csv"}, "errors": [{"code": "file-too-large"}]}])
    assert "MB" in page.errors["file"]


@pytest.mark.parametrize("role", [Role.CREDIT_MANAGER, Role.CUSTOMER, Role.TECHNICIAN])
async def test_who_may_not_edit_customers_may_not_import(app_db, role):
    _, token = signed_in_token(app_db, role)
    page = state_of(CustomerImportState, token)
    assert isinstance(await page.load_import(), rx.event.EventSpec)  # sent where they belong
    with pytest.raises(Forbidden):
        await page.receive_file([Upload("clienti.csv", CSV)])
    page.job_id, page.status = 1, "uploaded"
    with pytest.raises(Forbidden):
        await page.start_import()
    with pytest.raises(Forbidden):
        await page.map_column(0, "company_name")
    with pytest.raises(Forbidden):
        await CustomerImportState.follow.fn(page)
    with app_db() as s:
        assert s.exec(select(ImportJob)).first() is None


async def test_another_users_job_is_never_shown_nor_started(app_db):
    owner_id, _ = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        owner = actor_of(s.get(User, owner_id))
        job = customer_import.upload(session=s, actor=owner, filename="c.csv", data=CSV)
    _, token = signed_in_token(app_db, Role.OFFICE)
    page = state_of(CustomerImportState, token)
    await page.receive_file([Upload("mio.csv", CSV)])
    page.job_id = job.id  # a foreign id the browser cannot set, sent anyway
    await page.map_column(0, "company_name")
    assert page.preview_lines == [] and page.errors[""]
    assert await page.start_import() is None
    await CustomerImportState.follow.fn(page)
    with app_db() as s:
        assert s.get(ImportJob, job.id).status == "uploaded"
        assert s.exec(select(Customer)).first() is None
