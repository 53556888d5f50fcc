"""The reserved area and the field area on a phone: no page scrolls sideways at 360, 390 and 414 px, and the
menu holds every entry with its label."""

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

PAGES = {
    "cliente@demo.it": ["/portal", "/portal/interventions", "/portal/contracts", "/portal/reports", "/portal/my-data", "/portal/consents",
                        "/portal/reminders", "/portal/support", "/portal/account"],
    "tecnico@demo.it": ["/field", "/field/account"],
}


@pytest.mark.parametrize("width", [360, 390, 414])
def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, app_url, width):
    for email, paths in PAGES.items():
        page = browser.new_page(viewport={"width": width, "height": 844})
        sign_in(page, app_url, email)
        expect(page).to_have_url(re.compile(f"{paths[0]}/?$"), timeout=20_000)
        for path in paths:
            page.goto(f"{app_url}{path}")
            expect(page.locator("#phone-menu")).to_be_visible(timeout=20_000)
            page.wait_for_load_state("networkidle")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide on a {width} px screen"
        page.close()


def test_the_phone_menu_names_every_entry_and_signs_out(browser: Browser, app_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.locator("#phone-menu").click()
    menu = page.get_by_role("menu")
    for label in ("Home", "Il mio account", "Italiano", "English", "Esci"):
        expect(menu).to_contain_text(label)
    page.get_by_role("menuitem", name="Il mio account").click()
    expect(page).to_have_url(re.compile("/portal/account/?$"), timeout=20_000)
    page.locator("#phone-menu").click()
    page.locator("#phone-logout").click()
    expect(page).to_have_url(re.compile("/login/?$"), timeout=20_000)
    page.close()
