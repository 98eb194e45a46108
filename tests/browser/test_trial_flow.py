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


CAFE = "/c/saint-jean-de-cole"

# Every target's box, and whether a tap in its card's corner still lands on the card's link.
MEASURE = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const box = el.getBoundingClientRect();
  return {text: el.textContent.trim().slice(0, 40), width: box.width, height: box.height};
})"""
CARD_CORNERS = """(selector) => [...document.querySelectorAll(selector)].map(card => {
  card.scrollIntoView();
  const box = card.getBoundingClientRect();
  const link = card.querySelector('.cover-link a');
  const hits = [[box.left + 6, box.bottom - 6], [box.right - 6, box.top + 6], [box.right - 6, box.bottom - 6]]
    .map(([x, y]) => document.elementFromPoint(x, y));
  return {height: box.height, allLink: hits.every(hit => hit === link || (link && link.contains(hit)))};
})"""


def small(targets):
    return [t for t in targets if t["width"] < 44 or t["height"] < 44]


def test_whole_cards_are_links_on_a_phone(live_server, new_page):
    page = new_page(javascript=False)
    for path, selector in (
        (live_server + "/", "#cafe-list > .card"),
        (live_server + CAFE + "/events/", ".event-card"),
    ):
        page.goto(path)
        cards = page.evaluate(CARD_CORNERS, selector)
        assert cards, path
        assert all(c["allLink"] and c["height"] >= 44 for c in cards), (path, cards)
    page.goto(live_server + "/")
    page.locator("#cafe-list > .card").first.click(position={"x": 10, "y": 60})
    expect(page).to_have_url(re.compile(r"/c/[\w-]+/$"))


def test_help_topics_and_checkboxes_are_44_px_targets(live_server, new_page):
    page = new_page(javascript=False)
    page.goto(live_server + CAFE + "/")
    topics = page.evaluate(MEASURE, ".help-topics a")
    assert topics and not small(topics), topics
    log_in(page, live_server, STAFF_EMAIL, CAFE + "/events/manage/new")
    boxes = page.evaluate(MEASURE, "label.check")
    assert len(boxes) >= 3 and not small(boxes), boxes
    # The box itself is tappable through its label: a tap on the label's text ticks it.
    label = page.locator("label.check", has=page.locator("input[type=checkbox]")).first
    label.click(position={"x": 60, "y": 22})
    expect(label.locator("input")).to_be_checked()


def test_the_slip_prints_on_one_a6_page(live_server, new_page):
    from datetime import date, timedelta

    page = new_page(javascript=False, width=800)
    log_in(page, live_server, STAFF_EMAIL, HELP + "staff/")
    slip = None
    for n in range(14):
        page.goto(f"{live_server}{HELP}staff/?date={(date.today() + timedelta(days=n)).isoformat()}")
        links = page.locator("a[href*='/slip']")
        if links.count():
            slip = links.first.get_attribute("href")
            break
    assert slip, "the demo has bookings in the coming two weeks"
    page.goto(live_server + slip)
    pdf = page.pdf(prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) == 1, len(pages)
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert round(width) == 298 and round(height) == 420  # A6: 105 × 148 mm
