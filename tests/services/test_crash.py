"""A process killed (SIGKILL) in the middle of saving: after restart nothing committed is lost, nothing half
written is visible, and no file stays without its row or a row without its file."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import func, select

from app.domain.permissions import Role
from app.models import Attachment, Customer, Movement
from app.services import customers, documents
from app.settings import get_settings
from tests import factories

PROJECT = Path(__file__).resolve().parents[2]


def test_a_process_killed_while_saving_leaves_a_consistent_database_and_folder(db, engine, tmp_path):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}).id
        contract = documents.save_contract(session=s, actor=office, customer_id=customer, raw={
            "number": "CT-9", "title": "Manutenzione", "start_on": "2026-01-01", "expires_on": "2026-12-31"}).id
    uploads = tmp_path / "uploads"
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DATA_DIR": str(tmp_path), "UPLOAD_DIR": str(uploads)}
    for round_number in range(3):
        worker = subprocess.Popen([sys.executable, "-m", "tests.crash_worker", str(customer), str(contract)],
                                  cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert worker.stdout.readline().strip() == b"ready", worker.stderr.read()
        time.sleep(0.6 + 0.3 * round_number)  # a different moment of the loop each time
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    settings = get_settings().__class__(**{**get_settings().__dict__, "upload_dir": uploads})
    with db() as s:
        saved = s.get(Customer, customer)
        edits = s.exec(select(Movement).where(Movement.customer_id == customer, Movement.kind == "customer.updated")
                       .order_by(Movement.id)).all()
        # Every committed edit has its movement and nothing else: the version and the timeline agree.
        assert saved.version == 1 + len(edits) == edits[-1].customer_version and len(edits) > 3
        assert saved.notes == edits[-1].after
        attachments = s.exec(select(Attachment)).all()
        added = s.exec(select(func.count()).select_from(Movement).where(Movement.kind == "attachment.added")).one()
        assert len(attachments) == added > 0
        for attachment in attachments:  # every row's file is there, whole
            body = (uploads / "files" / attachment.stored_name).read_bytes()
            assert hashlib.sha256(body).hexdigest() == attachment.sha256 and len(body) == attachment.size
        # What a kill left behind (a file written before its row) goes with the start-up clean-up.
        documents.remove_orphans(session=s, settings=settings, now=time.time() + 7200)
        known = {a.stored_name for a in attachments}
    assert {p.name for p in (uploads / "files").iterdir()} == known
    assert list((uploads / "incoming").iterdir()) == []
