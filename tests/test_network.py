"""The network team's area, /network/: opening and closing cafés, appointing managers."""

import re

import pytest
from sqlalchemy import func, select

from portal.models import AuditEntry, Cafe, Membership, Role

from .conftest import field_error, field_errors, flashes, form_value, text

# What the French UI says (portal/translations/fr and WTForms' own catalogue).
FR_BAD_SLUG = (
    "Utilisez seulement des minuscules sans accents, des chiffres et des tirets, "
    "par exemple cafe-de-la-place."
)
FR_BAD_POSTCODE = "Un code postal a 5 chiffres."
FR_SLUG_TAKEN = "Un autre café utilise déjà cette adresse."
FR_INVALID_EMAIL = "Adresse électronique non valide."
FR_REQUIRED = "Ce champ est requis."
FR_SLUG_LENGTH = "La longueur du champ doit être comprise entre 3 et 60 caractères."
FR_CAFE_CREATED = "%(name)s est maintenant sur Comptoir."  # %(name)s
FR_CAFE_CLOSED = "Café fermé : %(name)s n’apparaît plus dans l’annuaire."  # %(name)s
FR_CAFE_REOPENED = "Café rouvert : %(name)s."  # %(name)s
FR_MANAGER_APPOINTED = "%(name)s gère maintenant %(cafe)s."  # %(name)s, %(cafe)s
FR_CLOSED_BANNER = "Ce café est fermé : seule l’équipe du réseau peut voir cette page."

NEW_CAFE = {
    "name": "Café de la Place",
    "slug": "cafe-de-la-place",
    "village": "Saint-Pierre-de-Frugie",
    "postcode": "24450",
    "department": "Dordogne",
    "timezone": "Europe/Paris",
    "manager_email": "",
}


# --- helpers -----------------------------------------------------------------------------


def directory_slugs(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'<h3[^>]*><a href="/c/([^/"]+)/">', page)


