import io
import os
import time
import zipfile
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.domain import portal_modules
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import Attachment, Contract, OutboxMessage, User
from app.services import customers, documents, portal_accesses, portal_profiles
from app.services.auth import actor_of
from app.settings import get_settings
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def settings(tmp_path):
    return get_settings().__class__(**{**get_settings().__dict__, "upload_dir": tmp_path / "uploads",
                                       "upload_max_bytes": 1024 * 1024, "notify_email": "ufficio@ditta.it"})


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Beta",
                                                                        "vat_number": "01114601006"})
        contract = documents.save_contract(session=s, actor=office, customer_id=acme.id, raw={
            "number": "CT-1", "title": "Manutenzione caldaie", "start_on": "2026-01-01",
            "expires_on": "2026-12-15", "shared": "on"})
        hidden = documents.save_contract(session=s, actor=office, customer_id=acme.id, raw={
            "number": "CT-2", "title": "Interno", "start_on": "2026-01-01", "expires_on": "2027-06-30"})
        return {"office": office, "acme": acme.id, "beta": beta.id, "contract": contract.id, "hidden": hidden.id}


def upload(db, world, settings, name="contratto.pdf", data=PDF, owner="contract", actor=None):
    with db(write=True) as s:
        return documents.store_attachment(session=s, actor=actor or world["office"], owner_kind="contract",
                                          owner_id=world[owner], filename=name, data=data, settings=settings)


def stored_files(settings):
    folder = settings.upload_dir / "files"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_allowed_files_are_stored_privately_with_their_hash(db, world, settings):
    for name, data, content_type in (("c.pdf", PDF, "application/pdf"), ("foto.png", PNG, "image/png"),
                                     ("offerta.docx", docx(), "application/vnd.openxmlformats-officedocument"
                                                              ".wordprocessingml.document")):
        attachment = upload(db, world, settings, name, data)
        assert attachment.content_type == content_type and attachment.original_name == name
        assert attachment.stored_name != name and len(attachment.stored_name) == 32
        assert (settings.upload_dir / "files" / attachment.stored_name).read_bytes() == data
    assert not str(settings.upload_dir).startswith(str(get_settings().data_dir / "assets"))


