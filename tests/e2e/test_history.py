"""The transaction history in a real browser: search, a bookmarked filter, a complaint, the export."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_consents import open_rossi

pytestmark = pytest.mark.e2e


def test_an_office_clerk_searches_the_history_registers_a_complaint_and_exports(page: Page, app_url):
    open_rossi(page, app_url, "ufficio@demo.it")
    page.locator("#tab-history").click()
    sold = page.locator(".history-row").filter(has_text="Manutenzione programmata impianto")
    expect(sold).to_contain_text("Venduto")

    page.locator("#history-q").fill("manutenzione")
    page.locator("#history-apply").click()
    expect(page).to_have_url(re.compile(r"tab=history.*q=manutenzione"))
    page.reload()  # the address is the bookmark: the same view comes back
    expect(page.locator("#history-q")).to_have_value("manutenzione", timeout=20_000)
    expect(page.locator(".history-row")).to_have_count(1)

    page.locator(".history-row .make-complaint").click()
    page.locator("#complaint-quantity").fill("2")
    page.locator("#save-complaint").click()
    expect(page.get_by_role("dialog")).to_contain_text("Tra zero e la quantità venduta (1)")
    page.locator("#complaint-quantity").fill("1")
    page.locator("#complaint-defective").click()
    page.locator("#complaint-notes").fill("La caldaia si blocca ogni mattina")
    page.locator("#save-complaint").click()
    complaint = page.locator(".history-row").filter(has_text="Reclamo in corso")
    expect(complaint).to_contain_text("Difettoso")
    expect(complaint).to_contain_text("← FT-")

    with page.expect_download() as download:
        page.locator("#export-csv").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert body.startswith("Articolo;Codice;EAN") and body.count("Manutenzione programmata impianto") == 2


def test_the_card_as_it_was_before_an_edit(page: Page, app_url):
    open_rossi(page, app_url, "ufficio@demo.it")
    before = datetime.now(ZoneInfo("Europe/Rome")).replace(tzinfo=None) - timedelta(seconds=1)
    page.locator("#edit-customer").click()
    page.locator("input[name=notes], textarea[name=notes]").first.fill("Cliente storico, pagatore puntuale")
    page.locator("#save-customer").click()
    expect(page.locator("#edit-customer")).to_be_visible(timeout=20_000)

    page.locator("#open-as-of").click()
    page.locator("#as-of-at").fill(before.strftime("%Y-%m-%dT%H:%M:%S"))
    page.locator("#as-of-show").click()
    expect(page.locator("#as-of-title")).to_contain_text("Sola lettura")
    changed = page.locator(".as-of-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Cliente storico, pagatore puntuale")
