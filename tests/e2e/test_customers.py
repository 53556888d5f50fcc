"""The registry's main journey in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def test_office_user_fixes_an_invalid_vat_number_and_sees_the_movement(page: Page, app_url):
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.get_by_role("link", name="Clienti", exact=True).click()
    search = page.locator("#customer-search")
    search.fill("rossi impianti")
    expect(page.locator("#customer-table")).to_contain_text("Rossi Impianti S.r.l.")
    search.press("Enter")
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)

    page.locator("#edit-customer").click()
    page.locator("#f-vat_number").fill("00743110158")  # wrong check digit
    page.locator("#f-phone").fill("02 9999 0000")
    page.locator("#save-customer").click()
    expect(page.get_by_text("Partita IVA non valida")).to_be_visible()
    expect(page.locator("#form-message")).to_contain_text("nulla è stato salvato")

    page.reload()  # nothing was written: the card still shows the stored values
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)
    expect(page.get_by_text("02 4851 2210")).to_be_visible()
    expect(page.get_by_text("00743110158")).to_have_count(0)

    page.locator("#edit-customer").click()
    page.locator("#f-vat_number").fill("00743110157")
    page.locator("#f-phone").fill("02 9999 0000")
    page.locator("#save-customer").click()
    expect(page.get_by_text("Modifiche salvate")).to_be_visible()
    expect(page.get_by_text("02 9999 0000")).to_be_visible()

    page.locator("#tab-movements").click()
    movements = page.locator("#movements-table")
    expect(movements).to_contain_text("Dato modificato")
    expect(movements).to_contain_text("Telefono")
    expect(movements).to_contain_text("02 4851 2210")  # phones read as on the card, before and after
    expect(movements).to_contain_text("Marco Ferri")
