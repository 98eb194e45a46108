"""Impact: help reports (the Coop's CRA), dashboards, exports, access, and what survives a purge."""

import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from portal.blueprints.impact import figures, services
from portal.blueprints.impact.exports import COLUMNS
from portal.blueprints.impact.periods import Period
from portal.models import AuditEntry, Booking, Event, HelpReport, HelpTopic, Rsvp, utcnow
from portal.models.event import EventCategory

from .conftest import field_error, make_cafe, words

# A fixed year in the past: "today" moves, the hand-counted figures must not.
YEAR = 2025
A = "/c/saint-jean-de-cole"
B = "/c/lagrasse"


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def add_report(cafe, day: date, themes, **fields) -> HelpReport:
    walk_in = fields.pop("walk_in", False)
    data = services.ReportData(day=day, duration_minutes=fields.pop("minutes", 30), themes=themes, **fields)
    return services.record_report(cafe, data, actor=None, walk_in=walk_in)


@pytest.fixture
def in_request(app):
    """Labels are translated per request: services called directly need one."""
    with app.test_request_context():
        yield


@pytest.fixture
def counted(db, team_a, team_b, in_request):
    """Hand-counted reports. Café A in 2025: 4 individual + 1 workshop of 5; one in 2024.

    People helped in 2025 at A: 1 + 1 + 1 + 1 + 5 = 9; minutes: 30 + 45 + 60 + 15 + 120 = 270.
    Age bands (weighted by participants): 70+ → 2, 60-69 → 1, not given → 1 + 5 = 6.
    Themes: aide_aux_demarches_administratives → 2, argent_impots → 2, email → 1,
            prendre_en_main_du_materiel → 1 + 5 = 6.
    """
    a, b = team_a.cafe, team_b.cafe
    add_report(
        a,
        date(YEAR, 3, 4),
        ["aide_aux_demarches_administratives", "argent_impots"],
        age_band="soixante_dix_plus",
        gender="feminin",
        social_status="retraite",
        autonomy="entierement_accompagne",
        equipment=["ordinateur"],
        referred=True,
        referred_to="aide_aux_demarches_administratives",
        postcode="24800",
        first_visit=True,
        note="Mme a oublié ses lunettes",
    )
    add_report(
        a,
        date(YEAR, 4, 10),
        ["aide_aux_demarches_administratives", "argent_impots"],
        minutes=45,
        age_band="soixante_dix_plus",
        equipment=["telephone"],
        autonomy="partiellement_autonome",
    )
    add_report(a, date(YEAR, 4, 11), ["email"], minutes=60, age_band="soixante_soixante_neuf", walk_in=True)
    add_report(a, date(YEAR, 9, 30), ["prendre_en_main_du_materiel"], minutes=15, walk_in=True)
    add_report(
        a,
        date(YEAR, 11, 5),
        ["prendre_en_main_du_materiel"],
        minutes=120,
        kind="collectif",
        participants=5,
        workshop_level="debutant",
        workshop_title="Bien utiliser son smartphone",
    )
    add_report(a, date(YEAR - 1, 6, 1), ["email"], age_band="soixante_dix_plus")
    add_report(b, date(YEAR, 5, 5), ["sante"], minutes=90, age_band="douze_dix_huit")
    add_report(b, date(YEAR, 5, 6), ["logement"], minutes=30, age_band="soixante_dix_plus")
    return team_a, team_b


def counts(shares) -> dict[str, int]:
    return {share.value: share.count for share in shares if share.count}


