"""The staff area of a café, /c/<slug>/manage/, as its manager and the others see it."""

import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from portal.models import (
    AuditEntry,
    Cafe,
    CafeService,
    HoursException,
    Invitation,
    Membership,
    Role,
    WeeklyHours,
    utcnow,
)
from portal.typography import first_of_month

from .conftest import PASSWORD, field_error, field_errors, flashes, form_value, make_user, text

SLUG_A = "saint-jean-de-cole"
SLUG_B = "lagrasse"
A = f"/c/{SLUG_A}/manage"
B = f"/c/{SLUG_B}/manage"

# What the French UI says (portal/translations/fr and WTForms' own catalogue).
FR_BAD_PHONE = "Ce numéro de téléphone n’est pas valide. Exemple : 05 53 12 34 56 ou +32 2 512 34 56."
FR_INVALID_EMAIL = "Adresse électronique non valide."
FR_REQUIRED = "Ce champ est requis."
FR_CLOSE_AFTER_OPEN = "L’heure de fermeture doit être après l’heure d’ouverture."
FR_BOTH_TIMES = "Indiquez l’heure d’ouverture et l’heure de fermeture."
FR_SAME_TIMES = "L’heure de fermeture doit être différente de l’heure d’ouverture."
FR_SECOND_PERIOD = "La deuxième période doit commencer après la fin de la première."
FR_SPECIAL_TIMES = "Indiquez les horaires spéciaux d’ouverture et de fermeture."
FR_LAST_MANAGER = "Le café doit garder au moins un gérant ou une gérante. Nommez d’abord quelqu’un d’autre."
FR_PICK_A_ROLE = "Choisissez un des rôles de la liste."
FR_CLOSED_DAY = "Fermé"  # a day in the café page's table
# An exceptional day in the "coming up" lists.
def french_date(day) -> str:
    """'mardi 1er décembre 2026', as the pages write it."""
    return first_of_month(format_date(day, "full", locale="fr"), "fr")


FR_EXCEPTION_CLOSED = "%(date)s : fermé"
FR_EXCEPTION_OPEN = "%(date)s : ouvert de %(opens)s à %(closes)s"
FR_NO_SERVICES = "Le café n’a pas encore indiqué ses services."
FR_POST_RELAY = "Relais poste"
FR_BREAD_DEPOT = "Dépôt de pain"
FR_INVITATION_USED = (
    "Cette invitation a déjà servi ou a expiré. Demandez-en une nouvelle au gérant ou à la gérante du café."
)
FR_INVITATION_INVALID = (
    "Ce lien d’invitation n’est pas valide. Demandez-en un nouveau au gérant ou à la gérante du café."
)
FR_STAFF_AREA = "Espace équipe"
FR_PROFILE_SAVED = "Les informations du café sont enregistrées."
FR_HOURS_SAVED = "Les horaires d’ouverture sont enregistrés."
FR_SERVICES_SAVED = "Les services sont enregistrés."
FR_JOINED = "Café de Saint-Jean-de-Côle : bienvenue dans l’équipe !"
FR_LOG_IN_TO_ACCEPT = "Connectez-vous ou créez un compte pour accepter l’invitation."

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- helpers -----------------------------------------------------------------------------


def is_checked(html: str, name: str, value: str) -> bool:
    for tag in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html):
        if f'value="{value}"' in tag:
            return re.search(r"\bchecked\b", tag) is not None
    raise AssertionError(f"no input {name}={value}")