def audit_rows(html: str) -> list[list[str]]:
    """The audit table's rows, each a list of cell texts."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def cafe_count(db) -> int:
    return db.session.scalar(select(func.count(Cafe.id)))


def cafe_by_slug(db, slug: str) -> Cafe | None:
    return db.session.scalar(select(Cafe).where(Cafe.slug == slug))


def role_in(db, cafe: Cafe, user) -> Role | None:
    return db.session.scalar(
        select(Membership.role).where(Membership.cafe_id == cafe.id, Membership.user_id == user.id)
    )


@pytest.fixture
def as_admin(auth, admin):
    """The client is logged in as a network admin."""
    auth.login(admin)
    return admin


NETWORK_URLS = [
    ("GET", "/network/"),
    ("GET", "/network/cafes/new"),
    ("POST", "/network/cafes/new"),
    ("POST", "/network/cafes/{cafe}/close"),
    ("POST", "/network/cafes/{cafe}/reopen"),
    ("POST", "/network/cafes/{cafe}/manager"),
    ("GET", "/network/audit"),
]
URL_IDS = [f"{method} {path}" for method, path in NETWORK_URLS]


def send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    data = {**NEW_CAFE, "email": "habitant@example.org"}
    return client.post(url, data=data)


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), NETWORK_URLS, ids=URL_IDS)
def test_anonymous_visitors_are_sent_to_log_in(client, db, cafe_a, method, path):
    url = path.format(cafe=cafe_a.id)

    response = send(client, method, url)

    assert response.status_code == 302
    login, next_url = response.headers["Location"].split("?next=")
    assert login == "/account/login"
    # Back to this page after logging in; a POST-only address would be a 405, so the home page.
    assert next_url == (url if method == "GET" or client.get(url).status_code != 405 else "/")
    assert cafe_count(db) == 1
    assert cafe_by_slug(db, "saint-jean-de-cole").closed_at is None


@pytest.mark.parametrize("who", ["resident", "manager"])
@pytest.mark.parametrize(("method", "path"), NETWORK_URLS, ids=URL_IDS)
def test_only_network_admins_get_in(client, db, auth, team_a, resident, who, method, path):
    auth.login(resident if who == "resident" else team_a.manager)

    response = send(client, method, path.format(cafe=team_a.cafe.id))

    assert response.status_code == 403
    assert cafe_count(db) == 1
    assert cafe_by_slug(db, "saint-jean-de-cole").closed_at is None
    assert role_in(db, team_a.cafe, resident) is None


def test_the_network_link_shows_for_admins_only(client, auth, admin, team_a):
    auth.login(team_a.manager)
    assert 'href="/network/"' not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    assert 'href="/network/"' in client.get("/").get_data(as_text=True)


def test_network_page_lists_every_cafe_with_its_team_size(client, as_admin, team_a, cafe_b):
    response = client.get("/network/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    card_a = re.search(rf'<li class="card" id="cafe-{team_a.cafe.id}">(.*?)</li>', page, re.S).group(1)
    card_b = re.search(rf'<li class="card" id="cafe-{cafe_b.id}">(.*?)</li>', page, re.S).group(1)
    assert "Café de Saint-Jean-de-Côle" in card_a
    assert "4 membres" in text(card_a)
    assert "0 membre" in text(card_b)


def test_unknown_cafe_ids_are_not_found(client, as_admin):
    for action in ("close", "reopen", "manager"):
        assert (
            client.post(f"/network/cafes/999999/{action}", data={"email": "x@example.org"}).status_code == 404
        )


# --- opening a café -------------------------------------------------------------------------


def test_create_cafe(client, db, as_admin, cafe_a):
    response = client.post("/network/cafes/new", data=NEW_CAFE, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == "/network/"
    assert FR_CAFE_CREATED % {"name": "Café de la Place"} in flashes(response.get_data(as_text=True))
    cafe = cafe_by_slug(db, "cafe-de-la-place")
    assert (cafe.name, cafe.village, cafe.postcode, cafe.department, cafe.timezone) == (
        "Café de la Place",
        "Saint-Pierre-de-Frugie",
        "24450",
        "Dordogne",
        "Europe/Paris",
    )
    assert "cafe-de-la-place" in directory_slugs(client)
    home = client.get("/c/cafe-de-la-place/")
    assert home.status_code == 200
    assert "<h1>Café de la Place</h1>" in home.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.cafe_id == cafe.id))
    assert (entry.action, entry.target, entry.actor_id) == (
        "network.cafe_created",
        "cafe-de-la-place",
        as_admin.id,
    )


def test_new_cafe_is_found_by_its_village_for_anyone(client, as_admin):
    client.post("/network/cafes/new", data=NEW_CAFE)
    client.post("/account/logout")

    page = client.get("/", query_string={"q": "saint pierre de frugie"}).get_data(as_text=True)
    assert 'href="/c/cafe-de-la-place/"' in page
    assert client.get("/c/cafe-de-la-place/").status_code == 200


def test_overseas_cafe_keeps_its_time_zone(client, db, as_admin):
    data = {
        **NEW_CAFE,
        "slug": "cafe-de-sainte-rose",
        "village": "Sainte-Rose",
        "postcode": "97439",
        "department": "La Réunion",
        "timezone": "Indian/Reunion",
    }
    client.post("/network/cafes/new", data=data)
    assert cafe_by_slug(db, "cafe-de-sainte-rose").timezone == "Indian/Reunion"


def test_create_cafe_with_a_manager(client, db, auth, as_admin, resident):
    response = client.post("/network/cafes/new", data={**NEW_CAFE, "manager_email": "Habitant@Example.org"})

    assert response.status_code == 303
    cafe = cafe_by_slug(db, "cafe-de-la-place")
    assert role_in(db, cafe, resident) == Role.MANAGER
    client.post("/account/logout")
    auth.login(resident)
    assert client.get("/c/cafe-de-la-place/manage/profile").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Café de la Place"}, "slug", FR_BAD_SLUG),
        ({"slug": "cafe_de_la_place"}, "slug", FR_BAD_SLUG),
        ({"slug": "cafe--place"}, "slug", FR_BAD_SLUG),
        ({"slug": "-cafe"}, "slug", FR_BAD_SLUG),
        ({"slug": "ca"}, "slug", FR_SLUG_LENGTH),
        ({"slug": "saint-jean-de-cole"}, "slug", FR_SLUG_TAKEN),
        ({"postcode": "2445"}, "postcode", FR_BAD_POSTCODE),
        ({"postcode": "24 450"}, "postcode", FR_BAD_POSTCODE),
        ({"postcode": "2A004"}, "postcode", FR_BAD_POSTCODE),
        ({"manager_email": "pas-une-adresse"}, "manager_email", FR_INVALID_EMAIL),
        ({"village": ""}, "village", FR_REQUIRED),
        ({"village": "  "}, "village", FR_REQUIRED),
        ({"department": " "}, "department", FR_REQUIRED),
        ({"name": ""}, "name", FR_REQUIRED),
        ({"name": "   "}, "name", FR_REQUIRED),
    ],
    ids=[
        "slug-with-capitals-and-spaces",
        "slug-with-underscores",
        "slug-with-double-hyphen",
        "slug-starting-with-hyphen",
        "slug-too-short",
        "slug-taken",
        "postcode-4-digits",
        "postcode-with-space",
        "postcode-corsican-letters",
        "manager-email-invalid",
        "no-village",
        "blank-village",
        "blank-department",
        "no-name",
        "blank-name",
    ],
)
def test_bad_cafe_is_explained_kept_and_not_saved(client, db, as_admin, cafe_a, changes, field, message):
    data = {**NEW_CAFE, "manager_email": "habitant@example.org", **changes}

    response = client.post("/network/cafes/new", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert field_errors(page) == {field: message}
    for name in ("name", "slug", "village", "postcode", "department", "manager_email"):
        assert form_value(page, name) == data[name], name
    assert cafe_count(db) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_bad_cafe_keeps_the_chosen_time_zone(client, as_admin):
    data = {**NEW_CAFE, "postcode": "974", "timezone": "Indian/Reunion"}
    page = client.post("/network/cafes/new", data=data).get_data(as_text=True)
    assert re.search(
        r'<option selected value="Indian/Reunion">|<option value="Indian/Reunion" selected>', page
    )


def test_unknown_time_zone_is_refused(client, db, as_admin):
    response = client.post("/network/cafes/new", data={**NEW_CAFE, "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "timezone" in field_errors(response.get_data(as_text=True))
    assert cafe_by_slug(db, "cafe-de-la-place") is None


# --- closing and reopening -----------------------------------------------------------------------


def test_closed_cafe_disappears_for_the_public_but_not_for_the_network(
    client, db, auth, as_admin, team_a, cafe_b
):
    cafe_id = team_a.cafe.id

    response = client.post(f"/network/cafes/{cafe_id}/close", follow_redirects=True)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert FR_CAFE_CLOSED % {"name": "Café de Saint-Jean-de-Côle"} in flashes(page)
    card = re.search(rf'<li class="card" id="cafe-{cafe_id}">(.*?)</li>', page, re.S).group(1)
    assert f'action="/network/cafes/{cafe_id}/reopen"' in card
    assert f'action="/network/cafes/{cafe_id}/close"' not in card
    # The network still sees it, with a warning.
    admin_view = client.get("/c/saint-jean-de-cole/")
    assert admin_view.status_code == 200
    assert FR_CLOSED_BANNER in text(admin_view.get_data(as_text=True))
    assert "saint-jean-de-cole" not in directory_slugs(client)

    client.post("/account/logout")
    assert client.get("/c/saint-jean-de-cole/").status_code == 404
    assert directory_slugs(client) == ["lagrasse"]
    # Its own team no longer reaches it either.
    auth.login(team_a.manager)
    assert client.get("/c/saint-jean-de-cole/").status_code == 404
    assert client.get("/c/saint-jean-de-cole/manage/").status_code == 404
    # The other café is not affected.
    assert client.get("/c/lagrasse/").status_code == 200


def test_reopened_cafe_is_back(client, db, as_admin, cafe_a):
    client.post(f"/network/cafes/{cafe_a.id}/close")

    response = client.post(f"/network/cafes/{cafe_a.id}/reopen", follow_redirects=True)

    assert FR_CAFE_REOPENED % {"name": "Café de Saint-Jean-de-Côle"} in flashes(
        response.get_data(as_text=True)
    )
    assert cafe_by_slug(db, "saint-jean-de-cole").closed_at is None
    client.post("/account/logout")
    assert client.get("/c/saint-jean-de-cole/").status_code == 200
    assert "saint-jean-de-cole" in directory_slugs(client)


# --- appointing a manager --------------------------------------------------------------------------


def test_appoint_a_manager_by_email(client, db, auth, as_admin, cafe_a, resident):
    response = client.post(
        f"/network/cafes/{cafe_a.id}/manager", data={"email": " HABITANT@example.org"}, follow_redirects=True
    )

    assert response.status_code == 200
    assert response.request.path == "/network/"
    expected = FR_MANAGER_APPOINTED % {"name": "Jeanne Habitante", "cafe": "Café de Saint-Jean-de-Côle"}
    assert expected in flashes(response.get_data(as_text=True))
    assert role_in(db, cafe_a, resident) == Role.MANAGER
    client.post("/account/logout")
    auth.login(resident)
    assert client.get("/c/saint-jean-de-cole/manage/profile").status_code == 200
    # A manager of one café only.
    assert client.get("/network/").status_code == 403


def test_appointing_promotes_an_existing_member(client, db, as_admin, team_a):
    client.post(f"/network/cafes/{team_a.cafe.id}/manager", data={"email": team_a.helper.email})
    assert role_in(db, team_a.cafe, team_a.helper) == Role.MANAGER
    memberships = db.session.scalar(
        select(func.count(Membership.id)).where(Membership.user_id == team_a.helper.id)
    )
    assert memberships == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [("pas-une-adresse", FR_INVALID_EMAIL), ("", FR_REQUIRED)],
    ids=["invalid", "empty"],
)
def test_appointing_needs_a_valid_address(client, db, as_admin, cafe_a, cafe_b, typed, message):
    response = client.post(f"/network/cafes/{cafe_a.id}/manager", data={"email": typed})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # The message sits by the field of that café's card, with what was typed.
    card = re.search(rf'<li class="card" id="cafe-{cafe_a.id}">(.*?)</li>', page, re.S).group(1)
    assert field_error(card, "email") == message
    assert form_value(card, "email") == typed
    other = re.search(rf'<li class="card" id="cafe-{cafe_b.id}">(.*?)</li>', page, re.S).group(1)
    assert field_errors(other) == {}
    assert db.session.scalar(select(func.count(Membership.id))) == 0


# --- audit log ----------------------------------------------------------------------------------


def test_network_audit_log_lists_entries_of_several_cafes(client, db, auth, as_admin, team_a, cafe_b):
    client.post("/network/cafes/new", data=NEW_CAFE)
    client.post(f"/network/cafes/{cafe_b.id}/close")
    client.post(f"/network/cafes/{cafe_b.id}/manager", data={"email": team_a.staff.email})
    client.post("/account/logout")
    auth.login(team_a.manager)
    client.post("/c/saint-jean-de-cole/manage/services", data={"services": ["grocery"]})
    client.post("/account/logout")
    auth.login(as_admin)

    response = client.get("/network/audit")

    assert response.status_code == 200
    rows = [row[1:] for row in audit_rows(response.get_data(as_text=True))]
    assert rows == [
        ["Café de Saint-Jean-de-Côle", "Gérante a", "cafe.services_updated", ""],
        ["Café de Lagrasse", "Équipe réseau", "network.manager_appointed", team_a.staff.email],
        ["Café de Lagrasse", "Équipe réseau", "network.cafe_closed", "lagrasse"],
        ["Café de la Place", "Équipe réseau", "network.cafe_created", "cafe-de-la-place"],
    ]
