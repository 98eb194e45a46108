"""Residents on a phone: find the café, open its page; with and without JavaScript.

Plus the accessibility checks (axe-core, WCAG 2.1 A/AA), reflow at 320 px and screenshots.
"""

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

from .conftest import assert_no_horizontal_scroll, axe_violations, describe

pytestmark = pytest.mark.browser

CAFE_NAME = "Le Café de la Place"
CAFE_PATH = "/c/saint-jean-de-cole/"


# The UI is French by default: the tests find things by the names residents read.
SEARCH_LABEL = "Village, code postal ou département"
SEARCH_BUTTON = "Rechercher"
HOURS_HEADING = "Horaires d’ouverture"
LARGER_TEXT = "Texte plus grand"


def query_of(url: str) -> list[str] | None:
    return parse_qs(urlsplit(url).query).get("q")


def cafe_cards(page):
    return page.locator("#cafe-list > li.card")


def assert_cafe_page(page) -> None:
    expect(page).to_have_url(re.compile(re.escape(CAFE_PATH) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CAFE_NAME)
    hours = page.get_by_role("region", name=HOURS_HEADING, exact=True)
    expect(hours).to_be_visible()
    expect(hours.get_by_role("heading", level=2)).to_have_text(HOURS_HEADING)
    expect(hours.locator("table.hours tbody tr")).to_have_count(7)


@pytest.mark.parametrize("query", ["dordogne", "24"])
def test_search_as_you_type_then_open_the_cafe(live_server, new_page, query):
    page = new_page(javascript=True)
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.wait_for_function("() => window.htmx !== undefined")
    expect(cafe_cards(page)).to_have_count(4)
    page.evaluate("() => { window.stillTheSamePage = true }")

    field = page.get_by_label(SEARCH_LABEL, exact=True)
    expect(field).to_have_attribute("id", "q")
    with page.expect_response(
        lambda r: query_of(r.url) == [query] and r.request.headers.get("hx-request") == "true"
    ) as response:
        field.press_sequentially(query, delay=40)
    assert response.value.status == 200

    # htmx swapped the results in place and pushed the search into the address bar.
    expect(page).to_have_url(re.compile(r"/\?q=" + re.escape(query) + "$"))
    expect(cafe_cards(page)).to_have_count(1)
    expect(cafe_cards(page).first).to_contain_text(CAFE_NAME)
    expect(cafe_cards(page).first).to_contain_text("Dordogne")
    expect(page.locator("#results-heading")).to_contain_text(query)
    assert page.evaluate("() => window.stillTheSamePage === true"), "the search reloaded the whole page"

    page.get_by_role("link", name=CAFE_NAME).click()
    assert_cafe_page(page)

    # Back to the results: the search is still there.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?q=" + re.escape(query) + "$"))
    expect(cafe_cards(page)).to_have_count(1)
    assert page.problems == [], page.problems


@pytest.mark.parametrize("query", ["dordogne", "24"])
def test_search_without_javascript(live_server, new_page, query):
    page = new_page(javascript=False)
    page.goto(live_server + "/")
    expect(cafe_cards(page)).to_have_count(4)

    page.get_by_label(SEARCH_LABEL, exact=True).fill(query)
    with page.expect_navigation():
        page.get_by_role("button", name=SEARCH_BUTTON, exact=True).click()
    assert query_of(page.url) == [query]
    expect(page.get_by_label(SEARCH_LABEL, exact=True)).to_have_value(query)
    expect(cafe_cards(page)).to_have_count(1)
    expect(cafe_cards(page).first).to_contain_text(CAFE_NAME)

    with page.expect_navigation():
        page.get_by_role("link", name=CAFE_NAME).click()
    assert_cafe_page(page)


def test_every_page_of_the_flow_passes_axe(live_server, new_page, axe_js):
    # The pages' CSP forbids injected scripts, so axe runs in a context that bypasses it.
    page = new_page(javascript=True, bypass_csp=True)
    reports = []

    def check(where: str) -> None:
        violations = axe_violations(page, axe_js)
        if violations:
            reports.append(describe(where, violations))

    page.goto(live_server + "/")
    page.wait_for_function("() => window.htmx !== undefined")
    check("directory /")

    with page.expect_response(lambda r: query_of(r.url) == ["dordogne"]):
        page.get_by_label(SEARCH_LABEL, exact=True).press_sequentially("dordogne", delay=40)
    expect(cafe_cards(page)).to_have_count(1)
    check("search results after the htmx swap")

    page.goto(live_server + "/?q=24")
    check("search results page /?q=24")

    page.goto(live_server + "/?q=nowhere")
    check("search without results /?q=nowhere")

    page.goto(live_server + "/")
    page.get_by_role("link", name=CAFE_NAME).click()
    assert_cafe_page(page)
    check(f"café page {CAFE_PATH}")

    page.goto(live_server + "/account/login")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check("login page /account/login")

    assert not reports, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(reports)


@pytest.mark.parametrize(
    "text_size",
    ["normal", "large"],
)
def test_pages_reflow_on_narrow_phones(live_server, new_page, text_size):
    pages = ["/", "/?q=dordogne", CAFE_PATH, "/account/login"]
    page = new_page(javascript=True, width=390)
    page.goto(live_server + "/")
    if text_size == "large":
        # The header's text-size switch: a real POST form, with its CSRF token.
        with page.expect_navigation():
            page.get_by_role("button", name=LARGER_TEXT, exact=True).click()
        expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    for path in pages:
        page.goto(live_server + path)
        assert_no_horizontal_scroll(page, 390, f"{path} ({text_size} text)")

    # WCAG 1.4.10 Reflow: 320 CSS px wide is 1280 px at 400 % zoom.
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ["/", CAFE_PATH]:
        page.goto(live_server + path)
        assert_no_horizontal_scroll(page, 320, f"{path} ({text_size} text)")
    # The opening hours reflow (each day's hours under the day) and stay a table for screen readers.
    expect(page.get_by_role("rowheader", name="Aujourd’hui")).to_be_visible()
    expect(page.get_by_role("row").first.get_by_role("cell")).to_be_visible()
    assert page.problems == [], page.problems


def test_screenshots_of_the_phone_pages(live_server, new_page, shots_dir):
    """Pictures for a human to look at (not compared): $SHOTS_DIR, /tmp/shots by default."""
    page = new_page(javascript=True)
    for name, path in [
        ("directory", "/"),
        ("search", "/?q=dordogne"),
        ("cafe", CAFE_PATH),
        ("login", "/account/login"),
    ]:
        page.goto(live_server + path)
        page.screenshot(path=str(shots_dir / f"{name}-390.png"), full_page=True)
        assert (shots_dir / f"{name}-390.png").stat().st_size > 0
