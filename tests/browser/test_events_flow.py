"""Residents on a phone: find an event, say they are coming, cancel with the code; axe-core clean.

With and without JavaScript, on the demo network.
"""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

from .conftest import assert_no_horizontal_scroll, axe_violations, describe, log_in

pytestmark = pytest.mark.browser

CAFE = "/c/saint-jean-de-cole"
CONCERT = "Concert : chansons françaises au comptoir"


def rsvp_and_cancel(page, live_server) -> None:
    page.goto(live_server + CAFE + "/")
    events = page.get_by_role("region", name="Au programme cette semaine")
    expect(events).to_be_visible()
    page.get_by_role("link", name="Tous les événements").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Au programme")
    page.get_by_label("Catégorie").select_option(label="Concert")
    if not page.evaluate("() => window.htmx !== undefined"):
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#event-results")).to_contain_text(CONCERT)
    expect(page.locator("#event-results")).not_to_contain_text("Concours de belote")
    page.get_by_role("link", name=CONCERT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONCERT)
    expect(page.locator(".event-facts")).to_contain_text("40")

    # Bad input first: the form comes back with the message and what was typed.
    page.get_by_label("Votre nom").fill("Germaine Dupuis")
    page.get_by_label("Nombre de personnes").fill("2")
    page.get_by_role("button", name="Je viens").click()
    expect(page.locator("#email-error")).to_contain_text("adresse e-mail ou un numéro de téléphone")
    expect(page.get_by_label("Votre nom")).to_have_value("Germaine Dupuis")

    page.get_by_label("Ou numéro de téléphone").fill("05 53 12 34 56")
    page.get_by_role("button", name="Je viens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription")
    code = page.locator(".rsvp-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)

    # Later, from the events page: "I have a code".
    page.goto(live_server + CAFE + "/events/")
    page.get_by_role("link", name="J’ai un code").click()
    page.get_by_label("Votre code").fill(code.lower())
    page.get_by_role("button", name="Retrouver").click()
    expect(page.locator(".rsvp-code")).to_have_text(code)
    page.once("dialog", lambda dialog: dialog.accept())
    # A destructive action asks first: htmx's confirm, or (without JavaScript) a page.
    page.get_by_role("link", name="Annuler mon inscription").click()
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name="Annuler mon inscription")
    if confirm.count():
        confirm.click()
    expect(page.locator("#messages")).to_contain_text("Votre inscription est annulée")
    expect(page.locator(".event-facts")).to_contain_text("Annulée")


@pytest.mark.parametrize("javascript", [True, False])
def test_find_an_event_rsvp_then_cancel_with_the_code(live_server, new_page, javascript):
    page = new_page(javascript=javascript)
    rsvp_and_cancel(page, live_server)
    # The browser logs the deliberate 422 (bad input) as a failed load: not a problem.
    problems = [p for p in page.problems if "status of 422" not in p]
    assert problems == [], problems


def test_event_pages_pass_axe_and_reflow(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True)
    reports = []
    page.goto(live_server + CAFE + "/events/")
    paths = {
        "list": CAFE + "/events/",
        "past": CAFE + "/events/?when=past",
        "programme week": CAFE + "/events/programme",
        "programme month": CAFE + "/events/programme?period=month&offset=1",
        "find": CAFE + "/events/rsvp",
    }
    detail = page.get_by_role("link", name=CONCERT).get_attribute("href")
    paths["detail"] = detail
    belote = page.get_by_role("link", name="Concours de belote").first.get_attribute("href")
    paths["recurring detail"] = belote
    for where, path in paths.items():
        page.goto(live_server + path)
        violations = axe_violations(page, axe_js)
        if violations:
            reports.append(describe(f"{where} {path}", violations))
        assert_no_horizontal_scroll(page, 390, path)
    assert not reports, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(reports)


def test_screenshots_of_the_event_pages(live_server, new_page, shots_dir):
    page = new_page(javascript=True)
    for name, path in [("events", "/events/"), ("programme", "/events/programme?period=month&offset=1")]:
        page.goto(live_server + CAFE + path)
        page.screenshot(path=str(shots_dir / f"{name}-390.png"), full_page=True)
    page.goto(live_server + CAFE + "/events/")
    page.get_by_role("link", name=CONCERT).click()
    page.screenshot(path=str(shots_dir / "event-390.png"), full_page=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_publish_a_weekly_event_and_cancel_one_date(live_server, new_page, axe_js, javascript):
    from datetime import date, timedelta

    page = new_page(javascript=javascript, bypass_csp=True)
    log_in(page, live_server, "staff.saint-jean@example.org")
    page.goto(live_server + CAFE + "/manage/")
    page.get_by_role("link", name="Événements").click()
    page.get_by_role("link", name="Nouvel événement").click()
    if javascript:  # axe itself needs JavaScript
        violations = axe_violations(page, axe_js)
        assert not violations, describe("new event form", violations)

    first = date.today() + timedelta(days=3)
    page.get_by_label("Titre").fill("Scrabble du mardi")
    page.get_by_label("Catégorie").select_option(label="Jeux de cartes")
    page.get_by_label("Date", exact=True).fill(first.isoformat())
    page.get_by_label("Début").fill("14:30")
    page.get_by_label("Fin").fill("17:00")
    page.get_by_label("Fréquence").select_option(label="Chaque semaine")
    page.get_by_role("button", name="Publier").click()
    # No end to the series: refused, with the message by the field and the title kept.
    expect(page.locator("#repeat_until-error")).to_contain_text("Dites quand la série se termine")
    expect(page.get_by_label("Titre")).to_have_value("Scrabble du mardi")

    page.get_by_label("Ou un nombre de fois").fill("5")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    # 14 h 30 falls in the demo café's lunch closing: staff are warned and may confirm.
    keep = page.get_by_label("Garder ces horaires quand même")
    if keep.count():
        keep.check()
        page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrabble du mardi")
    page.get_by_role("link", name="Annuler ou déplacer une date").click()
    if javascript:
        violations = axe_violations(page, axe_js)
        assert not violations, describe("dates form", violations)
    page.get_by_label("Date", exact=True).select_option(index=1)
    page.get_by_label("Raison affichée aux visiteurs").fill("Le café est fermé ce jour-là.")
    page.get_by_role("button", name="Enregistrer cette date").click()
    expect(page.locator("#messages")).to_contain_text("Cette date est annulée")

    page.goto(live_server + CAFE + "/events/?category=cards")
    expect(page.locator("#event-results")).to_contain_text("Le café est fermé ce jour-là.")
    expect(page.locator("#event-results .event-card", has_text="Scrabble du mardi")).to_have_count(5)


@pytest.mark.parametrize("javascript", [True, False])
def test_more_events_with_and_without_javascript(live_server, new_page, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server + CAFE + "/events/")
    cards = page.locator("#event-results .event-card")
    first_page = cards.count()
    assert first_page == 20
    page.get_by_role("link", name="Plus d’événements").click()
    if javascript:
        expect(cards.nth(first_page)).to_be_visible()  # appended in place, same page
        expect(page).to_have_url(re.compile(r"/events/$"))
        expect(page.get_by_role("link", name="Plus d’événements")).to_have_count(0)
    else:
        expect(page).to_have_url(re.compile(r"page=2"))
        expect(cards.first).to_be_visible()
