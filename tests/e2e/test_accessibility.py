"""axe-core on every page of each area, signed in as the user of that area: no serious or critical violation.
The engine is the copy bundled (and pinned) by axe-playwright-python, injected into each page."""

from __future__ import annotations

import re
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# WCAG A and AA, the level Italian public-sector rules (and most customers' policies) ask for.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

AREAS = {
    "sign-in": (None, ["/login", "/forgot-password"]),
    "office": ("admin@demo.it", ["/office", "/office/customers", "/office/customer?id=1", "/office/requests",
                                 "/office/interventions", "/office/interventions?view=list", "/office/tickets", "/office/credit", "/office/outbox", "/office/users",
                                 "/office/settings", "/office/account"]),
    "field": ("tecnico@demo.it", ["/field", "/field/account"]),
    "portal": ("cliente@demo.it", ["/portal", "/portal/interventions", "/portal/contracts", "/portal/reports", "/portal/my-data",
                                   "/portal/consents", "/portal/reminders", "/portal/support", "/portal/account"]),
}


# Parts of a page that appear on a click, scanned once shown: (page, what to click).
OPENED = {"/portal/support": "#new-ticket", "/office/users": "#new-staff"}


def serious_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
            f"{n['target'][0] if n['target'] else '?'} {n['html'][:160]}" for n in v["nodes"][:4])
        for v in found["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("area", list(AREAS))
def test_every_page_passes_axe(browser: Browser, app_url, area):
    email, paths = AREAS[area]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    if email:
        sign_in(page, app_url, email)
        expect(page).to_have_url(re.compile(r"/(office|field|portal)"), timeout=20_000)
    problems = {}
    for path in paths:
        page.goto(f"{app_url}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1, form").first).to_be_visible(timeout=20_000)
        found = serious_violations(page)
        if path in OPENED and page.locator(OPENED[path]).count():
            page.locator(OPENED[path]).click()
            page.wait_for_timeout(500)
            found += [f"after {OPENED[path]}: {line}" for line in serious_violations(page)]
        if found:
            problems[path] = found
    page.close()
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(lines) for path, lines in problems.items())


def test_keyboard_focus_is_visible(page: Page, app_url):
    """Moving with Tab shows where the focus is: on fields, on buttons and on links."""
    page.goto(f"{app_url}/login")
    page.locator("#email").focus()
    seen = []
    for _ in range(3):  # the password, the sign-in button, the forgotten-password link
        page.keyboard.press("Tab")
        seen.append(page.evaluate("""() => {
            const el = document.activeElement;
            const ring = e => { const s = getComputedStyle(e);
                return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
            return [el.tagName + '#' + el.id, ring(el) || (el.parentElement && ring(el.parentElement))];
        }"""))
    assert seen and all(visible for _, visible in seen), seen
