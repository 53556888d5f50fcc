"""The office lists as a user meets them: the number of results, a column sorted by a click, the filters in
the address (bookmarked, reloaded, shared); and files on a support request's messages, both ways."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_requests import sign_out
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def test_the_customer_list_counts_sorts_and_keeps_its_filters_in_the_address(page: Page, app_url):
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/customers")
    expect(page.locator("#customer-count")).to_have_text(re.compile(r"^\d[\d.]* risultati$"), timeout=20_000)
    page.locator("#sort-code").click()
    expect(page).to_have_url(re.compile(r"/office/customers\?sort=code$"), timeout=20_000)
    codes = page.locator("#customer-table tbody tr td:first-child").all_inner_texts()
    assert codes == sorted(codes)
    page.locator("#customer-search").fill("rossi")
    expect(page).to_have_url(re.compile(r"q=rossi"), timeout=20_000)
    # A text search keeps name order: the code column stops offering its sort.
    expect(page.locator("#sort-code")).to_be_disabled()
    count = page.locator("#customer-count").inner_text()
    address = page.url
    page.goto(address)  # what a bookmark or a shared link does
    expect(page.locator("#customer-search")).to_have_value("rossi", timeout=20_000)
    expect(page.locator("#customer-count")).to_have_text(count)
    expect(page.locator("#customer-table")).to_contain_text("Rossi")


def test_files_go_both_ways_on_a_support_request(page: Page, app_url, tmp_path):
    photo = tmp_path / "caldaia.png"
    photo.write_bytes(PNG)
    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.goto(f"{app_url}/portal/support")
    page.locator("#new-ticket").click()
    page.locator("#ticket-subject").fill("Caldaia in blocco")
    page.locator("#ticket-body").fill("Allego la foto del display.")
    page.locator("#ticket-new-files input[type=file]").set_input_files([str(photo)])
    staged = page.locator(".staged-file")
    expect(staged).to_contain_text("caldaia.png", timeout=20_000)
    expect(staged).to_contain_text(f"{len(PNG)} B")
    page.locator("#send-ticket").click()
    row = page.locator(".ticket-row", has_text="Caldaia in blocco")
    expect(row).to_be_visible(timeout=20_000)
    row.locator(".ticket-open").click()
    link = page.locator("#ticket-thread .message-file", has_text="caldaia.png")
    expect(link).to_be_visible(timeout=20_000)
    answer = page.request.get(link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == PNG
    file_url = link.get_attribute("href")
    page.keyboard.press("Escape")  # the thread's dialog closes with Escape
    expect(page.locator("#ticket-thread")).to_have_count(0)
    # A file that is not what its name says is refused next to the field, and nothing is attached.
    row.locator(".ticket-open").click()
    fake = tmp_path / "fattura.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.locator("#reply-files input[type=file]").set_input_files([str(fake)])
    expect(page.locator(".file-error")).to_contain_text("fattura.pdf", timeout=20_000)
    expect(page.locator(".staged-file")).to_have_count(0)
    page.keyboard.press("Escape")
    sign_out(page)

    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/tickets")
    page.locator(".ticket-row", has_text="Caldaia in blocco").locator(".ticket-open").click()
    expect(page.locator("#ticket-thread .message-file", has_text="caldaia.png")).to_be_visible(timeout=20_000)
    schema = tmp_path / "schema.png"
    schema.write_bytes(PNG)
    page.locator("#reply-files input[type=file]").set_input_files([str(schema)])
    expect(page.locator(".staged-file")).to_contain_text("schema.png", timeout=20_000)
    page.locator("#reply-body").fill("Ecco lo schema di collegamento.")
    page.locator("#send-reply").click()
    expect(page.locator("#ticket-thread .message-file", has_text="schema.png")).to_be_visible(timeout=20_000)
    page.keyboard.press("Escape")
    sign_out(page)
    assert page.request.get(file_url).status == 401
