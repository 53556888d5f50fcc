"""Interventions in a real browser: the office plans one from the calendar, the technician closes it on a
phone with the customer's signature drawn on the screen, the customer's flagged user receives the signed
sheet by e-mail and finds it in the reserved area; a dropped connection closes it once."""

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.test_sign_in import sign_in
from tests.smtp import smtp_server

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PASSWORD = "Firma-Sul-Tablet-2026"

SETUP = f"""
from sqlmodel import select
from app.db import session_scope
from app.domain.permissions import Role
from app.models import Customer, PortalAccess, Site, User
from app.services import customers, portal_accesses
from app.services.auth import actor_of
from app.services.security import hash_password
with session_scope(write=True) as s:
    office = actor_of(s.exec(select(User).where(User.email == "ufficio@demo.it")).one())
    customer = customers.create_customer(session=s, actor=office, raw={{
        "kind": "business", "company_name": "Officina Brenta S.r.l.", "vat_number": "04193160282"}})
    customers.save_site(session=s, actor=office, customer_id=customer.id, raw={{
        "name": "Capannone", "street": "Via Venezia 10", "cap": "35131", "city": "Padova", "province": "PD"}})
    for email, sheets in (("firma.si@brenta.example.com", "on"), ("firma.no@brenta.example.com", "")):
        saved = portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={{
            "full_name": email.split("@")[0], "email": email, "active": "on", "visibility": "company",
            "receives_signed_sheets": sheets}})
        s.get(User, saved.user_id).password_hash = hash_password({PASSWORD!r})
    print(customer.id)
"""


def _draw_signature(page: Page) -> None:
    canvas = page.locator("canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * (box["width"] - 40) / 11,
                        box["y"] + box["height"] * (0.3 if step % 2 else 0.7), steps=4)
    page.mouse.up()


def _fill_work(page: Page, work: str) -> None:
    page.locator("#work_done").fill(work)
    page.locator("#minutes_spent").fill("75")
    page.locator("input[name=material_0_description]").fill("Guarnizione 3/4")
    page.locator("input[name=material_0_quantity]").fill("2")
    page.locator("input[name=material_0_unit]").fill("pz")
    page.locator("#signer_name").fill("Paolo Brenta")


def _technician_opens(browser: Browser, app_url: str, customer: str) -> tuple:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, app_url, "tecnico@demo.it")
    expect(page).to_have_url(re.compile("/field/?$"), timeout=20_000)
    page.locator("#agenda-today").get_by_text(customer).first.click()
    expect(page.locator("#start-intervention")).to_be_visible(timeout=20_000)
    page.locator("#start-intervention").click()
    expect(page.locator("#close-intervention")).to_be_visible(timeout=20_000)
    return context, page


