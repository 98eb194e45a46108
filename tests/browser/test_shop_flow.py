"""The village shop on a phone and at the counter: a resident orders tomorrow's bread, changes
and cancels it; staff take an order for someone and tick it collected; staff record a parcel.
axe-core checks every page; the resident's flow also runs without JavaScript."""

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

from .conftest import Axe, log_in, real_problems

STAFF_EMAIL = "staff.saint-jean@example.org"

pytestmark = pytest.mark.browser

CAFE = "/c/saint-jean-de-cole/"
BREAD = CAFE + "bread/"


@pytest.mark.parametrize("javascript", [True, False])
def test_resident_orders_bread_on_a_phone(live_server, new_page, axe_js, javascript):
    page = new_page(javascript=javascript, bypass_csp=True)
    axe = Axe(page, axe_js, enabled=javascript)
    page.goto(live_server + CAFE)
    page.get_by_role("link", name="Commander du pain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander du pain")
    axe.check("bread: the days")
    first_day = page.locator("a.day-choice").first
    headline = first_day.inner_text().strip()
    assert headline.startswith("À retirer ") and " à partir de " in headline
    first_day.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(headline)
    axe.check("bread: order form")

    page.get_by_label(re.compile("^Baguette")).fill("2")
    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Téléphone").fill("12")
    page.get_by_role("button", name="Commander").click()
    expect(page.locator(".error")).to_contain_text("n’est pas valide")
    expect(page.get_by_label(re.compile("^Baguette"))).to_have_value("2")
    axe.check("bread: form with an error")
    page.get_by_label("Téléphone").fill("05 53 12 34 56")
    page.get_by_role("button", name="Commander").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(headline)
    expect(page.locator(".alert-info")).to_contain_text("Votre commande est enregistrée")
    code = page.locator("dd.code").inner_text().strip()
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY3479]{6}", code)
    expect(page.locator(".booking-facts")).to_contain_text("2,20")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe.check("bread: the order")

    page.get_by_label(re.compile("^Baguette")).fill("1")
    page.get_by_role("button", name="Enregistrer le changement").click()
    expect(page.get_by_role("status")).to_contain_text("Votre commande est modifiée")
    expect(page.locator(".booking-facts")).to_contain_text("1,10")
    page.get_by_role("button", name="Annuler la commande").click()
    expect(page.get_by_role("status")).to_contain_text("Votre commande est annulée")
    expect(page.locator(".booking-facts")).to_contain_text("Annulé")
    axe.check("bread: cancelled")
    assert not real_problems(page), page.problems
    axe.assert_clean()


def test_staff_take_an_order_at_the_counter_and_tick_it_collected(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True, width=1024)
    axe = Axe(page, axe_js)
    log_in(page, live_server, STAFF_EMAIL, BREAD + "staff/")
    axe.check("bread: staff day list")
    page.locator("main a.button", has_text="Commander pour quelqu’un").click()  # tap 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander du pain pour quelqu’un")
    axe.check("bread: order for someone")
    page.get_by_label(re.compile("^Pain de campagne")).fill("1")
    page.get_by_label("Nom de la personne").fill("Germaine Roux")
    page.get_by_label("Téléphone (un fixe suffit)").fill("05 53 62 11 22")
    page.get_by_role("button", name="Enregistrer la commande").click()  # tap 2
    expect(page.get_by_role("status")).to_contain_text("enregistrée pour Germaine Roux")
    row = page.locator("li.booking-row", has_text="Germaine Roux")
    expect(row).to_contain_text("1 × Pain de campagne")
    expect(page.locator("#baker-totals")).to_contain_text("Pain de campagne")
    axe.check("bread: day list with the order")
    row.get_by_role("button", name=re.compile("^Retiré")).click()
    expect(page.locator("li.booking-row", has_text="Germaine Roux")).to_contain_text("remis par")
    assert not real_problems(page), page.problems
    axe.assert_clean()


def test_staff_record_a_parcel_on_a_phone(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True)
    axe = Axe(page, axe_js)
    log_in(page, live_server, STAFF_EMAIL, CAFE + "parcels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Colis en attente au comptoir")
    axe.check("parcels")
    page.get_by_label("Destinataire").fill("Marcel Pagnol")
    page.get_by_label("Téléphone (si connu)").fill("05 53 62 33 44")
    page.get_by_label("Mondial Relay").check()
    page.get_by_role("button", name="Enregistrer le colis").click()
    expect(page.get_by_role("status")).to_contain_text("appelez la personne")
    expect(page.locator("#to-phone + ul")).to_contain_text("Marcel Pagnol")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe.check("parcels with one to phone")
    assert not real_problems(page), page.problems
    axe.assert_clean()
