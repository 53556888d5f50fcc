"""Contract files uploaded by the office, downloaded by the customer user who may see contracts."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_requests import sign_out
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_office_uploads_contract_files_and_only_the_right_customer_user_gets_them(page: Page, app_url, run_in_app,
                                                                                 tmp_path):
    run_in_app(
        "from sqlmodel import select\n"
        "from app.db import session_scope\n"
        "from app.models import Customer, PortalAccess, User\n"
        "from app.services.users import create_user\n"
        "from app.domain.permissions import Role\n"
        "with session_scope(write=True) as s:\n"
        "    rossi = s.exec(select(Customer).where(Customer.code == 'C000001')).one()\n"
        "    create_user(session=s, email='senza.contratti@example.com', full_name='Dario Neri', "
        "role=Role.CUSTOMER, password='Senza-Contratti-2026', customer_id=rossi.id)\n"
        "    user = s.exec(select(User).where(User.email == 'cliente@demo.it')).one()\n"
        "    s.get(PortalAccess, user.id).may_see_contracts = True\n"
    )
    (tmp_path / "contratto firmato.pdf").write_bytes(PDF)
    (tmp_path / "planimetria.png").write_bytes(PNG)

    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/customers")
    page.locator("#customer-search").fill("rossi impianti")
    page.locator("#customer-table").get_by_role("link", name="Rossi Impianti S.r.l.").click()
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)
    page.locator("#tab-contracts").click()
    page.locator("#add-contract").click()
    page.locator("#doc-number").fill("CT-E2E-1")
    page.locator("#doc-title").fill("Assistenza impianto fotovoltaico")
    page.locator("#doc-expires").fill("2027-12-31")
    page.locator("#doc-shared").click()
    page.locator("#save-document").click()
    page.locator("#document-files input[type=file]").set_input_files(
        [str(tmp_path / "contratto firmato.pdf"), str(tmp_path / "planimetria.png")])
    expect(page.locator("#selected-files")).to_contain_text("planimetria.png")
    page.locator("#send-files").click()
    card = page.locator("#contract-list .document", has_text="CT-E2E-1")
    expect(card.locator(".file-link")).to_have_count(2, timeout=20_000)
    expect(card).to_contain_text("contratto firmato.pdf")
    sign_out(page)

    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.locator("#nav-contracts").click()
    shared = page.locator("#portal-documents .document", has_text="CT-E2E-1")
    link = shared.locator(".file-link", has_text="contratto firmato.pdf")
    expect(link).to_be_visible(timeout=20_000)
    answer = page.request.get(link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == PDF
    assert answer.headers["content-disposition"].startswith("attachment")
    file_url = link.get_attribute("href")
    sign_out(page)

    sign_in(page, app_url, "senza.contratti@example.com", "Senza-Contratti-2026")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    expect(page.locator("#nav-contracts")).to_have_count(0)
    page.goto(f"{app_url}/portal/contracts")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    expect(page.get_by_text("CT-E2E-1")).to_have_count(0)
    assert page.request.get(file_url).status == 403
    sign_out(page)
    assert page.request.get(file_url).status == 401