def test_planned_in_the_office_signed_on_a_phone_mailed_and_shown_to_the_customer(browser: Browser, page: Page,
                                                                                  app_url, run_in_app):
    run_in_app(SETUP)
    # The office plans it from the calendar: a free slot of today, in the day view.
    sign_in(page, app_url, "ufficio@demo.it")
    expect(page).to_have_url(re.compile("/office/?$"), timeout=20_000)
    page.get_by_role("link", name="Interventi").click()
    expect(page.locator("#planning-calendar .fc")).to_be_visible(timeout=20_000)
    page.locator("#planning-calendar .fc-timeGridDay-button").click()
    page.locator("#planning-calendar td.fc-timegrid-slot-lane[data-time='21:00:00']").click()
    dialog = page.locator("#plan-dialog")
    expect(dialog).to_be_visible(timeout=10_000)
    page.locator("#plan-customer").fill("Brenta")
    dialog.get_by_role("button", name=re.compile("Officina Brenta")).click()
    expect(page.locator("#plan-customer-name")).to_contain_text("Officina Brenta")
    dialog.get_by_role("checkbox").first.click()  # the first technician: the demo's
    page.locator("#plan-description").fill("Perdita dal bruciatore")
    page.locator("#plan-save").click()
    expect(dialog).to_have_count(0, timeout=10_000)
    expect(page.locator("#planning-calendar")).to_contain_text("Officina Brenta", timeout=10_000)

    # The technician, on a phone, does it and the customer signs on the screen.
    context, phone = _technician_opens(browser, app_url, "Officina Brenta")
    _fill_work(phone, "Sostituite le guarnizioni del bruciatore")
    _draw_signature(phone)
    phone.locator("#close-intervention").click()
    expect(phone.get_by_text("Chiuso e firmato da")).to_be_visible(timeout=20_000)
    expect(phone.locator("#field-sheet")).to_be_visible()
    context.close()

    # The outbox is delivered: only the user with "receives signed sheets" gets the PDF.
    with smtp_server() as (server, collector):
        env = f"import os; os.environ.update(SMTP_HOST='127.0.0.1', SMTP_PORT='{server.port}')\n"
        run_in_app(env + "import asyncio; from app.jobs import deliver_outbox; print(asyncio.run(deliver_outbox()))")
    # (both users were also sent their invitation when their access was made)
    sheets = {m["To"]: [p for p in m.walk() if p.get_content_type() == "application/pdf"]
              for m in collector.messages if any(p.get_content_type() == "application/pdf" for p in m.walk())}
    assert list(sheets) == ["firma.si@brenta.example.com"]
    pdfs = sheets["firma.si@brenta.example.com"]
    assert len(pdfs) == 1
    sheet = PdfReader(io.BytesIO(pdfs[0].get_payload(decode=True)))
    text = sheet.pages[0].extract_text()
    assert "Paolo Brenta" in text and "Sostituite le guarnizioni del bruciatore" in text
    assert sheet.pages[0].images, "the drawn signature is on the sheet"

    # The customer's user finds it in the reserved area.
    customer = browser.new_page()
    sign_in(customer, app_url, "firma.si@brenta.example.com", PASSWORD)
    expect(customer).to_have_url(re.compile("/portal/?$"), timeout=20_000)
    customer.goto(f"{app_url}/portal/interventions")
    expect(customer.locator("#portal-past")).to_contain_text("Capannone", timeout=20_000)
    expect(customer.locator(".portal-sheet")).to_have_count(1)
    customer.close()


def test_a_dropped_connection_and_a_reload_lose_nothing_and_close_once(browser: Browser, app_url, run_in_app):
    customer_id = run_in_app(SETUP.replace("Officina Brenta", "Cantina Berica").replace("brenta", "berica")
                             .replace("04193160282", "02099550010"))
    run_in_app(f"""
from datetime import datetime, timedelta
from sqlmodel import select
from app.db import session_scope
from app.i18n.formats import TIME_ZONE
from app.models import Site, User
from app.services import interventions
from app.services.auth import actor_of
with session_scope(write=True) as s:
    office = actor_of(s.exec(select(User).where(User.email == "ufficio@demo.it")).one())
    tech = s.exec(select(User).where(User.email == "tecnico@demo.it")).one()
    site = s.exec(select(Site).where(Site.customer_id == {customer_id})).first()
    start = datetime.now(TIME_ZONE).replace(hour=23, minute=0, second=0, microsecond=0)
    interventions.plan(session=s, actor=office, customer_id={customer_id}, raw={{
        "site_id": str(site.id), "type_id": str(interventions.list_types(session=s)[0].id),
        "technician_ids": [tech.id], "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"), "description": "Pompa",
        "accept_overlap": "on"}})
""")
    context, phone = _technician_opens(browser, app_url, "Cantina Berica")
    _fill_work(phone, "Riparata la pompa in cantina")
    _draw_signature(phone)
    # A reload keeps what was typed and drawn: it lives in the browser until the server confirms.
    phone.reload()
    expect(phone.locator("#work_done")).to_have_value("Riparata la pompa in cantina", timeout=20_000)
    expect(phone.locator("input[name=signature]")).to_have_value(re.compile("^data:image/png;base64,"))
    # In the cellar: the connection drops as the technician closes, and comes back.
    context.set_offline(True)
    phone.locator("#close-intervention").click()
    phone.wait_for_timeout(3000)
    context.set_offline(False)
    expect(phone.get_by_text("Chiuso e firmato da")).to_be_visible(timeout=30_000)
    context.close()
    count = run_in_app(f"""
from sqlmodel import select
from app.db import session_scope
from app.models import Attachment, Intervention
with session_scope() as s:
    found = s.exec(select(Intervention).where(Intervention.customer_id == {customer_id})).one()
    sheets = s.exec(select(Attachment).where(Attachment.owner_kind == "intervention_sheet",
                                             Attachment.owner_id == found.id)).all()
    print(found.status, len(sheets), found.signer_name)
""")
    assert count == "closed 1 Paolo Brenta"
