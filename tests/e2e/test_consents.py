"""Consents recorded by the office, seen read-only without the right, withdrawn by the customer."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_requests import sign_out
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def open_rossi(page: Page, app_url: str, email: str) -> None:
    sign_in(page, app_url, email)
    expect(page).to_have_url(re.compile("/office(/credit)?/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/customers")
    page.locator("#customer-search").fill("rossi impianti")
    page.locator("#customer-table").get_by_role("link", name="Rossi Impianti S.r.l.").click()
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)


def test_office_records_consents_others_read_them_customer_withdraws(page: Page, app_url):
    open_rossi(page, app_url, "ufficio@demo.it")
    profiling = page.locator("#general-consents .consent-row", has_text="Profilazione")
    profiling.get_by_role("radio", name="Dato").click()
    expect(profiling).to_contain_text("Marco Ferri")
    profiling.get_by_role("radio", name="Negato").click()
    expect(profiling.get_by_role("radio", name="Negato")).to_have_attribute("data-state", "on")
    profiling.get_by_role("button", name="Testo e storico").click()
    history = page.locator("#consent-history")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first).to_contain_text("Negato")
    expect(history.locator("tbody tr").last).to_contain_text("Dato")
    expect(page.locator("#consent-dialog")).to_contain_text("Acconsento all'analisi")
    page.keyboard.press("Escape")
    sign_out(page)

    open_rossi(page, app_url, "crediti@demo.it")
    expect(page.locator("#consents-read-only")).to_be_visible()
    expect(page.locator("#general-consents").get_by_role("radio")).to_have_count(0)
    expect(page.locator("#general-consents .consent-row", has_text="Profilazione")).to_contain_text("Negato")
    sign_out(page)

    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.locator("#nav-consents").click()
    newsletter = page.locator(".portal-consent", has_text="Newsletter")
    switch = newsletter.get_by_role("switch")
    expect(switch).to_be_checked(timeout=20_000)
    switch.click()  # withdrawing takes one click
    expect(switch).not_to_be_checked()
    expect(newsletter).to_contain_text("Negato")
    sign_out(page)

    open_rossi(page, app_url, "ufficio@demo.it")
    page.get_by_role("tab", name="Contatti").click()
    company = page.locator(".channel-consents", has_text="amministrazione@").locator(".consent-row",
                                                                                     has_text="Newsletter")
    expect(company).to_contain_text("Area riservata")
    expect(company).to_contain_text("Paolo Rossi")
    expect(company.get_by_role("radio", name="Negato")).to_have_attribute("data-state", "on")