def check_cafe_a_2025(numbers) -> None:
    assert numbers.totals.people == 9
    assert numbers.totals.minutes == 270
    assert numbers.totals.individual == 4
    assert numbers.totals.workshops == 1
    assert numbers.totals.workshop_participants == 5
    assert numbers.totals.walk_ins == 2
    assert numbers.totals.first_visits == 1
    assert numbers.before.people == 1  # 2024
    assert counts(numbers.dimensions["tranches_age"]) == {
        "soixante_dix_plus": 2,
        "soixante_soixante_neuf": 1,
        "non_communique": 6,
    }
    assert counts(numbers.dimensions["thematiques"]) == {
        "aide_aux_demarches_administratives": 2,
        "argent_impots": 2,
        "email": 1,
        "prendre_en_main_du_materiel": 6,
    }
    assert counts(numbers.dimensions["materiels"]) == {"ordinateur": 1, "telephone": 1}
    assert counts(numbers.dimensions["autonomie"]) == {
        "entierement_accompagne": 1,
        "partiellement_autonome": 1,
    }
    assert counts(numbers.dimensions["reorientations"]) == {"aide_aux_demarches_administratives": 1}
    assert counts(numbers.dimensions["types"]) == {"individuel": 4, "collectif": 5}
    assert counts(numbers.dimensions["durees"]) == {"30": 1, "60": 2, "120": 1, "more": 5}
    by_month = {m["month"]: m["people"] for m in numbers.months if m["year"] == YEAR and m["people"]}
    assert by_month == {3: 1, 4: 2, 9: 1, 11: 5}


# --- figures -------------------------------------------------------------------------------------


def test_cafe_figures_match_the_hand_count(counted):
    team_a, _ = counted
    check_cafe_a_2025(figures.compute(figures.Scope(cafe=team_a.cafe), Period.year(YEAR)))


def test_network_figures_add_up_per_department_and_filter_by_theme(counted):
    numbers = figures.compute(figures.Scope(), Period.year(YEAR))
    assert numbers.totals.people == 11
    assert {d["department"]: d["people"] for d in numbers.per_department} == {"Dordogne": 9, "Aude": 2}
    dordogne = figures.compute(figures.Scope(department="Dordogne"), Period.year(YEAR))
    check_cafe_a_2025(dordogne)
    # "How many people did we help with administrative procedures, in Dordogne, by age band?"
    admin = figures.compute(figures.Scope(department="Dordogne", theme="demarches"), Period.year(YEAR))
    assert admin.totals.people == 2
    assert counts(admin.dimensions["tranches_age"]) == {"soixante_dix_plus": 2}
    quarter = figures.compute(
        figures.Scope(department="Dordogne", theme="demarches"), Period.quarter(YEAR, 2)
    )
    assert quarter.totals.people == 1
    assert quarter.previous == Period.quarter(YEAR, 1)
    assert quarter.before.people == 1