@pytest.mark.parametrize("name,data,error", [
    ("../../etc/passwd.pdf", PDF, "uploads.err.name"),
    ("/etc/passwd", PDF, "uploads.err.name"),
    ("C:\\\\Windows\\\\x.pdf", PDF, "uploads.err.name"),
    ("bad\x00name.pdf", PDF, "uploads.err.name"),
    ("a" * 300 + ".pdf", PDF, "uploads.err.name"),
    ("programma.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "uploads.err.type"),
    ("pagina.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "uploads.err.type"),
    ("linux.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100, "uploads.err.type"),
    ("grande.pdf", PDF + b"0" * (1024 * 1024), "uploads.err.too_big"),
    ("vuoto.pdf", b"", "uploads.err.empty"),
])
def test_hostile_uploads_are_refused_and_leave_nothing_behind(db, world, settings, name, data, error):
    with pytest.raises(DomainError) as err:
        upload(db, world, settings, name, data)
    assert err.value.errors == {"file": error}
    with db() as s:
        assert s.exec(select(Attachment)).all() == []
    assert stored_files(settings) == []
    incoming = settings.upload_dir / "incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []


def test_a_crash_before_commit_leaves_no_row_and_no_counted_file(db, world, settings):
    class Crash(Exception):
        pass

    with pytest.raises(Crash), db(write=True) as s:
        documents.store_attachment(session=s, actor=world["office"], owner_kind="contract",
                                   owner_id=world["contract"], filename="c.pdf", data=PDF, settings=settings)
        raise Crash  # the process dies before the transaction commits
    with db() as s:
        assert s.exec(select(Attachment)).all() == []
        assert documents.list_attachments(session=s, actor=world["office"], owner_kind="contract",
                                          owner_id=world["contract"]) == []
    [orphan] = stored_files(settings)
    with db() as s:
        assert documents.remove_orphans(session=s, settings=settings) == 0  # too fresh: maybe in flight
        assert documents.remove_orphans(session=s, settings=settings, now=time.time() + 7200) == 1
    assert stored_files(settings) == []
    kept = upload(db, world, settings)
    with db() as s:
        assert documents.remove_orphans(session=s, settings=settings, now=time.time() + 7200) == 0
    assert stored_files(settings) == [kept.stored_name]
    assert orphan != kept.stored_name


def test_removed_files_are_a_movement_and_are_cleaned_up(db, world, settings):
    attachment = upload(db, world, settings)
    with db(write=True) as s:
        documents.remove_attachment(session=s, actor=world["office"], attachment_id=attachment.id)
    path = settings.upload_dir / "files" / attachment.stored_name
    os.utime(path, (time.time() - 7200, time.time() - 7200))
    with db() as s:
        assert documents.remove_orphans(session=s, settings=settings) == 1


def test_downloads_follow_role_customer_sharing_and_the_contracts_right(db, world, settings, monkeypatch):
    # The reserved area's contracts section, as its pages will offer it.
    monkeypatch.setitem(portal_modules.MODULES, "contracts", "/portal/contracts")
    shared = upload(db, world, settings)
    hidden = upload(db, world, settings, owner="hidden")
    with db(write=True) as s:
        credit = factories.actor(s, Role.CREDIT_MANAGER)
        technician = factories.actor(s, Role.TECHNICIAN)
        people = {}
        for name, customer, sees in (("sees", "acme", "on"), ("blind", "acme", ""), ("other", "beta", "on")):
            saved = portal_accesses.save_access(session=s, actor=world["office"], customer_id=world[customer], raw={
                "full_name": name, "email": f"{name}@example.com", "active": "on", "may_see_contracts": sees})
            people[name] = actor_of(s.get(User, saved.user_id))
        profile = portal_profiles.default_profile(s)
        profile.modules = "my_data,contracts"  # the contracts module once its pages exist
    allowed = {"office": world["office"], "credit": credit, "sees": people["sees"]}
    refused = {"technician": technician, "blind": people["blind"], "other": people["other"]}
    with db() as s:
        for who, actor in allowed.items():
            found = documents.open_download(session=s, actor=actor, attachment_id=shared.id, settings=settings)
            assert found.path.read_bytes() == PDF, who
        for actor in refused.values():
            with pytest.raises((Forbidden, DomainError)):
                documents.open_download(session=s, actor=actor, attachment_id=shared.id, settings=settings)
        with pytest.raises(Forbidden):  # not shared with the customer
            documents.open_download(session=s, actor=people["sees"], attachment_id=hidden.id, settings=settings)
        with pytest.raises(DomainError):
            documents.open_download(session=s, actor=world["office"], attachment_id=999_999, settings=settings)


def test_expiry_warnings_arrive_once_per_contract(db, world, settings):
    today = date(2026, 11, 20)  # CT-1 expires on 15/12: within 30 days; CT-2 does not
    for _ in range(2):
        with db(write=True) as s:
            documents.warn_expiring_contracts(session=s, today=today, settings=settings)
    with db() as s:
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "contract_expiry")).all()
    assert [m.to_address for m in mails] == ["ufficio@ditta.it"] and "CT-1" in mails[0].subject
    with db(write=True) as s:  # renewed: the new expiry date is warned about in its turn
        documents.save_contract(session=s, actor=world["office"], customer_id=world["acme"], contract_id=world["contract"],
                                raw={"number": "CT-1", "title": "Manutenzione caldaie", "start_on": "2026-01-01",
                                     "expires_on": "2027-12-15", "shared": "on"})
    later = date(2027, 11, 20)
    for _ in range(2):
        with db(write=True) as s:
            documents.warn_expiring_contracts(session=s, today=later, settings=settings)
    with db() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "contract_expiry")).all()) == 2
        soon = documents.expiring_contracts(session=s, actor=world["office"], today=later, days=30)
    assert [c.number for c, _ in soon] == ["CT-1"]
    assert documents.contract_state(date(2026, 12, 15), today, 30) == "expiring"
    assert documents.contract_state(date(2026, 11, 19), today, 30) == "expired"
    assert documents.contract_state(date(2027, 6, 30), today, 30) == "active"


def test_contract_rules(db, world):
    with db(write=True) as s, pytest.raises(DomainError) as err:
        documents.save_contract(session=s, actor=world["office"], customer_id=world["acme"], raw={
            "number": "CT-1", "title": "", "start_on": "2026-05-01", "expires_on": "2026-04-01"})
    assert set(err.value.errors) == {"number", "title", "expires_on"}
    with db(write=True) as s, pytest.raises(DomainError):  # a contract of another customer
        documents.save_contract(session=s, actor=world["office"], customer_id=world["beta"],
                                contract_id=world["contract"], raw={"number": "X", "title": "X",
                                                                    "start_on": "2026-01-01",
                                                                    "expires_on": "2026-02-01"})
    with db() as s:
        assert s.get(Contract, world["contract"]).customer_id == world["acme"]
    assert timedelta(days=1)
