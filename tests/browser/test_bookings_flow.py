"""Digital help on a phone: a resident books and cancels; staff book for someone and print
the slip; the counter tablet books in three big steps. axe-core checks every page."""

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

from .conftest import Axe, log_in, real_problems

pytestmark = pytest.mark.browser

HELP = "/c/saint-jean-de-cole/help/"
STAFF_EMAIL = "staff.saint-jean@example.org"
TOPIC = "Appel vidéo avec la famille"


@pytest.mark.parametrize("javascript", [True, False])
def test_resident_books_then_cancels_on_a_phone(live_server, new_page, axe_js, javascript):
    page = new_page(javascript=javascript, bypass_csp=True)
    axe = Axe(page, axe_js, enabled=javascript)
    page.goto(live_server + HELP)
    expect(page.get_by_role("heading", level=1)).to_have_text("Prendre rendez-vous pour de l’aide numérique")
    axe.check("help topics")
    page.get_by_role("link", name=TOPIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)
    axe.check("free slots")
    first_slot = page.locator("a.slot").first
    spoken = first_slot.get_attribute("aria-label")
    first_slot.click()
    expect(page.locator(".when")).to_have_text(spoken[0].upper() + spoken[1:])
    axe.check("booking form")

    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Téléphone").fill("12")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.locator(".error")).to_contain_text("n’est pas valide")
    expect(page.get_by_label("Votre nom")).to_have_value("Jeanne Martin")
    axe.check("booking form with an error")
    page.get_by_label("Téléphone").fill("05 53 12 34 56")
    page.get_by_role("button", name="Réserver ce créneau").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre rendez-vous est réservé")
    code = page.locator("dd.code").inner_text().strip()
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY3479]{6}", code)
    expect(page.locator("dd.when")).to_contain_text(" à ")
    # Labels above their values on a phone: nothing pushed off the side of the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe.check("confirmation")

    page.get_by_role("link", name="Annuler ou déplacer ce rendez-vous").click()
    expect(page.get_by_label("Code de réservation")).to_have_value(code)
    page.get_by_label("Téléphone ou e-mail donné à la réservation").fill("+33553123456")
    axe.check("find my booking")
    page.get_by_role("button", name="Retrouver mon rendez-vous").click()
    expect(page.locator("dd.code")).to_have_text(code)
    axe.check("my booking")
    page.get_by_role("link", name="Annuler ce rendez-vous").click()
    # It asks first, and says what happens to the seat.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuler votre rendez-vous du")
    expect(page.locator("main")).to_contain_text("Votre place est libérée")
    axe.check("cancel: are you sure?")
    page.get_by_role("button", name="Oui, annuler mon rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Votre rendez-vous est annulé")
    expect(page.locator(".booking-facts")).to_contain_text("Annulé par la personne")
    assert not real_problems(page), page.problems
    axe.assert_clean()


def test_staff_book_for_someone_and_print_the_slip(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True)
    axe = Axe(page, axe_js)
    log_in(page, live_server, STAFF_EMAIL, HELP + "staff/")
    axe.check("staff day view")
    # the first day ahead with a free seat
    for _ in range(10):
        if page.locator("a.slot:not(.slot-full)").count():
            break
        page.get_by_role("link", name="Jour suivant").click()
    booked_day = parse_qs(urlsplit(page.url).query).get("date")  # None: today
    page.locator("a.slot:not(.slot-full)").first.click()  # tap 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver pour quelqu’un")
    axe.check("book for someone")
    page.get_by_label("Sujet").select_option(label=TOPIC)
    page.get_by_label("Nom de la personne").fill("Germaine Roux")
    page.get_by_label("Téléphone (un fixe suffit)").fill("05 53 62 11 22")
    page.get_by_role("button", name="Réserver", exact=True).click()  # tap 2

    slip = page.locator("article.slip")
    expect(slip).to_contain_text("Germaine Roux")
    expect(slip).to_contain_text(TOPIC)
    expect(slip).to_contain_text("05 53 62 00 00")  # the café's phone
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY3479]{6}", slip.locator(".code").inner_text().strip())
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    axe.check("slip")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.slip-when')).fontSize)")
    assert size >= 18, size  # 14 pt: the slip fits an A6 sheet (see test_trial_flow)
    page.emulate_media(media="screen")

    page.goto(live_server + HELP + "staff/")
    page.get_by_role("link", name="Semaine").click()
    if booked_day:  # the week (Monday to Sunday) of the day booked, which may be the next one
        page.goto(live_server + HELP + f"staff/week?start={booked_day[0]}")
    expect(page.locator("main")).to_contain_text("Germaine Roux")
    assert not real_problems(page), page.problems
    axe.assert_clean()


def _button_font_sizes(page) -> list[float]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.counter-button, main button')]"
        ".map(b => parseFloat(getComputedStyle(b).fontSize))"
    )


def test_counter_mode_books_in_three_big_steps(live_server, new_page, axe_js):
    page = new_page(javascript=True, bypass_csp=True, width=800)
    axe = Axe(page, axe_js)
    log_in(page, live_server, STAFF_EMAIL, HELP + "staff/")
    page.get_by_role("button", name="Passer cet appareil en mode comptoir").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pour quoi avez-vous besoin d’aide ?")
    expect(page.locator("body")).not_to_contain_text("Serveur")  # no staff name anywhere
    assert min(_button_font_sizes(page)) >= 20
    axe.check("counter step 1")
    page.get_by_role("link", name=TOPIC).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Quand voulez-vous venir ?")
    assert min(_button_font_sizes(page)) >= 20
    axe.check("counter step 2")
    choice = page.locator("a.counter-button").first
    words = choice.inner_text().strip()
    # "Mardi 1er décembre à 10 h 30", the time joined by no-break spaces.
    assert re.search(r"^\w+ \d{1,2}(er)? \w+ à \d{1,2}\s+h(\s+\d{2})?$", words, re.IGNORECASE), words
    choice.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(words)
    assert min(_button_font_sizes(page)) >= 20
    axe.check("counter step 3")
    page.get_by_label("Votre nom").fill("Odette Lafon")
    page.get_by_label("Votre numéro de téléphone").fill("05 53 00 11 22")
    page.get_by_role("button", name="Réserver").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("C’est réservé !")
    expect(page.locator(".counter-readback").first).to_contain_text(words[0].lower() + words[1:])
    axe.check("counter read-back")
    # the staff are logged out: the staff pages are closed to whoever uses the tablet
    page.goto(live_server + HELP + "staff/")
    expect(page).to_have_url(re.compile(r"/account/login"))
    page.goto(live_server + HELP + "counter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pour quoi avez-vous besoin d’aide ?")
    assert not real_problems(page), page.problems
    axe.assert_clean()


def test_counter_mode_resets_itself_after_a_minute_without_a_touch(live_server, new_page):
    page = new_page(javascript=True)
    page.clock.install()
    log_in(page, live_server, STAFF_EMAIL, HELP + "staff/")
    page.get_by_role("button", name="Passer cet appareil en mode comptoir").click()
    page.get_by_role("link", name=TOPIC).click()
    step_2 = page.get_by_role("heading", level=1)
    expect(step_2).to_have_text("Quand voulez-vous venir ?")
    page.clock.run_for(45_000)
    page.keyboard.press("Shift")  # someone is still there: the minute starts again
    page.clock.run_for(45_000)
    expect(step_2).to_have_text("Quand voulez-vous venir ?")
    page.clock.run_for(20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pour quoi avez-vous besoin d’aide ?")