def test_the_dashboard_shows_the_hand_counted_figures(client, auth, counted):
    team_a, _ = counted
    auth.login(team_a.manager)
    page = client.get(f"{A}/impact/?period=year&year={YEAR}").get_data(as_text=True)
    assert text(re.search(r'id="figure-people">(.*?)</li>', page, re.S).group(1)).startswith(
        "9 personnes accompagnées"
    )
    assert "+800 % sur la période précédente" in text(
        re.search(r'id="figure-people">(.*?)</li>', page, re.S).group(1)
    )
    assert text(re.search(r'id="figure-hours">(.*?)</li>', page, re.S).group(1)).startswith("4,5 heures")
    ages = re.search(r'id="chart-ages".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert "70 ans et plus 2 22,2 %" in text(ages)
    # Bars are drawn by the server, one per age band, with the data table next to them.
    assert (
        len(
            re.findall(
                r'<rect[^>]*class="bar"', re.search(r'id="chart-ages"(.*?)</figure>', page, re.S).group(1)
            )
        )
        == 8
    )
    trend = re.search(r'id="trend-people".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert "nov. 2025 5" in text(trend)


def test_bad_period_is_explained_next_to_its_field(client, auth, counted):
    team_a, _ = counted
    auth.login(team_a.manager)
    response = client.get(f"{A}/impact/?period=custom&from=2025-10-01&to=2025-09-01")
    assert response.status_code == 422
    assert (
        field_error(response.get_data(as_text=True), "f-to") == "Le dernier jour est avant le premier jour."
    )
    response = client.get(f"{A}/impact/?period=month&month=n'importe")
    assert (
        field_error(response.get_data(as_text=True), "f-month") == "Choisissez un mois, par exemple 2026-11."
    )


# --- exports -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    body = raw.decode("utf-8-sig")
    assert "\r\n" in body
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_csv_has_the_coop_headers_separators_and_one_row_per_report(client, auth, counted):
    team_a, _ = counted
    auth.login(team_a.manager)
    response = client.get(f"{A}/impact.csv?period=year&year={YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header == COLUMNS
    assert header[:4] == ["Date", "Enregistré le", "Dernière modification le", "Type"]
    for name in (
        "Durée (min)",
        "Matériel numérique utilisé",
        "Thématique(s) d’accompagnement",
        "Niveau d’autonomie (ou de l’atelier)",
        "Bénéficiaire réorienté",
        "Structure de redirection",
        "Code postal du bénéficiaire",
        "Tranche d’âge du bénéficiaire",
        "Genre du bénéficiaire",
        "Statut du bénéficiaire",
        "Nom du lieu",
        "Commune",
        "Code postal",
    ):
        assert name in header
    assert len(rows) == 1 + 5
    first = dict(zip(header, rows[1], strict=True))
    assert first["Date"] == "04/03/2025"
    assert first["Type"] == "Accompagnement individuel"
    assert first["Durée (min)"] == "30"
    assert first["Matériel numérique utilisé"] == "Ordinateur"
    assert first["Thématique(s) d’accompagnement"] == "Aide aux démarches administratives, Argent - Impôts"
    assert first["Niveau d’autonomie (ou de l’atelier)"] == "Avec guidage"
    assert first["Bénéficiaire réorienté"] == "Oui"
    assert first["Structure de redirection"].startswith("Structure d’aide aux démarches administratives")
    assert first["Tranche d’âge du bénéficiaire"] == "70 ans et plus"
    assert first["Genre du bénéficiaire"] == "Féminin"
    assert first["Statut du bénéficiaire"] == "Retraité"
    assert first["Code postal du bénéficiaire"] == "24800"
    assert first["Nom du lieu"] == "Café de Saint-Jean-de-Côle"
    assert first["Code postal"] == "24800"
    workshop = dict(zip(header, rows[-1], strict=True))
    assert workshop["Type"] == "Atelier collectif"
    assert workshop["Participants"] == "5"
    assert workshop["Niveau d’autonomie (ou de l’atelier)"] == "Débutant"
    # Never a name, a phone number, an email address, nor the team's free note.
    body = response.get_data(as_text=True)
    assert "lunettes" not in body
    for user in (team_a.manager, team_a.helper):
        assert user.email not in body and user.display_name not in body


def test_network_csv_and_json(client, auth, admin, counted):
    auth.login(admin)
    rows = read_csv(client.get(f"/network/impact.csv?period=year&year={YEAR}&department=Aude"))
    assert [row[COLUMNS.index("Nom du lieu")] for row in rows[1:]] == ["Café de Lagrasse", "Café de Lagrasse"]
    data = json.loads(client.get(f"/network/impact.json?period=year&year={YEAR}").get_data(as_text=True))
    assert data["totaux"]["beneficiaires_accompagnes"] == 11
    ages = {entry["value"]: entry for entry in data["tranches_age"]}
    assert set(ages["soixante_dix_plus"]) == {"value", "label", "count", "proportion"}
    assert ages["soixante_dix_plus"] == {
        "value": "soixante_dix_plus",
        "label": "70 ans et plus",
        "count": 3,
        "proportion": 27.273,
    }
    assert [e["value"] for e in data["thematiques"]][:2] == [
        "diagnostic_numerique",
        "prendre_en_main_du_materiel",
    ]
    assert round(sum(e["proportion"] for e in data["genres"])) == 100


def test_figures_and_csv_survive_the_personal_data_purge(frozen_clock, client, auth, runner, db, counted):
    # The clock stands still: the purge stamps the rows it changes, the CSV shows that minute.
    team_a, _ = counted
    auth.login(team_a.manager)
    url = f"{A}/impact.csv?period=year&year={YEAR}"
    before = read_csv(client.get(url))
    # A booking with a name, attended long ago, with its report.
    topic = HelpTopic(cafe=team_a.cafe, name="Impôts en ligne")
    db.session.add(topic)
    starts = datetime(YEAR, 6, 3, 9, 0).astimezone()
    booking = Booking(
        cafe_id=team_a.cafe.id, topic=topic, starts_at=starts, ends_at=starts + timedelta(minutes=30),
        name="Germaine Roux", phone="+33553621122", code="ABC123", status="attended",
    )  # fmt: skip
    db.session.add(booking)
    db.session.commit()
    services.record_report(
        team_a.cafe,
        services.ReportData(day=date(YEAR, 6, 3), duration_minutes=30, themes=["sante"]),
        None,
        booking,
    )
    with_booking = read_csv(client.get(url))
    assert len(with_booking) == len(before) + 1

    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    assert db.session.get(Booking, booking.id).name == ""
    assert read_csv(client.get(url))[1:] == with_booking[1:]
    numbers = figures.compute(figures.Scope(cafe=team_a.cafe), Period.year(YEAR))
    assert numbers.totals.people == 10
    assert db.session.scalar(select(func.count()).where(HelpReport.note != "")) == 0


# --- access --------------------------------------------------------------------------------------

CAFE_MANAGER_URLS = [f"{A}/impact/", f"{A}/impact.csv", f"{A}/impact/summary"]
CAFE_HELPER_URLS = [
    f"{A}/impact/reports/",
    f"{A}/impact/reports/new",
    f"{A}/impact/walk-in",
    f"{A}/impact/workshops/",
]
NETWORK_URLS = ["/network/impact/", "/network/impact.csv", "/network/impact.json"]
ALL_URLS = CAFE_MANAGER_URLS + CAFE_HELPER_URLS + NETWORK_URLS


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, team_a, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


@pytest.mark.parametrize("url", ALL_URLS)
@pytest.mark.parametrize("who", ["resident", "other_cafe_manager", "other_cafe_helper"])
def test_residents_and_other_cafes_staff_are_refused(client, auth, team_a, team_b, resident, who, url):
    user = {"resident": resident, "other_cafe_manager": team_b.manager, "other_cafe_helper": team_b.helper}[
        who
    ]
    auth.login(user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", CAFE_MANAGER_URLS + NETWORK_URLS)
def test_helpers_and_staff_see_no_dashboard(client, auth, team_a, url):
    auth.login(team_a.staff)
    assert client.get(url).status_code == 403


def test_managers_see_their_cafe_and_network_admins_everything(client, auth, team_a, team_b, admin):
    auth.login(team_a.manager)
    for url in CAFE_MANAGER_URLS + CAFE_HELPER_URLS:
        assert client.get(url).status_code == 200, url
    for url in [f"{B}/impact/", f"{B}/impact.csv", *NETWORK_URLS]:
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login(admin)
    for url in ALL_URLS + [f"{B}/impact/", f"{B}/impact.csv"]:
        assert client.get(url).status_code == 200, url


def test_helpers_record_but_do_not_see_the_dashboard(client, auth, team_a):
    auth.login(team_a.helper)
    for url in CAFE_HELPER_URLS:
        assert client.get(url).status_code == 200, url


def test_another_cafes_report_is_not_found(client, auth, team_a, team_b):
    report = add_report(team_b.cafe, date(YEAR, 5, 5), ["sante"])
    auth.login(team_a.manager)
    assert client.get(f"{A}/impact/reports/{report.id}").status_code == 404
    assert client.post(f"{A}/impact/reports/{report.id}", data={}).status_code == 404
    assert client.post(f"{A}/impact/reports/{report.id}/delete").status_code == 404


# --- the report form -----------------------------------------------------------------------------

GOOD = {
    "kind": "individuel",
    "day": "2026-11-02",
    "duration": "45",
    "participants": "1",
    "equipment": ["telephone"],
    "digital_themes": ["email"],
    "admin_themes": ["social_sante"],
    "autonomy": "autonome",
    "referred": "non",
    "age_band": "soixante_dix_plus",
    "gender": "feminin",
    "social_status": "retraite",
    "postcode": "24800",
    "first_visit": "oui",
    "note": "",
}


def test_fill_in_a_report(client, auth, db, team_a):
    auth.login(team_a.helper)
    response = client.post(f"{A}/impact/reports/new", data=GOOD)
    assert response.status_code == 303
    report = db.session.scalar(select(HelpReport))
    assert (report.day, report.duration_minutes, report.age_band) == (
        date(2026, 11, 2),
        45,
        "soixante_dix_plus",
    )
    assert report.themes == ["email", "social_sante"]
    assert report.equipment == ["telephone"]
    assert report.first_visit is True
    assert report.recorded_by_id == team_a.helper.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "impact.report_recorded"))
    assert entry.cafe_id == team_a.cafe.id and entry.target == f"#{report.id}"


def test_any_number_of_minutes(client, auth, db, team_a):
    auth.login(team_a.helper)
    client.post(f"{A}/impact/reports/new", data={**GOOD, "duration": "autre", "other_duration": "50"})
    assert db.session.scalar(select(HelpReport.duration_minutes)) == 50


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        (
            {"duration": "autre", "other_duration": "-20"},
            "other_duration",
            "La durée est un nombre de minutes entre 1 et 1 440 (24 heures).",
        ),
        (
            {"duration": "-20"},
            "duration",
            "La durée est un nombre de minutes entre 1 et 1 440 (24 heures).",
        ),
        (
            {"digital_themes": ["email", "jardinage"]},
            "digital_themes",
            "« jardinage » ne fait pas partie des thèmes : cochez des thèmes de la liste.",
        ),
        ({"digital_themes": [], "admin_themes": []}, "digital_themes", "Cochez au moins un thème."),
        (
            {"day": "2099-01-01"},
            "day",
            "La date ne peut pas être dans le futur : l’accompagnement doit avoir eu lieu.",
        ),
        (
            {"referred": "oui", "referred_to": ""},
            "referred_to",
            "Indiquez vers quelle structure la personne a été réorientée.",
        ),
        ({"postcode": "248"}, "postcode", "Un code postal a 5 chiffres."),
    ],
)
def test_bad_report_is_explained_next_to_the_field_and_kept(
    client, auth, db, team_a, changes, field_id, message
):
    auth.login(team_a.helper)
    response = client.post(f"{A}/impact/reports/new", data={**GOOD, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = dict(re.findall(r'<p class="error" id="([^"]+)-error">(.*?)</p>', page, re.S))
    assert words(unescape(errors[field_id])) == message
    assert 'value="24800"' in page or changes.get("postcode")
    assert db.session.scalar(select(func.count(HelpReport.id))) == 0


def test_tomorrow_in_the_cafes_zone_is_the_future(client, auth, team_a):
    auth.login(team_a.helper)
    tomorrow = team_a.cafe.today() + timedelta(days=1)
    response = client.post(f"{A}/impact/reports/new", data={**GOOD, "day": tomorrow.isoformat()})
    assert field_error(response.get_data(as_text=True), "day")


# --- corrections ---------------------------------------------------------------------------------


def test_correcting_within_30_days_is_logged(client, auth, db, team_a):
    report = add_report(team_a.cafe, date(2026, 11, 2), ["email"], age_band="soixante_dix_plus")
    auth.login(team_a.helper)
    page = client.get(f"{A}/impact/reports/{report.id}").get_data(as_text=True)
    assert "Vous pouvez corriger ce compte rendu jusqu’au" in page
    response = client.post(
        f"{A}/impact/reports/{report.id}",
        data={**GOOD, "day": "2026-11-02", "digital_themes": ["email", "sante"]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(HelpReport, report.id).themes == ["email", "sante", "social_sante"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "impact.report_corrected"))
    assert entry.actor_id == team_a.helper.id
    assert entry.details["changes"]["duration_minutes"] == [30, 45]
    assert entry.details["changes"]["themes"] == [["email"], ["email", "sante", "social_sante"]]


def test_after_30_days_a_report_can_no_longer_be_changed(client, auth, db, team_a):
    report = add_report(team_a.cafe, date(2026, 9, 1), ["email"])
    report.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    auth.login(team_a.manager)
    page = client.get(f"{A}/impact/reports/{report.id}")
    assert page.status_code == 200
    assert "il ne peut plus être corrigé" in page.get_data(as_text=True)
    refused = client.post(f"{A}/impact/reports/{report.id}", data=GOOD)
    assert refused.status_code == 409
    assert "il ne peut plus être corrigé" in refused.get_data(as_text=True)
    assert client.post(f"{A}/impact/reports/{report.id}/delete").status_code == 409
    db.session.expire_all()
    assert db.session.get(HelpReport, report.id).duration_minutes == 30


def test_delete_a_report_recorded_by_mistake(client, auth, db, team_a):
    report_id = add_report(team_a.cafe, date(2026, 11, 2), ["email"]).id
    auth.login(team_a.helper)
    assert client.post(f"{A}/impact/reports/{report_id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(HelpReport.id))) == 0
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "impact.report_deleted"))


# --- walk-ins, bookings, workshops ---------------------------------------------------------------


def test_a_walk_in_in_two_taps(client, auth, db, team_a):
    auth.login(team_a.staff)
    page = client.get(f"{A}/impact/walk-in?next={A}/impact/reports/").get_data(as_text=True)
    assert 'name="theme" value="sante"' in page
    response = client.post(f"{A}/impact/walk-in", data={"theme": "sante", "next": f"{A}/impact/reports/"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{A}/impact/reports/"
    report = db.session.scalar(select(HelpReport))
    assert (report.walk_in, report.duration_minutes, report.themes, report.day) == (
        True,
        30,
        ["sante"],
        team_a.cafe.today(),
    )


def test_a_walk_in_from_the_counter_tablet(client, auth, db, team_a):
    auth.login(team_a.staff)
    client.post(f"{A}/help/counter/start")
    auth.logout()
    assert client.get(f"{A}/impact/walk-in").status_code == 200
    assert client.post(f"{A}/impact/walk-in", data={"theme": "email"}).status_code == 303
    assert db.session.scalar(select(HelpReport.walk_in)) is True


def test_unknown_walk_in_theme_is_refused(client, auth, db, team_a):
    auth.login(team_a.helper)
    assert client.post(f"{A}/impact/walk-in", data={"theme": "jardinage"}).status_code == 422
    assert db.session.scalar(select(func.count(HelpReport.id))) == 0


@pytest.fixture
def attended(db, team_a):
    topic = HelpTopic(cafe=team_a.cafe, name="Impôts en ligne")
    db.session.add(topic)
    starts = utcnow() - timedelta(days=2)
    booking = Booking(
        cafe_id=team_a.cafe.id, topic=topic, starts_at=starts, ends_at=starts + timedelta(minutes=45),
        name="Germaine Roux", phone="+33553621122", code="XYZ789", status="attended",
    )  # fmt: skip
    db.session.add(booking)
    db.session.commit()
    return booking


def test_after_an_attended_booking_fill_in_not_now_or_decline(client, auth, db, team_a, attended):
    auth.login(team_a.helper)
    page = client.get(f"{A}/impact/reports/").get_data(as_text=True)
    card = re.search(rf'id="to-fill-{attended.id}">(.*?)</li>', page, re.S).group(1)
    assert "Remplir le compte rendu" in card and "Germaine" not in card
    form = client.get(f"{A}/impact/reports/new?booking={attended.id}").get_data(as_text=True)
    assert re.search(r"<input[^>]*checked[^>]*value=\"45\"|<input[^>]*value=\"45\"[^>]*checked", form), (
        re.findall(r"<input[^>]*duration[^>]*>", form)
    )

    client.post(f"{A}/impact/bookings/{attended.id}/prompt", data={"answer": "later"})
    assert f'id="to-fill-{attended.id}"' in client.get(f"{A}/impact/reports/").get_data(as_text=True)
    client.post(f"{A}/impact/bookings/{attended.id}/prompt", data={"answer": "declined"})
    assert f'id="to-fill-{attended.id}"' not in client.get(f"{A}/impact/reports/").get_data(as_text=True)
    assert not services.needs_report(team_a.cafe, attended)


def test_a_booking_gets_one_report(client, auth, db, team_a, attended):
    auth.login(team_a.helper)
    assert client.post(f"{A}/impact/reports/new?booking={attended.id}", data=GOOD).status_code == 303
    again = client.get(f"{A}/impact/reports/new?booking={attended.id}")
    assert again.status_code == 303
    assert db.session.scalar(select(func.count(HelpReport.id))) == 1
    assert f'id="to-fill-{attended.id}"' not in client.get(f"{A}/impact/reports/").get_data(as_text=True)


def test_another_cafes_booking_is_not_found(client, auth, team_b, team_a, attended):
    auth.login(team_b.helper)
    assert client.get(f"{B}/impact/reports/new?booking={attended.id}").status_code == 404
    assert (
        client.post(f"{B}/impact/bookings/{attended.id}/prompt", data={"answer": "declined"}).status_code
        == 404
    )


def test_a_workshops_attendance_feeds_a_collective_report(client, auth, db, team_a, in_request):
    cafe = team_a.cafe
    day = cafe.today() - timedelta(days=7)
    starts = datetime.combine(day, time(14, 30), tzinfo=cafe.zone)
    event = Event(
        cafe=cafe, title="Atelier smartphone", category=EventCategory.DIGITAL,
        starts_at=starts, ends_at=starts + timedelta(hours=2), rsvp_enabled=True,
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    db.session.add(
        Rsvp(cafe_id=cafe.id, event_id=event.id, occurrence_start=event.starts_at, name="X", party_size=4)
    )
    db.session.commit()

    auth.login(team_a.staff)
    assert "Atelier smartphone" in client.get(f"{A}/impact/workshops/").get_data(as_text=True)
    response = client.post(
        f"{A}/impact/workshops/{event.id}",
        data={"level": "debutant", "digital_themes": ["prendre_en_main_du_materiel"]},
    )
    assert response.status_code == 303
    page = client.get(f"{A}/impact/workshops/{event.id}").get_data(as_text=True)
    assert "4 personnes avaient dit qu’elles viendraient." in page
    key = re.search(r'/sessions/([^"]+)"', page).group(1)
    response = client.post(
        f"{A}/impact/workshops/{event.id}/sessions/{key}", data={"participants": "6", "duration": "120"}
    )
    assert response.status_code == 303
    report = db.session.scalar(select(HelpReport))
    assert (report.kind, report.participants, report.workshop_level, report.day) == (
        "collectif",
        6,
        "debutant",
        day,
    )
    assert report.themes == ["prendre_en_main_du_materiel"]
    # Correcting the attendance changes the same report.
    client.post(
        f"{A}/impact/workshops/{event.id}/sessions/{key}", data={"participants": "5", "duration": "120"}
    )
    assert db.session.scalar(select(func.count(HelpReport.id))) == 1
    numbers = figures.compute(figures.Scope(cafe=cafe), Period.year(day.year))
    assert (numbers.totals.workshops, numbers.totals.workshop_participants) == (1, 5)
    bad = client.post(
        f"{A}/impact/workshops/{event.id}/sessions/{key}", data={"participants": "0", "duration": "-3"}
    )
    assert bad.status_code == 422
    assert "Entre 1 et 500 participants." in bad.get_data(as_text=True)


def test_helpers_cannot_mark_workshops(client, auth, db, team_a):
    starts = utcnow() - timedelta(days=3)
    event = Event(cafe=team_a.cafe, title="Atelier", starts_at=starts, ends_at=starts + timedelta(hours=1))
    db.session.add(event)
    db.session.commit()
    auth.login(team_a.helper)
    assert client.post(f"{A}/impact/workshops/{event.id}", data={"level": "debutant"}).status_code == 403


# --- scale ---------------------------------------------------------------------------------------


def _network(db, first: int, last: int) -> None:
    for i in range(first, last):
        cafe = make_cafe(f"cafe-{i}", f"Village {i}", f"{24000 + i:05d}", "Dordogne" if i % 2 else "Aude")
        add_report(cafe, date(YEAR, 1 + i % 12, 3), ["email", "argent_impots"], equipment=["telephone"])


def test_dashboards_run_the_same_number_of_queries_for_3_and_50_cafes(client, auth, db, admin, count_queries):
    auth.login(admin)
    measured = []
    for first, size in ((0, 3), (3, 50)):
        _network(db, first, size)
        urls = [
            f"/network/impact/?period=year&year={YEAR}",
            f"/network/impact.csv?period=year&year={YEAR}",
            f"/network/impact.json?period=year&year={YEAR}",
            f"/c/cafe-1/impact/?period=year&year={YEAR}",
        ]
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        measured.append(counts)
    assert measured[0] == measured[1]
    assert max(measured[1]) <= 20


def test_no_personal_field_in_the_report_model():
    columns = set(HelpReport.__table__.columns.keys())
    assert not columns & {"name", "phone", "email", "first_name", "last_name", "address", "birth_date"}


# --- from the bookings' staff day view and the counter -------------------------------------------


def test_the_day_view_offers_a_walk_in_and_the_report_after_attended(client, auth, db, team_a, attended):
    auth.login(team_a.helper)
    day = team_a.cafe.local_day(attended.starts_at).isoformat()
    db.session.get(Booking, attended.id).status = "booked"
    db.session.commit()
    day_url = f"{A}/help/staff/?date={day}"
    page = client.get(day_url).get_data(as_text=True)
    assert f'href="{A}/impact/walk-in?next=' in page
    row = re.search(rf'id="booking-{attended.id}">(.*?)</li>', page, re.S).group(1)
    assert "Remplir le compte rendu" not in row

    client.post(f"{A}/help/staff/bookings/{attended.id}/mark", data={"status": "attended"})
    page = client.get(day_url).get_data(as_text=True)
    row = re.search(rf'id="booking-{attended.id}">(.*?)</li>', page, re.S).group(1)
    assert f"/impact/reports/new?booking={attended.id}" in row
    assert "Pas maintenant" in row and "Ne pas remplir" in row

    response = client.post(
        f"{A}/impact/bookings/{attended.id}/prompt", data={"answer": "declined", "next": day_url}
    )
    assert response.headers["Location"] == day_url
    row = re.search(
        rf'id="booking-{attended.id}">(.*?)</li>', client.get(day_url).get_data(as_text=True), re.S
    )
    assert "Remplir le compte rendu" not in row.group(1)


def test_the_counter_tablet_links_to_the_walk_in(client, auth, team_a):
    auth.login(team_a.staff)
    client.post(f"{A}/help/counter/start")
    page = client.get(f"{A}/help/counter/").get_data(as_text=True)
    assert f'href="{A}/impact/walk-in?next=/c/saint-jean-de-cole/help/counter/"' in page
