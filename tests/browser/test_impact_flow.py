"""The impact dashboards on a phone (390 px): charts drawn, no sideways scroll, axe-core clean.

Plus a walk-in recorded in two taps and a report filled in, as a helper would on a phone.
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


def assert_clean(page, axe_js, where: str) -> None:
    """axe-core finds nothing and nothing scrolls sideways at 390 px."""
    violations = axe_violations(page, axe_js)
    assert violations == [], describe(where, violations)
    assert_no_horizontal_scroll(page, 390, where)


def test_manager_dashboard_on_a_phone(live_server, new_page, axe_js, shots_dir):
    page = new_page(bypass_csp=True)
    log_in(page, live_server, "manager.saint-jean@example.org", f"{CAFE}/impact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notre impact")
    # A year of demo help: figures and bars are there, with their data tables.
    people = page.locator("#figure-people .key-value")
    assert int(re.sub(r"\D", "", people.inner_text())) > 100
    expect(page.locator("#chart-themes svg rect.bar").first).to_be_visible()
    expect(page.locator("#trend-people svg rect.bar")).to_have_count(12)
    expect(page.locator("#chart-ages table caption")).to_have_text("Tranches d’âge")
    page.screenshot(path=str(shots_dir / "impact-cafe-390.png"), full_page=True)
    assert_clean(page, axe_js, "café dashboard")

    page.goto(f"{live_server}{CAFE}/impact/summary")
    expect(page.locator(".summary-page h1")).to_contain_text("Le Café de la Place")
    assert_clean(page, axe_js, "yearly summary")


def test_network_dashboard_filters_on_a_phone(live_server, new_page, axe_js, shots_dir):
    page = new_page(bypass_csp=True)
    log_in(page, live_server, "reseau@example.org", "/network/impact/")
    page.get_by_label("Période", exact=True).select_option("quarter")
    page.get_by_label("Département", exact=True).select_option("Dordogne")
    page.get_by_label("Thème", exact=True).select_option("demarches")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"department=Dordogne"))
    expect(page.locator("#department-table tbody th")).to_have_text(["Dordogne"])
    page.screenshot(path=str(shots_dir / "impact-network-390.png"), full_page=True)
    assert_clean(page, axe_js, "network dashboard")

    # A wrong custom period is explained next to its field, not a crash.
    page.goto(f"{live_server}/network/impact/?period=custom&from=2026-10-01&to=2026-09-01")
    expect(page.locator("#f-to-error")).to_have_text("Le dernier jour est avant le premier jour.")
    assert_clean(page, axe_js, "network dashboard with an error")


@pytest.mark.parametrize("javascript", [True, False])
def test_helper_records_a_walk_in_in_two_taps(live_server, new_page, axe_js, javascript):
    page = new_page(javascript=javascript, bypass_csp=True)
    log_in(page, live_server, "helper.saint-jean@example.org", f"{CAFE}/impact/reports/")
    page.get_by_role("link", name="Aide sans rendez-vous").click()
    if javascript:
        assert_clean(page, axe_js, "walk-in themes")
    page.get_by_role("button", name="Santé").click()
    expect(page.get_by_role("status")).to_contain_text("Aide sans rendez-vous enregistrée : Santé, 30 min.")
    expect(page).to_have_url(re.compile(re.escape(f"{CAFE}/impact/reports/")))

    page.get_by_role("link", name="Remplir un compte rendu").first.click()
    page.get_by_label("Courriel").check()
    page.get_by_label("70 ans et plus").check()
    if javascript:
        assert_clean(page, axe_js, "report form")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_role("status")).to_contain_text("Le compte rendu est enregistré")


def test_network_list_and_import_on_a_phone(live_server, new_page, axe_js, shots_dir, tmp_path):
    page = new_page(bypass_csp=True)
    log_in(page, live_server, "reseau@example.org", "/network/")
    expect(page.locator("#cafe-list li.card")).to_have_count(4)
    page.get_by_label("Café, village ou code postal").fill("cilaos")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#cafe-list li.card")).to_have_count(1)
    page.screenshot(path=str(shots_dir / "network-list-390.png"), full_page=True)
    assert_clean(page, axe_js, "network list")

    page.get_by_role("link", name="Fermer ce café… Le Kiosque de Cilaos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fermer Le Kiosque de Cilaos ?")
    assert_clean(page, axe_js, "close confirmation")
    page.get_by_role("link", name="Non, revenir").click()

    csv_file = tmp_path / "cafes.csv"
    csv_file.write_text(
        "nom;village;code postal;département\nLe Bistrot;Aydat;639;Puy-de-Dôme\n", encoding="utf-8"
    )
    page.goto(live_server + "/network/cafes/import")
    page.get_by_label("Fichier CSV des cafés").set_input_files(str(csv_file))
    page.get_by_role("button", name="Vérifier le fichier (essai à blanc)").click()
    expect(page.locator("#line-2")).to_contain_text("Le code postal « 639 » n’a pas 5 chiffres.")
    assert_clean(page, axe_js, "import dry run")
