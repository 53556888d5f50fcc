"""Files on support requests' messages: checked and stored privately like every upload, attached when the
message is sent, downloaded only by whoever may see the request."""

import os
import time

import pytest
from sqlmodel import select

from app.domain.errors import DomainError
from app.domain.permissions import Role
from app.models import Attachment, Movement, TicketMessage, User
from app.services import customers, documents, portal_accesses, tickets
from app.services.auth import actor_of
from app.settings import get_settings
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def settings(tmp_path, monkeypatch):
    chosen = get_settings().__class__(**{**get_settings().__dict__, "upload_dir": tmp_path / "uploads",
                                         "upload_max_bytes": 1024 * 1024})
    monkeypatch.setattr(documents, "get_settings", lambda: chosen)
    return chosen


@pytest.fixture
def world(db, settings):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        technician = factories.actor(s, Role.TECHNICIAN)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Beta",
                                                                        "vat_number": "01114601006"})
        people = {}
        for name, customer, visibility in (("anna", acme, "company"), ("ugo", acme, "own"), ("bea", beta, "company")):
            saved = portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={
                "full_name": name.title(), "email": f"{name}@example.com", "active": "on", "visibility": visibility})
            people[name] = actor_of(s.get(User, saved.user_id))
        ticket = tickets.open_ticket(session=s, actor=people["anna"], raw={"subject": "Caldaia", "body": "Non parte"})
        return {"office": office, "technician": technician, "ticket": ticket.id, **people}


def stage(db, actor, ticket_id, name="foto.png", data=PNG):
    with db() as s:
        return tickets.stage_file(session=s, actor=actor, ticket_id=ticket_id, filename=name, data=data)


def test_files_go_with_the_message_and_show_in_the_thread(db, world, settings):
    files = [stage(db, world["anna"], world["ticket"]), stage(db, world["anna"], world["ticket"], "bolla.pdf", PDF)]
    with db(write=True) as s:
        tickets.reply(session=s, actor=world["anna"], ticket_id=world["ticket"], body="Ecco le foto", files=files)
    answer = stage(db, world["office"], world["ticket"], "schema.pdf", PDF)
    with db(write=True) as s:
        tickets.reply(session=s, actor=world["office"], ticket_id=world["ticket"], body="Grazie", files=[answer])
    with db() as s:
        thread = tickets.thread(session=s, actor=world["anna"], ticket_id=world["ticket"])
        rows = s.exec(select(Attachment).where(Attachment.owner_kind == documents.TICKET_FILE)).all()
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.kind == "attachment.added"))]
    assert [[(f.name, f.size) for f in m.files] for m in thread.messages] == [
        [], [("foto.png", len(PNG)), ("bolla.pdf", len(PDF))], [("schema.pdf", len(PDF))]]
    assert {r.content_type for r in rows} == {"image/png", "application/pdf"}
    assert len(kinds) == 3
    assert all(not str(r.stored_name).endswith((".png", ".pdf")) for r in rows)  # random names, private folder


def test_a_new_request_carries_its_files(db, world):
    files = [stage(db, world["bea"], None, "targa.png")]
    with db(write=True) as s:
        ticket = tickets.open_ticket(session=s, actor=world["bea"], raw={"subject": "Targa", "body": "In allegato"},
                                     files=files)
    with db() as s:
        assert [f.name for f in tickets.thread(session=s, actor=world["bea"], ticket_id=ticket.id).messages[0].files] \
            == ["targa.png"]


@pytest.mark.parametrize("name,data,error", [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 64, "uploads.err.type"),
    ("finto.pdf", b"<html><script>alert(1)</script>", "uploads.err.type"),
    ("../../etc/passwd.pdf", PDF, "uploads.err.name"),
    ("vuoto.pdf", b"", "uploads.err.empty"),
    ("grande.pdf", PDF + b"0" * (1024 * 1024), "uploads.err.too_big"),
])
def test_bad_files_are_refused_and_nothing_is_stored(db, world, settings, name, data, error):
    with pytest.raises(DomainError) as refused:
        stage(db, world["anna"], world["ticket"], name, data)
    assert refused.value.errors == {"file": error}
    assert not (settings.upload_dir / "files").exists() or not any((settings.upload_dir / "files").iterdir())


def test_only_who_sees_the_request_may_attach_or_download(db, world, settings):
    with db(write=True) as s:
        ugo_own = tickets.open_ticket(session=s, actor=world["ugo"], raw={"subject": "Mio", "body": "x"}).id
    for who, ticket_id in (("bea", world["ticket"]), ("ugo", world["ticket"]), ("technician", world["ticket"]),
                           ("anna", 999_999), ("anna", "1")):
        with pytest.raises(DomainError):
            stage(db, world[who], ticket_id)
    files = [stage(db, world["anna"], world["ticket"])]
    with db(write=True) as s:
        tickets.reply(session=s, actor=world["anna"], ticket_id=world["ticket"], body="foto", files=files)
        attachment_id = s.exec(select(Attachment.id).where(Attachment.owner_kind == documents.TICKET_FILE)).one()
    with db() as s:
        for who in ("anna", "office"):
            found = documents.open_download(session=s, actor=world[who], attachment_id=attachment_id)
            assert found.path.read_bytes() == PNG and found.filename == "foto.png"
        for who in ("ugo", "bea", "technician"):  # "only my records", another company, no right to requests
            with pytest.raises(DomainError):
                documents.open_download(session=s, actor=world[who], attachment_id=attachment_id)
        with pytest.raises(DomainError):  # a thread's file is part of what was said: no removing it
            documents.remove_attachment(session=s, actor=world["office"], attachment_id=attachment_id)
    assert ugo_own


def test_no_files_on_a_closed_request_and_at_most_five_per_message(db, world):
    files = [stage(db, world["anna"], world["ticket"], f"f{i}.pdf", PDF) for i in range(tickets.MAX_FILES + 1)]
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        tickets.reply(session=s, actor=world["anna"], ticket_id=world["ticket"], body="troppi", files=files)
    assert refused.value.errors == {"files": "tickets.err.too_many_files"}
    with db(write=True) as s:
        tickets.close_ticket(session=s, actor=world["anna"], ticket_id=world["ticket"])
    with pytest.raises(DomainError):
        stage(db, world["anna"], world["ticket"])
    with db() as s:
        assert len(s.exec(select(TicketMessage)).all()) == 1


def test_a_file_never_sent_is_cleaned_up_and_then_refused(db, world, settings):
    staged = stage(db, world["anna"], world["ticket"])
    path = settings.upload_dir / "files" / staged.stored_name
    old = time.time() - 2 * 3600
    os.utime(path, (old, old))
    with db() as s:
        assert documents.remove_orphans(session=s, settings=settings) == 1
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        tickets.reply(session=s, actor=world["anna"], ticket_id=world["ticket"], body="foto", files=[staged])
    assert refused.value.errors == {"files": "tickets.err.file_gone"}
