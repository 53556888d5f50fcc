"""The office gives a customer's person access to the reserved area; they accept the invitation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_requests import sign_out
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def test_office_adds_an_access_and_the_invited_user_uses_the_reserved_area(page: Page, app_url, mailed_link):
    sign_in(page, app_url, "admin@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    # A profile showing support first, then reminders.
    page.goto(f"{app_url}/office/settings")
    page.locator("#new-profile").click()
    page.locator("#profile-code").fill("ASSISTENZA")
    page.locator("#profile-name").fill("Solo assistenza")
    page.locator("#module-reminders").click()
    page.locator("#module-support").click()
    page.get_by_role("dialog").locator("div", has_text="Assistenza").get_by_role("button", name="Su").last.click()
    page.locator("#save-profile").click()
    expect(page.locator("#profile-ASSISTENZA")).to_contain_text("Assistenza → Promemoria")

    page.goto(f"{app_url}/office/customers")
    page.locator("#customer-search").fill("rossi impianti")
    page.locator("#customer-table").get_by_role("link", name="Rossi Impianti S.r.l.").click()
    expect(page.locator("#card-title")).to_have_text("Rossi Impianti S.r.l.", timeout=20_000)
    page.locator("#tab-accesses").click()
    page.locator("#add-access").click()
    page.locator("#acc-full_name").fill("Chiara Verdi")
    page.locator("#acc-email").fill("chiara.verdi@example.com")
    page.get_by_role("dialog").get_by_role("combobox").last.click()
    page.get_by_role("option", name="Solo assistenza").click()
    page.locator("#save-access").click()
    row = page.locator("#accesses-table .access-row", has_text="Chiara Verdi")
    expect(row).to_contain_text("Inviato il")
    expect(page.get_by_text("invito inviato a chiara.verdi@example.com")).to_be_visible()

    page.goto(f"{app_url}/office/outbox")
    page.get_by_text("il tuo accesso all'area riservata").first.click()
    body = page.locator("#message-body").inner_text()
    assert "Rossi Impianti S.r.l." in body
    assert "/set-password?token=••••••••" in body  # the administrator never reads the link itself
    link = mailed_link("chiara.verdi@example.com")
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
    modules = page.locator("#portal-modules .module-card")
    expect(modules).to_have_count(2)
    expect(modules.nth(0)).to_contain_text("Assistenza")
    expect(modules.nth(1)).to_contain_text("Promemoria")
    expect(page.locator("#nav-my_data")).to_have_count(0)
    page.goto(f"{app_url}/portal/my-data")  # not in the profile: back home
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)

    page.locator("#nav-reminders").click()
    page.locator("#reminder-date").fill("2026-12-15")
    page.locator("#reminder-text").fill("Revisione caldaia del magazzino")
    page.locator("#add-reminder").click()
    expect(page.locator("#reminders .reminder")).to_contain_text("Revisione caldaia del magazzino")

    page.locator("#nav-support").click()
    page.locator("#new-ticket").click()
    page.locator("#ticket-subject").fill("Condizionatore guasto")
    page.locator("#ticket-body").fill("Il condizionatore dell'ufficio non parte da ieri.")
    page.locator("#send-ticket").click()
    expect(page.locator("#tickets-table")).to_contain_text("Condizionatore guasto")
    sign_out(page)

    sign_in(page, app_url, "admin@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.get_by_role("link", name="Assistenza", exact=True).click()
    office = page.locator("#office-tickets")
    expect(office).to_contain_text("Condizionatore guasto")
    expect(office).to_contain_text("Chiara Verdi")
    office.get_by_role("button", name="Condizionatore guasto").click()
    expect(page.locator("#ticket-thread")).to_contain_text("non parte da ieri")
    page.locator("#reply-body").fill("Passiamo domani mattina.")
    page.locator("#send-reply").click()
    expect(page.locator("#ticket-thread")).to_contain_text("Passiamo domani mattina.")
