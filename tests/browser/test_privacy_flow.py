"""Personal data in a real browser: from a form to the privacy page in one tap, the pages pass
axe-core and fit a phone, and a resident erases their account without JavaScript."""

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise

from .conftest import axe_violations, describe, log_in

pytestmark = pytest.mark.browser

CAFE = "/c/saint-jean-de-cole"


def test_privacy_pages_pass_axe_and_fit_a_phone(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True, width=320)
    reports = []
    page.goto(f"{live_server}{CAFE}/board/")
    log_in(page, live_server, "resident.saint-jean@example.org", f"{CAFE}/board/new")
    # One tap from the form to the part of the café's privacy page about it.
    with page.expect_navigation():
        page.locator(".privacy-note a").click()
    assert page.url.endswith(f"{CAFE}/privacy#noticeboard")
    heading = "Le panneau d’annonces : annonces, réponses et signalements"
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    for path in (f"{CAFE}/privacy", "/privacy", "/legal", f"{CAFE}/privacy/record", "/account/delete"):
        page.goto(f"{live_server}{path}")
        violations = axe_violations(page, axe_js)
        if violations:
            reports.append(describe(path, violations))
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320 px ({width})"
    assert not reports, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(reports)
    assert page.problems == [], page.problems


def test_erase_my_account_without_javascript(live_server, new_page):
    page = new_page(javascript=False)
    log_in(page, live_server, "resident.saint-jean@example.org", "/account/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer mon compte")
    page.get_by_label("Votre mot de passe").fill("comptoir-demo")
    page.get_by_label("Je comprends que mon compte sera effacé définitivement.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Effacer mon compte définitivement").click()
    expect(page.locator("#messages")).to_contain_text("Votre compte a été effacé")
    log_in(page, live_server, "resident.saint-jean@example.org", "/")
    expect(page.locator(".field-invalid").first).to_be_visible()
