"""The office gives a customer's person access to the reserved area; they accept the invitation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_requests import sign_out
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def test_office_adds_an_access_and_the_invited_user_signs_in(page: Page, app_url):
    sign_in(page, app_url, "admin@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/customers")
    page.locator("#customer-search").fill("rossi impianti")
    page.locator("#customer-table").get_by_role("link", name="Rossi Impianti S.r.l.").click()
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)
    page.locator("#tab-accesses").click()
    page.locator("#add-access").click()
    page.locator("#acc-full_name").fill("Chiara Verdi")
    page.locator("#acc-email").fill("chiara.verdi@example.com")
    page.locator("#save-access").click()
    row = page.locator("#accesses-table .access-row", has_text="Chiara Verdi")
    expect(row).to_contain_text("Inviato il")
    expect(page.get_by_text("invito inviato a chiara.verdi@example.com")).to_be_visible()

    page.goto(f"{app_url}/office/outbox")
    page.get_by_text("il tuo accesso all'area riservata").first.click()
    body = page.locator("#message-body").inner_text()
    assert "Rossi Impianti S.r.l." in body
    link = re.search(r"http://\S+/set-password\?token=\S+", body).group(0)
    page.keyboard.press("Escape")
    sign_out(page)

    page.goto(link)
    page.locator("#password").fill("Cielo-Sereno-Milano-5")
    page.locator("#confirm").fill("Cielo-Sereno-Milano-5")
    page.locator("#setpw-submit").click()
    expect(page.locator("#setpw-done")).to_be_visible()
    sign_in(page, app_url, "chiara.verdi@example.com", "Cielo-Sereno-Milano-5")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    expect(page.locator("#portal-company")).to_contain_text("Rossi Impianti S.r.l.")
