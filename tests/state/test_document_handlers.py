"""Contracts and their files from the card, through the handlers the browser calls."""

import pytest
from sqlmodel import select

from app.domain.permissions import Role
from app.models import Attachment
from app.services import customers
from app.state.documents import DocumentsTab
from tests import factories
from tests.state.conftest import opened_card, signed_in_token

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Upload:
    """What the browser sends for one file: a name and its bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        return customers.create_customer(session=s, actor=factories.actor(s, Role.OFFICE), raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}).id


async def test_a_new_contract_takes_its_files_and_the_list_shows_them(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, tab = await opened_card(token, acme, DocumentsTab)
    await tab.new_document("contract")
    assert tab.open_dialogs == ["document"]
    await tab.save_document({"number": "K-1", "title": "Manutenzione", "start_on": "2026-01-01",
                             "expires_on": "2027-01-01"})
    assert tab.open_dialogs == ["upload"]
    answer = await tab.receive_files([Upload("contratto.pdf", PDF), Upload("virus.exe", b"MZ\x90\x00")])
    assert answer is not None  # one stored: a toast says so
    assert len(tab.upload_errors) == 1 and tab.upload_errors[0].startswith("virus.exe")
    assert [f.name for f in tab.contract_rows[0].files] == ["contratto.pdf"]
    await tab.receive_files([Upload("secondo.pdf", PDF)])
    assert tab.open_dialogs == [] and len(tab.contract_rows[0].files) == 2
    await tab.receive_files([Upload("terzo.pdf", PDF)])  # the dialog is closed: nothing is taken
    with app_db() as s:
        assert len(s.exec(select(Attachment)).all()) == 2
