"""French first; English on demand; a large-text mode. Both stick."""

from .conftest import make_user


def test_french_is_the_default(client, cafe_a):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "Les cafés de village" in page


def test_switching_to_english_sticks_across_pages_and_htmx(client, cafe_a):
    response = client.post("/preferences/language", data={"lang": "en", "next": "/c/saint-jean-de-cole/"})
    assert response.status_code == 303 and response.location == "/c/saint-jean-de-cole/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page and "The village cafés" in page
    fragment = client.get("/?q=zzz", headers={"HX-Request": "true", "HX-Target": "cafe-results"})
    assert "No café matches “zzz”" in fragment.get_data(as_text=True)
    client.post("/preferences/language", data={"lang": "fr", "next": "/"})
    assert "Les cafés de village" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/preferences/language", data={"lang": "xx", "next": "/"})
    assert '<html lang="fr"' in client.get("/").get_data(as_text=True)


def test_next_never_leads_off_site(client):
    response = client.post("/preferences/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.location == "/"
    response = client.post("/preferences/text-size", data={"size": "large", "next": "//evil.example/"})
    assert response.location == "/"


def test_large_text_mode_sticks(client, cafe_a):
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)
    client.post("/preferences/text-size", data={"size": "large", "next": "/"})
    for url in ["/", "/c/saint-jean-de-cole/", "/account/login"]:
        assert 'class="large-text"' in client.get(url).get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert 'name="size" value="normal"' in page  # the toggle offers the way back
    client.post("/preferences/text-size", data={"size": "normal", "next": "/"})
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)


def test_dates_are_in_the_chosen_language(client, db, cafe_a):
    from datetime import timedelta

    from babel.dates import format_date

    from portal.blueprints.cafes.services import local_now
    from portal.models import HoursException

    day = local_now(cafe_a).date() + timedelta(days=20)
    db.session.add(HoursException(cafe=cafe_a, day=day, closed=True, label="Assomption"))
    db.session.commit()
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert format_date(day, "full", locale="fr") in page  # e.g. "vendredi 15 août 2031"
    client.post("/preferences/language", data={"lang": "en", "next": "/"})
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert format_date(day, "full", locale="en") in page  # e.g. "Friday, August 15, 2031"


def test_text_size_and_language_switches_are_in_the_header_as_post_forms(client, cafe_a):
    """Seniors look for the large-text switch at the top, not at the bottom of a long page."""
    for url in ["/", "/c/saint-jean-de-cole/", "/c/saint-jean-de-cole/board/"]:
        page = client.get(url).get_data(as_text=True)
        header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        for action in ["/preferences/text-size", "/preferences/language"]:
            form = header.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
            assert 'method="post"' in form and 'name="csrf_token"' in form
        assert "Texte plus grand" in header and 'lang="en">English' in header
        footer = page.split('<footer class="site-footer">', 1)[1]
        assert "/preferences/text-size" not in footer  # once is enough for a screen reader


def test_switches_on_a_page_answering_a_post_come_back_to_a_page_that_exists(client, auth, cafe_a, resident):
    """A 422 page is rendered at the form's POST-only URL: "next" must not point there (405)."""
    from .test_noticeboard import add_notice

    notice = add_notice(cafe_a, resident, relay_contact=True)
    auth.login(make_user("voisine@example.org"))
    detail = f"/c/saint-jean-de-cole/board/{notice.id}"
    page = client.post(
        f"{detail}/reply", data={"message": ""}, headers={"Referer": f"http://localhost{detail}"}
    ).get_data(as_text=True)
    assert f'name="next" value="{detail}"' in page
    assert "/reply" not in page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    # Without a Referer (or from another site), the café's page rather than a 405.
    page = client.post(
        f"{detail}/reply", data={"message": ""}, headers={"Referer": "https://evil.example/x"}
    ).get_data(as_text=True)
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert "/reply" not in header and "evil" not in header
