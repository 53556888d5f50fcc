"""Credit control in a real browser: a block set by the credit manager stops the office's new order."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in
from tests.smtp import smtp_server

pytestmark = pytest.mark.e2e


def _open_customer(page: Page, text: str, title: str) -> None:
    page.get_by_role("link", name="Clienti", exact=True).click()
    search = page.locator("#customer-search")
    search.fill(text)
    expect(page.locator("#customer-table")).to_contain_text(title)
    search.press("Enter")
    expect(page.locator("#card-title")).to_have_text(title, timeout=20_000)
    expect(page.locator("#tab-credit")).to_be_visible()


def _new_document(page: Page, kind: str, description: str, price: str) -> None:
    page.locator(f"#new-{kind}").click()
    page.locator("input[data-field=description]").fill(description)
    page.locator("input[data-field=unit_price]").fill(price)
    page.locator("#save-document").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(re.compile("/login/?$"), timeout=20_000)  # before the next sign-in navigates


def _dismiss_review(page: Page) -> None:
    """The customer has a change request waiting: for staff who decide, its window opens by itself."""
    review = page.get_by_role("dialog")
    expect(review).to_be_visible(timeout=10_000)
    page.keyboard.press("Escape")
    expect(review).to_have_count(0)


def test_a_credit_managers_block_refuses_the_offices_new_order(page: Page, app_url):
    sign_in(page, app_url, "crediti@demo.it")
    expect(page).to_have_url(re.compile("/office/credit/?$"), timeout=20_000)
    _open_customer(page, "giulia bianchi", "Giulia Bianchi")  # a credit manager decides no change requests
    page.locator("#tab-credit").click()
    page.locator("#new-block").click()
    page.locator("#block-reason").fill("RiBa di ottobre tornata insoluta")
    page.locator("#save-block").click()
    expect(page.locator("#blocks-table")).to_contain_text("Blocco per insoluti")
    expect(page.locator("#card-block")).to_have_text("Blocco per insoluti")
    _sign_out(page)

    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    _open_customer(page, "giulia bianchi", "Giulia Bianchi")
    _dismiss_review(page)
    page.locator("#tab-sales").click()
    _new_document(page, "order", "Sostituzione termostato", "120,00")
    expect(page.locator("#document-refused")).to_contain_text("il cliente è bloccato")
    page.get_by_role("button", name="Annulla").click()

    _new_document(page, "quote", "Sostituzione termostato", "120,00")  # an unpaid-items block allows a quote
    expect(page.locator("#documents-table")).to_contain_text("146,40")
    expect(page.locator("#documents-table")).to_contain_text("PRV-")


def _customer(run_in_app, code: str) -> tuple[str, str]:
    """A demo customer's name and e-mail address, as the seed made them."""
    return tuple(run_in_app(
        "from sqlmodel import select; from app.db import session_scope; from app.models import Customer\n"
        f"with session_scope() as s: c = s.exec(select(Customer).where(Customer.code == '{code}')).one(); "
        "print(c.display_name); print(c.email)").splitlines())


def test_an_unpaid_item_blocks_by_itself_an_order_over_the_limit_waits_and_the_notice_is_mailed(
        page: Page, app_url, run_in_app):
    unpaid_name, unpaid_email = _customer(run_in_app, "C000005")
    limited_name, _ = _customer(run_in_app, "C000004")
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)

    # The customer pays the instalment by RiBa; the RiBa comes back with the bank's charges.
    _open_customer(page, unpaid_name.split(" ")[1], unpaid_name)
    page.locator("#tab-credit").click()
    page.locator(".record-payment").first.click()
    page.locator("#save-payment").click()
    expect(page.locator(".receivable-row").first).to_contain_text("Saldata")
    page.locator(".register-unpaid").first.click()
    page.locator("#unpaid-charges").fill("8,50")
    page.locator("#save-unpaid").click()
    expect(page.locator("#card-block")).to_have_text("Blocco per insoluti")  # nobody set it
    expect(page.locator("#credit-terms")).to_contain_text("1 insoluto aperto: 2.204,50 € con le spese")
    page.locator("#tab-sales").click()
    _new_document(page, "order", "Ricambi", "80")
    expect(page.locator("#document-refused")).to_contain_text("il cliente è bloccato")
    page.get_by_role("button", name="Annulla").click()

    # An order that takes another customer over their limit is saved, and waits.
    _open_customer(page, limited_name.split(" ")[1], limited_name)
    page.locator("#tab-sales").click()
    _new_document(page, "order", "Revisione bruciatore", "1.000")
    waiting = page.locator(".document-row").filter(has_text="1.220,00")
    expect(waiting).to_contain_text("In attesa")
    _sign_out(page)

    # The credit manager sees it with the exposure it brings, and releases it.
    sign_in(page, app_url, "crediti@demo.it")  # the credit manager lands on credit control
    expect(page).to_have_url(re.compile("/office/credit/?$"), timeout=20_000)
    row = page.locator(".held-row").filter(has_text=limited_name).filter(has_text="1.220,00")
    expect(row).to_contain_text("Fuori fido")
    expect(row).to_contain_text("2.196,00 € → 3.416,00 €")
    expect(page.locator("#fig-unpaid")).to_contain_text("4.409,00")  # with the demo's other unpaid item
    row.locator(".release-document").click()
    page.locator("#held-note").fill("Garanzia bancaria ricevuta")
    page.locator("#confirm-decision").click()
    expect(page.locator(".held-row").filter(has_text="1.220,00")).to_have_count(0)
    _open_customer(page, limited_name.split(" ")[1], limited_name)
    page.locator("#tab-sales").click()
    expect(page.locator(".document-row").filter(has_text="1.220,00")).to_contain_text("Bozza")

    # The outbox is delivered (as cron does) to an SMTP server: the customer has the notice.
    with smtp_server() as (server, collector):
        env = f"import os; os.environ.update(SMTP_HOST='127.0.0.1', SMTP_PORT='{server.port}')\n"
        run_in_app(env + "import asyncio; from app.jobs import deliver_outbox; print(asyncio.run(deliver_outbox()))")
    notices = [m for m in collector.messages if m["To"] == unpaid_email]
    assert len(notices) == 1, [m["To"] for m in collector.messages]
    body = notices[0].get_payload(decode=True).decode() if not notices[0].is_multipart() else \
        notices[0].get_payload(0).get_payload(decode=True).decode()
    assert "2.204,50" in body
