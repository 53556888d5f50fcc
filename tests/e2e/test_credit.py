"""Credit control in a real browser: a block set by the credit manager stops the office's new order."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def _open_customer(page: Page, text: str, title: str) -> None:
    page.get_by_role("link", name="Clienti", exact=True).click()
    search = page.locator("#customer-search")
    search.fill(text)
    expect(page.locator("#customer-table")).to_contain_text(title)
    search.press("Enter")
    expect(page.locator("#card-title")).to_have_text(title, timeout=20_000)
    expect(page.locator("#tab-credit")).to_be_visible()


def _dismiss_review(page: Page) -> None:
    """The customer has a change request waiting: for staff who decide, its window opens by itself."""
    review = page.get_by_role("dialog")
    expect(review).to_be_visible(timeout=10_000)
    page.keyboard.press("Escape")
    expect(review).to_have_count(0)


def test_a_credit_managers_block_refuses_the_offices_new_order(page: Page, app_url):
    sign_in(page, app_url, "crediti@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    _open_customer(page, "giulia bianchi", "Giulia Bianchi")  # a credit manager decides no change requests
    page.locator("#tab-credit").click()
    page.locator("#new-block").click()
    page.locator("#block-reason").fill("RiBa di ottobre tornata insoluta")
    page.locator("#save-block").click()
    expect(page.locator("#blocks-table")).to_contain_text("Blocco per insoluti")
    expect(page.locator("#card-block")).to_have_text("Blocco per insoluti")
    page.get_by_role("button", name="Esci").click()

    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    _open_customer(page, "giulia bianchi", "Giulia Bianchi")
    _dismiss_review(page)
    page.locator("#tab-sales").click()
    page.locator("#new-order").click()
    page.locator("input[data-field=description]").fill("Sostituzione termostato")
    page.locator("input[data-field=unit_price]").fill("120,00")
    page.locator("#save-document").click()
    expect(page.locator("#document-refused")).to_contain_text("il cliente è bloccato")
    page.get_by_role("button", name="Annulla").click()

    page.locator("#new-quote").click()  # an unpaid-items block still allows a quote
    page.locator("input[data-field=description]").fill("Sostituzione termostato")
    page.locator("input[data-field=unit_price]").fill("120,00")
    page.locator("#save-document").click()
    expect(page.locator("#documents-table")).to_contain_text("146,40")
    expect(page.locator("#documents-table")).to_contain_text("PRV-")
