"""A customer asks for changes in the reserved area; the office decides field by field."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def sign_out(page: Page) -> None:
    page.locator("#logout").click()
    expect(page).to_have_url(re.compile("/login"), timeout=20_000)


def test_customer_asks_office_decides_customer_sees_the_outcome(page: Page, app_url):
    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.locator("#nav-my_data").click()
    expect(page.locator("#my-phone")).to_have_value(re.compile(r"\d"), timeout=20_000)
    page.locator("#my-phone").fill("02 5555 1234")
    page.locator("#my-email").fill("nuova@rossiimpianti.example.com")
    page.locator("#my-street").fill("Via Giuseppe Mazzini 16")
    page.locator("#send-changes").click()
    expect(page.locator("#outcome-applied")).to_contain_text("Telefono")
    expect(page.locator("#outcome-pending")).to_contain_text("E-mail")
    expect(page.locator("#outcome-pending")).to_contain_text("Indirizzo")
    expect(page.locator("#my-phone")).to_have_value("02 5555 1234")  # applied at once
    expect(page.locator("#pending-email")).to_contain_text("nuova@rossiimpianti.example.com")
    sign_out(page)

    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.get_by_role("link", name="Richieste clienti").click()
    inbox = page.locator("#inbox-table")
    expect(inbox).to_contain_text("Rossi Impianti S.r.l.")
    expect(inbox).to_contain_text("Via Giuseppe Mazzini 16")
    inbox.locator("tr", has_text="Rossi Impianti S.r.l.").get_by_role("link", name="Rivedi").click()

    window = page.locator("#review-window")  # opens by itself: the customer has waiting changes
    expect(window).to_be_visible(timeout=20_000)
    expect(window).to_contain_text("Via Giuseppe Mazzini 14, 20123 Milano (MI)")
    window.locator("tr", has_text="Indirizzo").get_by_role("radio", name="Accetta").click()
    window.locator("tr", has_text="E-mail").get_by_role("radio", name="Ignora").click()
    page.locator("#confirm-review").click()
    summary = page.locator("#decision-summary")
    expect(summary).to_contain_text("Modificati da questa decisione: Indirizzo")
    expect(summary).to_contain_text("Non accettati: E-mail")
    expect(summary).to_contain_text("Applicati automaticamente dalle stesse richieste: Telefono")
    expect(page.get_by_text("Via Giuseppe Mazzini 16")).to_be_visible()
    expect(page.get_by_text("amministrazione@rossiimpianti.example.com")).to_be_visible()

    page.locator("#tab-movements").click()
    page.get_by_role("radio", name="Richieste").click()
    movements = page.locator("#movements-table")
    for kind in ("Richiesta di modifica", "Applicato automaticamente", "Richiesta accettata", "Richiesta ignorata"):
        expect(movements).to_contain_text(kind)
    expect(movements).to_contain_text("Marco Ferri")
    expect(movements).to_contain_text("Paolo Rossi")
    sign_out(page)

    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.goto(f"{app_url}/portal/my-data")
    request = page.locator(".own-request").first
    expect(request).to_contain_text("Conclusa", timeout=20_000)
    expect(request.locator("tr", has_text="Indirizzo")).to_contain_text("Accettato")
    expect(request.locator("tr", has_text="E-mail")).to_contain_text("Non accettato")
    expect(request.locator("tr", has_text="Telefono")).to_contain_text("Applicato subito")
    expect(page.locator("#my-street")).to_have_value("Via Giuseppe Mazzini 16")
