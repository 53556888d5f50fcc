"""Main journeys of the foundation, in a real browser against the production build."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from app.seed import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page: Page, app_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{app_url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


@pytest.mark.parametrize(
    "email,area,landmark",
    [
        ("admin@demo.it", "/office", "Posta in uscita"),
        ("ufficio@demo.it", "/office", "Clienti in anagrafica"),
        ("crediti@demo.it", "/office/credit", "Clienti fuori fido"),
        ("tecnico@demo.it", "/field", "Prossimi 7 giorni"),
        ("cliente@demo.it", "/portal", "Rossi Impianti S.r.l."),
    ],
)
def test_each_demo_user_lands_in_their_area(page: Page, app_url, email, area, landmark):
    sign_in(page, app_url, email)
    expect(page).to_have_url(re.compile(f"{area}/?$"), timeout=20_000)
    expect(page.get_by_text(landmark).first).to_be_visible()
    if email != "admin@demo.it":  # the outbox is for administrators only, in the navigation too
        expect(page.get_by_text("Posta in uscita")).to_have_count(0)


def test_wrong_password_shows_the_message_and_stays(page: Page, app_url):
    sign_in(page, app_url, "ufficio@demo.it", "not-the-right-password")
    expect(page.locator("#login-error")).to_contain_text("E-mail o password non corretti")
    expect(page).to_have_url(re.compile("/login/?$"))


def test_customer_typing_an_office_url_is_sent_back_to_the_portal(page: Page, app_url):
    sign_in(page, app_url, "cliente@demo.it")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/outbox")
    expect(page).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    expect(page.get_by_text("Rossi Impianti S.r.l.")).to_be_visible()


def test_switching_language_changes_the_page(page: Page, app_url):
    page.goto(f"{app_url}/login")
    expect(page.get_by_role("heading", name="Accedi")).to_be_visible()
    page.locator("#language-switch").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Forgot your password?")).to_be_visible()


def test_forgotten_password_through_the_e_mailed_link(page: Page, app_url, run_in_app, mailed_link):
    run_in_app(
        "from app.db import session_scope; from app.services.users import create_user; "
        "from app.domain.permissions import Role\n"
        "with session_scope(write=True) as s: create_user(session=s, email='dimentica@example.com', "
        "full_name='Sara Neri', role=Role.TECHNICIAN, password='Vecchia-Password-31')"
    )
    page.goto(f"{app_url}/forgot-password")
    page.locator("#email").fill("dimentica@example.com")
    page.get_by_role("button", name="Invia il link").click()
    expect(page.locator("#forgot-sent")).to_be_visible()

    # The administrator sees the message in the outbox, its link masked (no SMTP server is configured here).
    sign_in(page, app_url, "admin@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.goto(f"{app_url}/office/outbox")
    page.get_by_text("reimposta la password").first.click()
    body = page.locator("#message-body").inner_text()
    assert "/set-password?token=••••••••" in body
    link = mailed_link("dimentica@example.com")
    assert link.split("token=")[1] not in body
    page.keyboard.press("Escape")
    state_id = page.evaluate("window.sessionStorage.getItem('token')")
    assert state_id
    page.locator("#logout").click()
    expect(page).to_have_url(re.compile("/login/?$"), timeout=20_000)
    expect(page.locator("#email")).to_be_visible()
    # Signing out starts the tab with a new state: what the admin saw is never sent to it again.
    assert page.evaluate("window.sessionStorage.getItem('token')") != state_id

    page.goto(link)
    page.locator("#password").fill("password123")
    page.locator("#confirm").fill("password123")
    page.locator("#setpw-submit").click()
    expect(page.get_by_text("tra le più usate")).to_be_visible()
    page.locator("#password").fill("Nuova-Password-Sicura-7")
    page.locator("#confirm").fill("Nuova-Password-Sicura-7")
    page.locator("#setpw-submit").click()
    expect(page.locator("#setpw-done")).to_be_visible()

    page.goto(link)  # the link works once
    expect(page.locator("#link-invalid")).to_be_visible()
    sign_in(page, app_url, "dimentica@example.com", "Nuova-Password-Sicura-7")
    expect(page).to_have_url(re.compile("/field/?$"), timeout=20_000)


def test_the_session_cookie_is_out_of_the_pages_reach(page: Page, app_url):
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    expect(page.get_by_text("Clienti in anagrafica").first).to_be_visible()
    assert "registry_session" not in page.evaluate("document.cookie")
    [session] = [c for c in page.context.cookies() if c["name"] == "registry_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"


def test_a_tab_token_reused_without_the_cookie_finds_the_sign_in_page(page: Page, app_url, browser):
    sign_in(page, app_url, "admin@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    expect(page.get_by_text("Posta in uscita").first).to_be_visible()
    tab_token = page.evaluate("window.sessionStorage.getItem('token')")
    page.close()  # the tab goes away; its state stays on the server for a while
    probe = browser.new_context()
    try:
        probe.add_init_script(f"window.sessionStorage.setItem('token', {json.dumps(tab_token)})")
        tab = probe.new_page()
        received: list[str] = []
        tab.on("websocket", lambda socket: socket.on("framereceived", lambda frame: received.append(str(frame))))
        tab.goto(f"{app_url}/office")
        expect(tab).to_have_url(re.compile("/login"), timeout=20_000)
        expect(tab.locator("#email")).to_be_visible()
        expect(tab.get_by_text("Posta in uscita")).to_have_count(0)
        # Not even for a moment: nothing the admin's tab held came down the probe's socket.
        assert received and not [frame for frame in received if "Alessandra Conti" in frame]
    finally:
        probe.close()