def cafe_page(client, slug: str = SLUG_A) -> str:
    response = client.get(f"/c/{slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def local_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def hours_table(html: str) -> list[str]:
    """The seven days of the café page's hours table, today first, as text."""
    table = re.search(r'<table class="hours">(.*?)</table>', html, re.S).group(1)
    return [text(cell) for cell in re.findall(r"<td>(.*?)</td>", table, re.S)]


def coming_up(html: str) -> list[str]:
    """The café page's list of exceptional days to come."""
    section = html.split('<table class="hours">', 1)[1].split("</section>", 1)[0]
    block = re.search(r"<ul>(.*?)</ul>", section, re.S)
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def services_listed(html: str) -> list[str]:
    block = re.search(r'<ul class="services">(.*?)</ul>', html, re.S)
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def week(**days: list[tuple[str, str]]) -> dict[str, str]:
    """The weekly-hours form as a browser sends it: every field, empty where nothing is typed."""
    data = {}
    for index, name in enumerate(WEEKDAYS):
        periods = days.get(name, [])
        for n in (1, 2):
            opens, closes = periods[n - 1] if len(periods) >= n else ("", "")
            data[f"days-{index}-opens_{n}"] = opens
            data[f"days-{index}-closes_{n}"] = closes
    return data


def audit_rows(html: str) -> list[list[str]]:
    """The audit table's rows, each a list of cell texts."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def count(db, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def membership(db, cafe: Cafe, user) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.cafe_id == cafe.id, Membership.user_id == user.id)
    )


def owned_objects(db, team) -> dict[str, int]:
    """One café-owned object of each kind, for the ids in URLs."""
    exception = HoursException(
        cafe=team.cafe, day=local_today() + timedelta(days=20), closed=True, label="Inventaire"
    )
    invitation = Invitation(
        cafe=team.cafe,
        role=Role.STAFF,
        email="invite@example.org",
        token_hash=Invitation.hash_token(secrets.token_urlsafe()),
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add_all([exception, invitation])
    db.session.commit()
    return {
        "exception": exception.id,
        "invitation": invitation.id,
        "membership": membership(db, team.cafe, team.staff).id,
    }


# Every URL of the staff area (but the invitation link, open to anyone logged in),
# with the lowest role it is for.
MANAGE_URLS = [
    ("GET", "/", Role.HELPER),
    ("GET", "/profile", Role.MANAGER),
    ("POST", "/profile", Role.MANAGER),
    ("GET", "/hours", Role.MANAGER),
    ("POST", "/hours", Role.MANAGER),
    ("POST", "/hours/exceptions", Role.MANAGER),
    ("POST", "/hours/exceptions/{exception}/delete", Role.MANAGER),
    ("GET", "/services", Role.MANAGER),
    ("POST", "/services", Role.MANAGER),
    ("GET", "/team", Role.MANAGER),
    ("POST", "/team/invitations", Role.MANAGER),
    ("POST", "/team/invitations/{invitation}/revoke", Role.MANAGER),
    ("POST", "/team/{membership}/role", Role.MANAGER),
    ("POST", "/team/{membership}/remove", Role.MANAGER),
    ("GET", "/audit", Role.MANAGER),
]
MANAGER_ONLY = [(m, p) for m, p, role in MANAGE_URLS if role == Role.MANAGER]

# What a manager might send to each POST URL: enough to change something if it got through.
POST_DATA = {
    "/profile": {"name": "Café piraté", "phone": "0553000000"},
    "/hours": week(mon=[("08:00", "20:00")]),
    "/hours/exceptions": {"day": (local_today() + timedelta(days=3)).isoformat(), "status": "closed"},
    "/services": {"services": ["grocery"]},
    "/team/invitations": {"role": "manager", "email": "intrus@example.org"},
    "/team/{membership}/role": {"role": "manager"},
}


def send(client, method: str, url: str, path: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=POST_DATA.get(path, {}))


def assert_cafe_a_untouched(db, team, ids):
    cafe = db.session.get(Cafe, team.cafe.id)
    assert cafe.name == "Café de Saint-Jean-de-Côle"
    assert cafe.phone == ""
    assert count(db, WeeklyHours, cafe_id=cafe.id) == 0
    assert count(db, CafeService, cafe_id=cafe.id) == 0
    assert count(db, HoursException, cafe_id=cafe.id) == 1
    assert db.session.get(HoursException, ids["exception"]) is not None
    assert count(db, Invitation, cafe_id=cafe.id) == 1
    assert db.session.get(Invitation, ids["invitation"]) is not None
    assert db.session.get(Membership, ids["membership"]).role == Role.STAFF


@pytest.fixture
def manager_a(auth, team_a):
    """The client is logged in as the manager of café A."""
    auth.login(team_a.manager)
    return team_a


def invite(client, role="staff", email="") -> str:
    """Create an invitation as the logged-in manager; the link's path."""
    response = client.post(f"{A}/team/invitations", data={"role": role, "email": email})
    assert response.status_code == 200
    link = new_link_shown(response.get_data(as_text=True))
    assert link.startswith(f"http://localhost/c/{SLUG_A}/manage/join/")
    return link.removeprefix("http://localhost")


def new_link_shown(html: str) -> str | None:
    """The invitation link the team page shows, if any."""
    match = re.search(r'<input id="new-link"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


# --- access --------------------------------------------------------------------------------
# Logged out, another café's staff, residents and another café's ids: tests/test_tenancy.py
# walks every café URL. Here: the staff area's own rule, only managers run the café.


def test_unknown_ids_are_not_found(client, manager_a):
    for path in (
        "/hours/exceptions/999999/delete",
        "/team/invitations/999999/revoke",
        "/team/999999/role",
        "/team/999999/remove",
    ):
        assert client.post(A + path, data={"role": "staff"}).status_code == 404


# --- the café's details ----------------------------------------------------------------------


def test_profile_form_shows_the_current_details(client, db, manager_a):
    cafe = manager_a.cafe
    cafe.address = "2 place de l’Église"
    db.session.commit()
    page = client.get(f"{A}/profile").get_data(as_text=True)
    assert form_value(page, "name") == "Café de Saint-Jean-de-Côle"
    assert form_value(page, "address") == "2 place de l’Église"


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("05 53 12 34 56", "+33553123456", "05 53 12 34 56"),
        ("0553123456", "+33553123456", "05 53 12 34 56"),
        ("05.53.12.34.56", "+33553123456", "05 53 12 34 56"),
        ("+33 5 53 12 34 56", "+33553123456", "05 53 12 34 56"),
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("+32 2 512 34 56", "+3225123456", "+32 2 512 34 56"),
    ],
)
def test_profile_phone_is_normalised_and_shown_formatted(client, db, manager_a, typed, stored, shown):
    response = client.post(
        f"{A}/profile",
        data={
            "name": "Le Comptoir de Saint-Jean",
            "address": "1 place du Château",
            "phone": typed,
            "email": " Contact@Cafe-SJC.fr ",
            "description": "Café, épicerie et relais poste.",
        },
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert response.request.path == f"{A}/"
    assert FR_PROFILE_SAVED in flashes(response.get_data(as_text=True))
    cafe = db.session.get(Cafe, manager_a.cafe.id)
    assert cafe.phone == stored
    assert cafe.email == "contact@cafe-sjc.fr"
    page = cafe_page(client)
    assert f'<a href="tel:{stored}">{shown}</a>' in page
    assert "<h1>Le Comptoir de Saint-Jean</h1>" in page
    assert "1 place du Château" in page
    assert 'href="mailto:contact@cafe-sjc.fr"' in page
    assert "Café, épicerie et relais poste." in page


def test_profile_phone_can_be_removed(client, db, manager_a):
    data = {"name": "Café de Saint-Jean-de-Côle", "phone": "0553123456"}
    client.post(f"{A}/profile", data=data)
    client.post(f"{A}/profile", data={**data, "phone": ""})
    assert db.session.get(Cafe, manager_a.cafe.id).phone == ""
    assert 'href="tel:' not in cafe_page(client)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("phone", "12345", FR_BAD_PHONE),
        ("phone", "05 53 12 34", FR_BAD_PHONE),
        ("phone", "pas de téléphone", FR_BAD_PHONE),
        ("email", "contact@", FR_INVALID_EMAIL),
        ("email", "contact.cafe.fr", FR_INVALID_EMAIL),
        ("name", "", FR_REQUIRED),
        ("name", "   ", FR_REQUIRED),
    ],
    ids=[
        "phone-too-short",
        "phone-missing-digits",
        "phone-words",
        "email-no-domain",
        "email-no-at",
        "no-name",
        "blank-name",
    ],
)
def test_profile_bad_input_is_explained_and_nothing_is_saved(client, db, manager_a, field, typed, message):
    data = {
        "name": "Nouveau nom",
        "address": "3 rue Neuve",
        "phone": "05 53 12 34 56",
        "email": "contact@cafe.fr",
        "description": "Ouvert à tous.",
    }
    data[field] = typed

    response = client.post(f"{A}/profile", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert field_errors(page) == {field: message}
    for name in ("name", "address", "phone", "email"):
        assert form_value(page, name) == data[name]
    assert "Ouvert à tous." in page
    cafe = db.session.get(Cafe, manager_a.cafe.id)
    assert (cafe.name, cafe.address, cafe.phone, cafe.email, cafe.description) == (
        "Café de Saint-Jean-de-Côle",
        "",
        "",
        "",
        "",
    )
    assert count(db, AuditEntry, cafe_id=cafe.id) == 0


# --- opening hours ----------------------------------------------------------------------------


def test_weekly_hours_with_a_lunch_break_appear_on_the_cafe_page(client, db, manager_a):
    response = client.post(
        f"{A}/hours", data=week(tue=[("09:30", "12:00"), ("14:00", "18:00")]), follow_redirects=True
    )

    assert response.status_code == 200
    assert response.request.path == f"{A}/hours"
    page = response.get_data(as_text=True)
    assert FR_HOURS_SAVED in flashes(page)
    # The form shows what is saved.
    assert form_value(page, "days-1-opens_1") == "09:30"
    assert form_value(page, "days-1-closes_2") == "18:00"
    assert form_value(page, "days-0-opens_1") == ""
    tuesday = (1 - local_today().weekday()) % 7
    expected = [FR_CLOSED_DAY] * 7
    expected[tuesday] = "9 h 30–12 h, 14 h–18 h"
    assert hours_table(cafe_page(client)) == expected


def test_weekly_hours_replace_the_previous_week(client, db, manager_a):
    client.post(f"{A}/hours", data=week(**{d: [("08:00", "19:00")] for d in WEEKDAYS}))
    client.post(f"{A}/hours", data=week(sat=[("07:30", "13:00")]))

    saturday = (5 - local_today().weekday()) % 7
    expected = [FR_CLOSED_DAY] * 7
    expected[saturday] = "7 h 30–13 h"
    assert hours_table(cafe_page(client)) == expected


def test_a_bar_may_close_after_midnight(client, db, manager_a):
    response = client.post(f"{A}/hours", data=week(fri=[("18:00", "01:30")]))
    assert response.status_code == 303
    friday = (4 - local_today().weekday()) % 7
    assert hours_table(cafe_page(client))[friday] == "18 h–1 h 30"


@pytest.mark.parametrize(
    ("periods", "field", "message"),
    [
        ([("12:30", "09:00")], "days-1-closes_1", FR_CLOSE_AFTER_OPEN),
        ([("09:00", "09:00")], "days-1-closes_1", FR_SAME_TIMES),
        ([("09:30", "")], "days-1-closes_1", FR_BOTH_TIMES),
        ([("", "12:00")], "days-1-closes_1", FR_BOTH_TIMES),
        ([("09:30", "12:00"), ("14:00", "")], "days-1-closes_2", FR_BOTH_TIMES),
        ([("09:30", "12:00"), ("18:00", "14:00")], "days-1-closes_2", FR_CLOSE_AFTER_OPEN),
        ([("09:30", "14:00"), ("12:00", "18:00")], "days-1-closes_2", FR_SECOND_PERIOD),
    ],
    ids=[
        "closes-before-opening",
        "closes-when-opening",
        "no-closing",
        "no-opening",
        "second-no-closing",
        "second-closes-before-opening",
        "periods-overlap",
    ],
)
def test_bad_weekly_hours_are_explained_and_nothing_is_saved(client, db, manager_a, periods, field, message):
    client.post(f"{A}/hours", data=week(mon=[("08:00", "12:00")]))
    monday = (0 - local_today().weekday()) % 7
    data = week(mon=[("10:00", "11:00")], tue=periods)

    response = client.post(f"{A}/hours", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert field_errors(page) == {field: message}
    # What was typed stays, the other days included.
    for name, value in data.items():
        assert form_value(page, name) == value, name
    assert [
        (h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in db.session.scalars(select(WeeklyHours))
    ] == [(0, "08:00", "12:00")]
    assert hours_table(cafe_page(client))[monday] == "8 h–12 h"


def test_a_time_that_is_not_a_time_is_refused(client, db, manager_a):
    response = client.post(f"{A}/hours", data=week(wed=[("9h", "12:00")]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "days-2-opens_1" in field_errors(page)
    assert form_value(page, "days-2-opens_1") == "9h"
    assert count(db, WeeklyHours) == 0


# --- exceptional days ---------------------------------------------------------------------------


def exception_data(day: date, **values) -> dict[str, str]:
    return {"day": day.isoformat(), "status": "closed", "opens": "", "closes": "", "label": "", **values}


def test_closed_day_appears_on_the_cafe_page_with_its_label(client, db, manager_a):
    client.post(f"{A}/hours", data=week(**{d: [("08:00", "19:00")] for d in WEEKDAYS}))
    day = local_today() + timedelta(days=3)

    response = client.post(
        f"{A}/hours/exceptions", data=exception_data(day, label="Fête du village"), follow_redirects=True
    )

    assert response.status_code == 200
    assert response.request.path == f"{A}/hours"
    line = FR_EXCEPTION_CLOSED % {"date": format_date(day, "full", locale="fr")} + " (Fête du village)"
    assert line in text(response.get_data(as_text=True))
    page = cafe_page(client)
    assert hours_table(page)[3] == f"{FR_CLOSED_DAY} (Fête du village)"
    assert hours_table(page)[2] == "8 h–19 h"
    assert coming_up(page) == [line]


def test_special_hours_appear_on_the_cafe_page(client, db, manager_a):
    day = local_today() + timedelta(days=2)
    later = local_today() + timedelta(days=40)

    client.post(
        f"{A}/hours/exceptions",
        data=exception_data(day, status="open", opens="10:00", closes="12:30", label="Marché de Noël"),
    )
    client.post(f"{A}/hours/exceptions", data=exception_data(later, label="Inventaire"))

    page = cafe_page(client)
    assert hours_table(page)[2] == "10 h–12 h 30 (Marché de Noël)"
    assert coming_up(page) == [
        FR_EXCEPTION_OPEN
        % {"date": french_date(day), "opens": "10 h", "closes": "12 h 30"}
        + " (Marché de Noël)",
        FR_EXCEPTION_CLOSED % {"date": french_date(later)} + " (Inventaire)",
    ]


def test_a_second_exception_on_the_same_day_replaces_the_first(client, db, manager_a):
    day = local_today() + timedelta(days=5)
    client.post(f"{A}/hours/exceptions", data=exception_data(day, label="Congés"))
    client.post(
        f"{A}/hours/exceptions",
        data=exception_data(day, status="open", opens="09:00", closes="12:00", label="Matin seulement"),
    )

    assert count(db, HoursException) == 1
    assert coming_up(cafe_page(client)) == [
        FR_EXCEPTION_OPEN % {"date": format_date(day, "full", locale="fr"), "opens": "9 h", "closes": "12 h"}
        + " (Matin seulement)"
    ]


def test_an_exception_can_be_deleted(client, db, manager_a):
    day = local_today() + timedelta(days=4)
    client.post(f"{A}/hours/exceptions", data=exception_data(day, label="Congés"))
    exception_id = db.session.scalar(select(HoursException.id))
    assert f'action="{A}/hours/exceptions/{exception_id}/delete"' in client.get(f"{A}/hours").get_data(
        as_text=True
    )

    response = client.post(f"{A}/hours/exceptions/{exception_id}/delete")

    assert response.status_code == 303
    assert count(db, HoursException) == 0
    page = cafe_page(client)
    assert coming_up(page) == []
    assert "Congés" not in page
    assert client.post(f"{A}/hours/exceptions/{exception_id}/delete").status_code == 404


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"status": "open"}, "closes", FR_SPECIAL_TIMES),
        ({"status": "open", "opens": "10:00"}, "closes", FR_BOTH_TIMES),
        ({"status": "open", "opens": "15:00", "closes": "10:00"}, "closes", FR_CLOSE_AFTER_OPEN),
        ({"day": ""}, "day", FR_REQUIRED),
    ],
    ids=["open-without-times", "open-without-closing", "closes-before-opening", "no-date"],
)
def test_bad_exception_is_explained_and_nothing_is_saved(client, db, manager_a, values, field, message):
    data = {**exception_data(local_today() + timedelta(days=6), label="Foire aux vins"), **values}

    response = client.post(f"{A}/hours/exceptions", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert form_value(page, "label") == "Foire aux vins"
    assert form_value(page, "day") == data["day"]
    assert form_value(page, "opens") == data["opens"]
    assert is_checked(page, "status", data["status"])
    assert count(db, HoursException) == 0
    assert "Foire aux vins" not in cafe_page(client)


# --- services -----------------------------------------------------------------------------------


def test_checked_services_are_listed_on_the_cafe_page(client, db, manager_a):
    assert FR_NO_SERVICES in cafe_page(client)

    response = client.post(
        f"{A}/services", data={"services": ["post_relay", "bread_depot"]}, follow_redirects=True
    )

    assert FR_SERVICES_SAVED in flashes(response.get_data(as_text=True))
    assert services_listed(cafe_page(client)) == [FR_BREAD_DEPOT, FR_POST_RELAY]
    form = client.get(f"{A}/services").get_data(as_text=True)
    assert is_checked(form, "services", "post_relay")
    assert is_checked(form, "services", "bread_depot")
    assert not is_checked(form, "services", "grocery")


def test_unchecking_services_removes_them(client, db, manager_a):
    client.post(f"{A}/services", data={"services": ["post_relay", "bread_depot"]})
    client.post(f"{A}/services", data={"services": ["bread_depot"]})
    assert services_listed(cafe_page(client)) == [FR_BREAD_DEPOT]
    client.post(f"{A}/services", data={})
    page = cafe_page(client)
    assert services_listed(page) == []
    assert FR_NO_SERVICES in page


def test_an_unknown_service_is_refused(client, db, manager_a):
    response = client.post(f"{A}/services", data={"services": ["post_relay", "casino"]})
    assert response.status_code == 422
    assert "services" in field_errors(response.get_data(as_text=True))
    assert count(db, CafeService) == 0


# --- team and invitations -----------------------------------------------------------------------


def test_invitation_link_is_shown_once(client, db, manager_a):
    link = invite(client, role="staff")

    invitation = db.session.scalar(select(Invitation))
    assert invitation.role == Role.STAFF
    # Only a hash of the token is stored.
    assert link.rsplit("/", 1)[1] not in invitation.token_hash
    page = client.get(f"{A}/team").get_data(as_text=True)
    assert new_link_shown(page) is None
    assert link not in page
    # Cancelling asks first (see test_confirmations).
    assert f'hx-post="{A}/team/invitations/{invitation.id}/revoke"' in page


def test_invitation_with_an_email_is_mailed(client, db, outbox, manager_a):
    link = invite(client, role="moderator", email="Nouvelle.Recrue@example.org ")

    assert len(outbox) == 1
    assert outbox[0]["To"] == "nouvelle.recrue@example.org"
    assert "Café de Saint-Jean-de-Côle" in outbox[0]["Subject"]
    assert f"http://localhost{link}" in outbox[0].get_content()
    assert "nouvelle.recrue@example.org" in client.get(f"{A}/team").get_data(as_text=True)


def test_invitation_without_email_sends_nothing(client, outbox, manager_a):
    invite(client)
    assert outbox == []


@pytest.mark.parametrize(
    ("data", "field"),
    [({"role": "staff", "email": "pas-une-adresse"}, "email"), ({"role": "owner", "email": ""}, "role")],
)
def test_bad_invitation_is_explained(client, db, outbox, manager_a, data, field):
    response = client.post(f"{A}/team/invitations", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field in field_errors(page)
    if field == "email":
        assert field_error(page, "email") == FR_INVALID_EMAIL
        assert form_value(page, "email") == "pas-une-adresse"
    assert new_link_shown(page) is None
    assert count(db, Invitation) == 0
    assert outbox == []


@pytest.mark.parametrize("role", [Role.HELPER, Role.STAFF, Role.MODERATOR, Role.MANAGER])
def test_accepting_an_invitation_makes_a_member(client, db, auth, manager_a, resident, role):
    link = invite(client, role=role.name.lower())
    auth.logout()
    auth.login(resident)

    page = client.get(link).get_data(as_text=True)
    assert f'<form action="{link}" method="post">' in page
    response = client.post(link, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == f"{A}/"
    assert FR_JOINED in flashes(response.get_data(as_text=True))
    assert membership(db, manager_a.cafe, resident).role == role
    assert client.get(f"{A}/profile").status_code == (200 if role == Role.MANAGER else 403)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_by_id == resident.id


def test_an_invitation_works_once(client, db, auth, manager_a, resident):
    link = invite(client)
    auth.logout()
    auth.login(resident)
    client.post(link)
    auth.logout()
    someone = make_user("quelquun@example.org", "Quelqu’un")
    auth.login(someone)

    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 410
        assert FR_INVITATION_USED in text(response.get_data(as_text=True))
    assert membership(db, manager_a.cafe, someone) is None
    auth.logout()
    auth.login(resident)
    assert client.get(link).status_code == 410


def test_an_expired_invitation_is_refused(client, db, auth, manager_a, resident):
    link = invite(client)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.logout()
    auth.login(resident)

    assert client.post(link).status_code == 410
    assert membership(db, manager_a.cafe, resident) is None


def test_an_invitation_of_one_cafe_is_not_found_under_another(client, db, auth, manager_a, team_b, resident):
    link = invite(client)
    auth.logout()
    auth.login(resident)
    elsewhere = link.replace(f"/c/{SLUG_A}/", f"/c/{SLUG_B}/")

    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere).status_code == 404

    assert membership(db, team_b.cafe, resident) is None
    assert membership(db, manager_a.cafe, resident) is None
    # The link still works where it belongs.
    assert client.post(link).status_code == 303


def test_an_unknown_invitation_token_is_not_found(client, auth, team_a, resident):
    auth.login(resident)
    response = client.get(f"{A}/join/not-a-token")
    assert response.status_code == 404
    assert FR_INVITATION_INVALID in text(response.get_data(as_text=True))


def test_anonymous_visitor_of_an_invitation_logs_in_first_and_comes_back(
    client, db, auth, manager_a, resident
):
    link = invite(client)
    auth.logout()

    response = client.get(link)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/account/login?next={link}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert FR_LOG_IN_TO_ACCEPT in flashes(login_page)
    response = client.post(response.headers["Location"], data={"email": resident.email, "password": PASSWORD})
    assert response.headers["Location"] == link
    assert client.post(link).status_code == 303
    assert membership(db, manager_a.cafe, resident).role == Role.STAFF


def test_a_member_keeps_a_higher_role_when_accepting_a_lower_one(client, db, auth, manager_a):
    link = invite(client, role="helper")
    auth.logout()
    auth.login(manager_a.moderator)
    client.post(link)
    assert membership(db, manager_a.cafe, manager_a.moderator).role == Role.MODERATOR


def test_revoked_invitation_no_longer_works(client, db, auth, manager_a, resident):
    link = invite(client, email="annule@example.org")
    invitation_id = db.session.scalar(select(Invitation.id))

    response = client.post(f"{A}/team/invitations/{invitation_id}/revoke")

    assert response.status_code == 303
    assert count(db, Invitation) == 0
    assert "annule@example.org" not in client.get(f"{A}/team").get_data(as_text=True)
    auth.logout()
    auth.login(resident)
    assert client.post(link).status_code == 404
    assert membership(db, manager_a.cafe, resident) is None


def test_team_page_lists_the_members(client, manager_a):
    page = client.get(f"{A}/team").get_data(as_text=True)
    for who in ("helper", "staff", "moderator", "manager"):
        user = getattr(manager_a, who)
        assert user.display_name in page
        assert user.email in page


def test_change_role(client, db, manager_a):
    staff = membership(db, manager_a.cafe, manager_a.staff)

    response = client.post(f"{A}/team/{staff.id}/role", data={"role": "moderator"}, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == f"{A}/team"
    assert any(
        manager_a.staff.display_name in message for message in flashes(response.get_data(as_text=True))
    )
    assert membership(db, manager_a.cafe, manager_a.staff).role == Role.MODERATOR
    page = response.get_data(as_text=True)
    assert re.search(
        rf'<select id="role-{staff.id}" name="role">.*?<option value="moderator" selected>', page, re.S
    )


def test_change_role_to_an_unknown_role_is_refused(client, db, manager_a):
    staff = membership(db, manager_a.cafe, manager_a.staff)
    response = client.post(f"{A}/team/{staff.id}/role", data={"role": "owner"}, follow_redirects=True)
    assert FR_PICK_A_ROLE in flashes(response.get_data(as_text=True))
    assert membership(db, manager_a.cafe, manager_a.staff).role == Role.STAFF


@pytest.mark.parametrize(("action", "data"), [("role", {"role": "staff"}), ("remove", {})])
def test_the_last_manager_stays(client, db, manager_a, action, data):
    mine = membership(db, manager_a.cafe, manager_a.manager)

    response = client.post(f"{A}/team/{mine.id}/{action}", data=data, follow_redirects=True)

    assert response.status_code == 200
    assert FR_LAST_MANAGER in flashes(response.get_data(as_text=True))
    assert membership(db, manager_a.cafe, manager_a.manager).role == Role.MANAGER
    assert client.get(f"{A}/team").status_code == 200


def test_a_manager_can_step_down_once_there_is_another(client, db, auth, manager_a):
    staff = membership(db, manager_a.cafe, manager_a.staff)
    mine = membership(db, manager_a.cafe, manager_a.manager)
    client.post(f"{A}/team/{staff.id}/role", data={"role": "manager"})

    client.post(f"{A}/team/{mine.id}/role", data={"role": "staff"})

    assert membership(db, manager_a.cafe, manager_a.manager).role == Role.STAFF
    assert client.get(f"{A}/team").status_code == 403
    auth.logout()
    auth.login(manager_a.staff)
    mine = membership(db, manager_a.cafe, manager_a.staff)
    response = client.post(f"{A}/team/{mine.id}/role", data={"role": "staff"}, follow_redirects=True)
    assert FR_LAST_MANAGER in flashes(response.get_data(as_text=True))


def test_removed_member_loses_access(client, db, auth, manager_a):
    helper = membership(db, manager_a.cafe, manager_a.helper)

    response = client.post(f"{A}/team/{helper.id}/remove", follow_redirects=True)

    assert response.status_code == 200
    assert any(
        manager_a.helper.display_name in message for message in flashes(response.get_data(as_text=True))
    )
    assert membership(db, manager_a.cafe, manager_a.helper) is None
    auth.logout()
    auth.login(manager_a.helper)
    assert client.get(f"{A}/").status_code == 403


# --- audit log ------------------------------------------------------------------------------------


def test_audit_log_lists_actions_and_who_did_them(client, db, auth, manager_a, team_b, resident):
    client.post(f"{A}/profile", data={"name": "Le Comptoir", "phone": "0553123456"})
    client.post(f"{A}/hours", data=week(tue=[("09:30", "12:00")]))
    client.post(f"{A}/services", data={"services": ["grocery"]})
    link = invite(client, role="staff")
    auth.logout()
    auth.login(resident)
    client.post(link)
    auth.logout()
    # Something happens in café B too: it must not show in café A's log.
    auth.login(team_b.manager)
    client.post(f"{B}/profile", data={"name": "Chez B"})
    auth.logout()
    auth.login(manager_a.manager)

    response = client.get(f"{A}/audit")

    assert response.status_code == 200
    rows = audit_rows(response.get_data(as_text=True))
    done = [(row[1], row[2]) for row in rows]
    assert done == [
        ("Jeanne Habitante", "team.joined"),
        ("Gérante a", "team.invited"),
        ("Gérante a", "cafe.services_updated"),
        ("Gérante a", "cafe.hours_updated"),
        ("Gérante a", "cafe.profile_updated"),
    ]
    assert rows[0][3] == resident.email
    assert rows[-1][3] == "Le Comptoir"
    assert "Chez B" not in response.get_data(as_text=True)


def test_the_examples_in_the_phone_error_message_are_valid_numbers(app):
    from portal.phones import PhoneNumber, parse_phone

    class Field:
        data = "not a phone"

    with app.test_request_context():
        try:
            PhoneNumber()(None, Field())
        except Exception as error:  # noqa: BLE001 - we want the message whatever the type
            message = str(error)
    examples = re.findall(r"\+?[\d ]{9,}\d", message)
    assert examples
    for example in examples:
        parse_phone(example)  # raises if the example itself is refused


def test_an_invitation_link_sent_by_two_people_at_once_still_works_once(
    app, client, db, manager_a, log_in, race
):
    link = invite(client, role="manager")
    clients = [log_in(make_user(f"candidat{n}@example.org", f"Candidat {n}")) for n in range(4)]
    statuses = sorted(race(lambda other: other.post(link).status_code, clients))
    assert statuses.count(303) == 1 and set(statuses) <= {303, 410}
    db.session.expire_all()
    managers = db.session.scalars(select(Membership).where(Membership.role == Role.MANAGER)).all()
    assert len(managers) == 2  # the one who invited, and one newcomer
