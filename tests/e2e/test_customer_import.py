"""A clerk imports a small CSV from Clienti: mapping guessed, preview with an error, import, counts, error file."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

CSV = ("Ragione sociale;Partita IVA;Indirizzo;CAP;Comune;Provincia\n"
       "Officine Importate S.r.l.;04567890126;Via Emilia 10;40121;Bologna;BO\n"
       "Riga Sbagliata;123;Via Roma 1;00184;Roma;RM\n")


def test_a_clerk_imports_a_csv_and_sees_the_counts(page: Page, app_url, tmp_path):
    path = tmp_path / "nuovi clienti.csv"
    path.write_text(CSV, encoding="utf-8")
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/customers")
    page.locator("#customers-import").click()
    expect(page).to_have_url(re.compile("/office/customers/import$"), timeout=20_000)
    page.locator("#import-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#import-selected")).to_contain_text("nuovi clienti.csv")
    page.locator("#import-read").click()
    expect(page.locator("#import-map-0")).to_have_value("company_name", timeout=20_000)
    expect(page.locator("#import-map-1")).to_have_value("vat_number")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Officine Importate S.r.l.")
    expect(preview.get_by_role("alert").first).to_be_visible()
    page.locator("#import-start").click()
    page.locator("#import-confirm").click()
    expect(page.locator("#import-done")).to_be_visible(timeout=30_000)
    expect(page.locator("#import-count-created")).to_have_text("1")
    expect(page.locator("#import-count-failed")).to_have_text("1")
    href = page.locator("#import-error-file").get_attribute("href")
    errors = page.request.get(href if href.startswith("http") else f"{app_url}{href}")
    assert errors.status == 200 and "Riga Sbagliata" in errors.text()
    page.goto(f"{app_url}/office/customers")
    page.locator("#customer-search").fill("officine importate")
    expect(page.locator("#customer-table")).to_contain_text("Officine Importate S.r.l.", timeout=20_000)
