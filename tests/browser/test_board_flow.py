"""On a phone: a resident posts, it waits in the queue, the moderator approves it inline,
another resident reports it. With and without JavaScript, and axe-core on every page."""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

from .conftest import axe_violations, describe, log_in

pytestmark = pytest.mark.browser

CAFE = "/c/saint-jean-de-cole"
TITLE = "Cherche une poussette pour ma petite-fille"


def post_notice(page, base: str) -> None:
    page.goto(f"{base}{CAFE}/board/new")
    page.get_by_label("Titre", exact=True).fill(TITLE)
    page.get_by_label("Catégorie", exact=True).select_option(label="Recherche")
    page.get_by_label("Votre annonce", exact=True).fill(
        "Bonjour, je cherche une poussette en bon état\npour les vacances de Noël."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Publier l’annonce").click()
    expect(page.get_by_role("status").first).to_contain_text("dès qu’un modérateur l’aura approuvée")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def queue_item(page):
    return page.locator("li.queue-item").filter(has_text=TITLE)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_post_wait_approve_report(live_server, new_page, javascript):
    resident = new_page(javascript=javascript)
    log_in(resident, live_server, "resident.saint-jean@example.org", f"{CAFE}/board/")
    post_notice(resident, live_server)
    resident.goto(f"{live_server}{CAFE}/board/")
    expect(resident.locator("#notice-list")).not_to_contain_text(TITLE)

    moderator = new_page(javascript=javascript)
    log_in(moderator, live_server, "moderator.saint-jean@example.org", f"{CAFE}/moderation/")
    expect(moderator).to_have_url(re.compile(re.escape(CAFE) + "/moderation/$"))
    item = queue_item(moderator)
    expect(item).to_contain_text("Nouvel auteur")
    if javascript:
        moderator.wait_for_function("() => window.htmx !== undefined")
        moderator.evaluate("() => { window.stillTheSamePage = true }")
        # Refusing without a reason: the field says why, and the keyboard focus lands on it.
        item.get_by_role("button", name="Refuser").click()
        reason = item.get_by_label("Raison envoyée à l’auteur")
        expect(reason).to_have_attribute("aria-invalid", "true")
        expect(reason).to_be_focused()
        moderator.problems = [p for p in moderator.problems if "status of 422" not in p]  # expected
        with moderator.expect_response(
            lambda r: r.url.endswith("/approve") and r.request.headers.get("hx-request") == "true"
        ):
            item.get_by_role("button", name="Approuver").click()
        expect(item).to_contain_text("Approuvée : l’annonce est sur le tableau.")
        expect(item.get_by_role("status")).to_be_focused()  # not lost on <body> after the swap
        expect(item.get_by_role("button", name="Masquer")).to_be_visible()
        assert moderator.evaluate("() => window.stillTheSamePage === true"), "the approval reloaded the page"
    else:
        with moderator.expect_navigation():
            item.get_by_role("button", name="Approuver").click()
        expect(moderator.get_by_role("status").first).to_contain_text("Approuvée")
        expect(queue_item(moderator)).to_have_count(0)

    neighbour = new_page(javascript=javascript)
    log_in(neighbour, live_server, "resident.melisey@example.org", f"{CAFE}/board/")
    neighbour.goto(f"{live_server}{CAFE}/board/")
    with neighbour.expect_navigation():
        neighbour.get_by_role("link", name=TITLE).click()
    with neighbour.expect_navigation():
        neighbour.get_by_role("link", name="Signaler cette annonce").click()
    neighbour.get_by_label("Spam ou publicité").check()
    with neighbour.expect_navigation():
        neighbour.get_by_role("button", name="Envoyer le signalement").click()
    expect(neighbour.get_by_role("status").first).to_contain_text("Les modérateurs du café vont examiner")

    moderator.goto(f"{live_server}{CAFE}/moderation/")
    expect(queue_item(moderator)).to_contain_text("1 signalement")
    for page in (resident, moderator, neighbour):
        assert page.problems == [], page.problems


def test_filter_the_board_with_htmx(live_server, new_page):
    page = new_page(javascript=True)
    page.goto(f"{live_server}{CAFE}/board/")
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(
        lambda r: "category=carpool" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("Afficher", exact=True).select_option(label="Covoiturage")
    expect(page).to_have_url(re.compile(r"category=carpool"))
    expect(page.locator("#notice-list li.card")).to_have_count(1)
    expect(page.locator("#notice-list")).to_contain_text("Covoiturage pour le marché")
    assert page.problems == [], page.problems


def test_board_form_and_queue_pass_axe(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True)
    reports = []

    def check(where: str) -> None:
        violations = axe_violations(page, axe_js)
        if violations:
            reports.append(describe(where, violations))

    page.goto(f"{live_server}{CAFE}/board/")
    check("board")
    page.get_by_role("link", name="Chat tigré perdu près du lavoir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chat tigré perdu près du lavoir")
    check("notice page")

    log_in(page, live_server, "resident.saint-jean@example.org", f"{CAFE}/board/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publier une annonce")
    check("new notice form")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier l’annonce").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    check("new notice form with errors")
    page.goto(f"{live_server}{CAFE}/board/mine")
    check("my notices")
    page.context.clear_cookies()

    log_in(page, live_server, "moderator.saint-jean@example.org", f"{CAFE}/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modération")
    check("moderation queue")
    page.goto(f"{live_server}{CAFE}/moderation/history")
    check("decisions history")
    page.goto(f"{live_server}{CAFE}/moderation/settings")
    check("moderation settings")
    page.goto(f"{live_server}{CAFE}/")
    check("café home with notices")
    assert not reports, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(reports)


def test_board_pages_reflow_on_a_narrow_phone(live_server, new_page):
    page = new_page(javascript=True, width=320)
    log_in(page, live_server, "moderator.saint-jean@example.org", f"{CAFE}/moderation/")
    for path in ("/board/", "/board/new", "/moderation/", "/moderation/history"):
        page.goto(f"{live_server}{CAFE}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320 px ({width})"


@pytest.mark.parametrize("width", [390, 320])
def test_the_network_teams_header_fits_with_large_text(live_server, new_page, width):
    """Network admins have the longest header (Network, Moderation, Log out, the switches)."""
    page = new_page(javascript=True, width=width)
    log_in(page, live_server, "reseau@example.org", "/network/moderation/")
    with page.expect_navigation():
        page.get_by_role("button", name="Texte plus grand").click()
    for path in ("/network/moderation/", "/network/", f"{CAFE}/moderation/"):
        page.goto(f"{live_server}{path}")
        width_now = page.evaluate("() => document.documentElement.scrollWidth")
        assert width_now <= width, f"{path} scrolls sideways at {width} px with large text ({width_now})"
