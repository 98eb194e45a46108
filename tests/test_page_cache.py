"""The anonymous page cache: answered early, never stale, never for a logged-in person, never fatal."""

import gzip
import re
import socket

import pytest

from portal.extensions import db as _db
from tests.test_events import make_event, rsvp_data

CAFE = "/c/saint-jean-de-cole/"


@pytest.fixture
def app(make_app):
    # The clock's part of the key is tested on its own: here it never turns.
    app = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9)
    with app.app_context():
        yield app


def hit(response) -> bool:
    return response.headers.get("X-Cache") == "hit"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_staff_change_on_host_a_shows_on_the_next_anonymous_page_of_host_b(
    make_app, app, client, auth, team_a
):
    host_b = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9).test_client()
    assert not hit(host_b.get(CAFE))
    second = host_b.get(CAFE)
    assert hit(second) and "Café de Saint-Jean-de-Côle" in second.get_data(as_text=True)

    auth.login(team_a.manager)
    response = client.post(
        f"{CAFE}manage/profile", data={"name": "Le Comptoir de Côle", "address": "", "phone": "", "email": ""}
    )
    assert response.status_code == 303
    page = host_b.get(CAFE)
    assert not hit(page) and "Le Comptoir de Côle" in page.get_data(as_text=True)
    # The directory lists the café under its new name too.
    assert "Le Comptoir de Côle" in host_b.get("/").get_data(as_text=True)


def test_a_new_event_shows_at_once_on_the_events_list_and_feeds(app, client, cafe_a):
    assert "Loto" not in client.get(f"{CAFE}events/").get_data(as_text=True)
    assert hit(client.get(f"{CAFE}events/"))
    client.get(f"{CAFE}events.atom")
    make_event(cafe_a, "Loto du comité")  # committed through the ORM, like any route would
    assert "Loto du comité" in client.get(f"{CAFE}events/").get_data(as_text=True)
    assert "Loto du comité" in client.get(f"{CAFE}events.atom").get_data(as_text=True)


def test_another_cafes_change_keeps_this_cafes_pages_cached(app, client, cafe_a, cafe_b):
    client.get(CAFE)
    make_event(cafe_b, "Ailleurs")
    assert hit(client.get(CAFE))


def test_logged_in_pages_are_never_served_from_nor_stored_in_the_cache(app, client, auth, team_a):
    anonymous = app.test_client()
    # Logging in records the visit on the account (a commit that renews the versions): the
    # anonymous page is stored after it.
    auth.login(team_a.manager)
    anonymous.get(CAFE)
    mine = client.get(CAFE)
    assert not hit(mine) and "Gérante a" in mine.get_data(as_text=True)
    again = anonymous.get(CAFE)
    assert hit(again) and "Gérante a" not in again.get_data(as_text=True)
    assert not hit(client.get(CAFE))


def test_language_text_size_and_htmx_are_part_of_the_key(app, client, cafe_a):
    assert 'lang="fr"' in client.get(CAFE).get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": CAFE})
    english = client.get(CAFE)
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="en"' in client.get(CAFE).get_data(as_text=True)
    other = app.test_client()
    assert 'lang="fr"' in other.get(CAFE).get_data(as_text=True)
    fragment = other.get("/?q=saint", headers={"HX-Request": "true", "HX-Target": "cafe-results"})
    full = other.get("/?q=saint")
    assert "<html" not in fragment.get_data(as_text=True) and "<html" in full.get_data(as_text=True)


def test_each_visitor_gets_a_form_token_of_their_own_and_can_use_it(make_app, cafe_a):
    app = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, WTF_CSRF_ENABLED=True)
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    url = f"{CAFE}events/{event.id}"
    first, second = app.test_client(), app.test_client()
    page_one = first.get(url).get_data(as_text=True)
    response = second.get(url)
    assert hit(response)
    page_two = response.get_data(as_text=True)
    token_one = re.search(r'name="csrf_token" value="([^"]+)"', page_one).group(1)
    token_two = re.search(r'name="csrf_token" value="([^"]+)"', page_two).group(1)
    assert token_one != token_two
    answer = second.post(f"{url}/rsvp", data={**rsvp_data(event), "csrf_token": token_two})
    assert answer.status_code == 303
    stolen = app.test_client()
    stolen.get(url)
    refused = stolen.post(
        f"{url}/rsvp", data={**rsvp_data(event, email="x@example.org"), "csrf_token": token_one}
    )
    assert refused.status_code == 400


def test_a_flash_message_is_shown_not_a_cached_page(app, client, cafe_a):
    client.get(CAFE)
    assert hit(client.get(CAFE))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Bien enregistré")]
    page = client.get(CAFE)
    assert not hit(page) and "Bien enregistré" in page.get_data(as_text=True)


def test_a_cache_outage_never_breaks_a_page(make_app, cafe_a, caplog):
    app = make_app(PAGE_CACHE_ENABLED=True, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    client = app.test_client()
    for _ in range(2):
        response = client.get(CAFE)
        assert response.status_code == 200 and "Café de Saint-Jean-de-Côle" in response.get_data(as_text=True)
        assert not hit(response)
    assert "Page cache unavailable" in caplog.text
    with app.app_context():
        from portal.models import Cafe

        make_event(_db.session.get(Cafe, cafe_a.id), "Pendant la panne")  # the bump fails, not the commit
    assert "Pendant la panne" in client.get(f"{CAFE}events/").get_data(as_text=True)


def test_a_hit_costs_one_query_whatever_the_page(app, client, cafe_a, count_queries):
    for n in range(5):
        make_event(cafe_a, f"Soirée {n}", days=n + 1)
    for url in (CAFE, f"{CAFE}events/", "/", f"{CAFE}board/"):
        client.get(url)
        with count_queries() as counter:
            assert hit(client.get(url))
        assert counter.count == 1, (url, counter.statements)  # the versions


def test_etag_gives_a_304_for_pages_and_feeds(app, client, cafe_a):
    for url in (CAFE, f"{CAFE}events.atom", f"{CAFE}events.ics"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        make_event(cafe_a, f"Nouveau {url}")
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_pages_are_gzipped_for_browsers_that_accept_it(app, client, cafe_a):
    client.get(CAFE)
    response = client.get(CAFE, headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Café de Saint-Jean-de-Côle" in gzip.decompress(response.data).decode()
    css = client.get("/static/css/comptoir.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip" and b"{" in gzip.decompress(css.data)


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(app, client, cafe_a):
    page = client.get(CAFE).get_data(as_text=True)
    url = re.search(r'href="(/static/css/comptoir\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "max-age=31536000" not in client.get("/static/css/comptoir.css").headers.get("Cache-Control", "")


def test_health_check_and_personal_pages_are_not_cached(app, client, cafe_a):
    client.get("/healthz")
    assert not hit(client.get("/healthz"))
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    client.post(f"{CAFE}events/{event.id}/rsvp", data=rsvp_data(event))
    from portal.models import Rsvp

    code = _db.session.scalars(_db.select(Rsvp.code)).one()
    client.get(f"{CAFE}events/rsvp/{code}")
    assert not hit(client.get(f"{CAFE}events/rsvp/{code}"))


def test_pages_that_follow_the_clock_are_recomputed_as_it_turns(make_app, cafe_a):
    """ "Open now" and today's events: a cached page is at most PAGE_CACHE_CLOCK_SECONDS late."""
    import time

    client = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=1).test_client()
    client.get(CAFE)
    time.sleep(1.05)
    assert not hit(client.get(CAFE))
