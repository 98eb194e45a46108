"""The anonymous page cache: answered early, never stale, never for a logged-in person, never fatal."""

import gzip
import re
import socket

import pytest

from portal.extensions import db as _db
from tests.conftest import PASSWORD
from tests.test_events import make_event, rsvp_data

CAFE = "/c/saint-jean-de-cole/"


@pytest.fixture
def app(make_app):
    # The clock's part of the key is tested on its own: here it never turns. Nor is the
    # versions table read again by the clock (PAGE_CACHE_SYNC_SECONDS): changes are seen
    # at once, in this process and in others, without it.
    app = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, PAGE_CACHE_SYNC_SECONDS=10**6)
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
    # Host B: an app of its own (its own cache and memory of the versions), like another process.
    host_b = make_app(
        PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, PAGE_CACHE_SYNC_SECONDS=10**6
    ).test_client()
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


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_visitor_without_a_session_gets_no_cookie_and_can_still_send_forms(make_app, cafe_a):
    app = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, WTF_CSRF_ENABLED=True)
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    url = f"{CAFE}events/{event.id}"
    first, second = app.test_client(), app.test_client()
    miss = first.get(url)
    response = second.get(url)
    assert hit(response)
    assert "Set-Cookie" not in miss.headers and "Set-Cookie" not in response.headers
    token = csrf_token(response.get_data(as_text=True))
    assert token == csrf_token(miss.get_data(as_text=True))  # one page for all of them
    answer = second.post(f"{url}/rsvp", data={**rsvp_data(event), "csrf_token": token})
    assert answer.status_code == 303
    # The same form sent from another site is refused, whatever the token.
    elsewhere = app.test_client().post(
        f"{url}/rsvp",
        data={**rsvp_data(event, email="x@example.org"), "csrf_token": token},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert elsewhere.status_code == 400
    # A made-up token is refused too.
    forged = app.test_client().post(
        f"{url}/rsvp", data={**rsvp_data(event, email="y@example.org"), "csrf_token": token[:-4] + "AAAA"}
    )
    assert forged.status_code == 400


def test_a_visitor_with_a_session_token_needs_their_own(make_app, cafe_a, team_a):
    app = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, WTF_CSRF_ENABLED=True)
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    url = f"{CAFE}events/{event.id}"
    anonymous_token = csrf_token(app.test_client().get(url).get_data(as_text=True))
    # A session the app gave a token of its own (before it logged out, say): that one is required.
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["csrf_token"] = "f" * 40
    visitor.get(url)
    response = visitor.get(url)
    assert hit(response)
    own = csrf_token(response.get_data(as_text=True))
    assert own != anonymous_token
    assert visitor.post(
        f"{url}/rsvp", data={**rsvp_data(event), "csrf_token": anonymous_token}
    ).status_code == (400)
    assert visitor.post(f"{url}/rsvp", data={**rsvp_data(event), "csrf_token": own}).status_code == 303
    # A logged-in person can never use the anonymous token.
    staff = app.test_client()
    login_page = staff.get("/account/login").get_data(as_text=True)
    logged_in = staff.post(
        "/account/login",
        data={"email": team_a.manager.email, "password": PASSWORD, "csrf_token": csrf_token(login_page)},
    )
    assert logged_in.status_code == 303
    refused = staff.post(
        f"{url}/rsvp", data={**rsvp_data(event, email="z@example.org"), "csrf_token": anonymous_token}
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


def test_a_hit_asks_nothing_of_the_database(app, client, cafe_a, count_queries):
    for n in range(5):
        make_event(cafe_a, f"Soirée {n}", days=n + 1)
    for url in (CAFE, f"{CAFE}events/", "/", f"{CAFE}board/", f"{CAFE}events.atom", "/?q=saint"):
        client.get(url)
        with count_queries() as counter:
            response = client.get(url)
            assert hit(response) and "Set-Cookie" not in response.headers
        assert counter.count == 0, (url, counter.statements)
    # After a change: the one request that reads the versions again is a miss anyway.
    make_event(cafe_a, "Loto")
    with count_queries() as counter:
        assert not hit(client.get(f"{CAFE}events/"))
    with count_queries() as counter:
        assert hit(client.get(f"{CAFE}events/"))
    assert counter.count == 0


def test_without_redis_a_change_by_another_host_is_seen_within_the_sync_interval(make_app, cafe_a):
    """Another host on the same database, no Redis, no shared stamp file: the versions table
    is read again every PAGE_CACHE_SYNC_SECONDS (a single-row-per-café read, only then)."""
    import time

    from sqlalchemy import update

    from portal.models import CacheVersion

    client = make_app(PAGE_CACHE_ENABLED=True, PAGE_CACHE_CLOCK_SECONDS=10**9, PAGE_CACHE_SYNC_SECONDS=0.3)
    client = client.test_client()
    client.get(CAFE)
    assert hit(client.get(CAFE))
    make_event(cafe_a, "Ailleurs")  # writes the versions row (and this process's stamp)
    client.get(CAFE)
    # The other host's bump: only the table changes.
    _db.session.execute(update(CacheVersion).values(version=CacheVersion.version + 10))
    _db.session.commit()
    _db.session.info.pop("cache_changed", None)
    time.sleep(0.35)
    assert not hit(client.get(CAFE))


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


def test_an_unwritable_stamp_file_costs_nothing_but_a_warning(make_app, cafe_a, tmp_path, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app = make_app(
        PAGE_CACHE_ENABLED=True,
        PAGE_CACHE_CLOCK_SECONDS=10**9,
        PAGE_CACHE_SYNC_SECONDS=10**6,
        PAGE_CACHE_STAMP=str(blocker / "stamp"),
    )
    client = app.test_client()
    client.get(f"{CAFE}events/")
    assert hit(client.get(f"{CAFE}events/"))
    with app.app_context():  # a change made by this app (this process)
        from portal.models import Cafe

        make_event(_db.session.get(Cafe, cafe_a.id), "Loto malgré tout")
    page = client.get(f"{CAFE}events/")
    assert not hit(page) and "Loto malgré tout" in page.get_data(as_text=True)
    assert hit(client.get(f"{CAFE}events/"))
    assert "not writable" in caplog.text
