"""Headers, cookies, CSRF, rate limits, and the production safety checks."""

import re

import pytest

from portal import create_app
from portal.security import HTMX_CDN_URL, HTMX_SRI

from .conftest import PASSWORD, form_value


def test_security_headers_on_every_response(client, cafe_a):
    for url in ["/", "/c/saint-jean-de-cole/", "/account/login", "/c/unknown/", "/healthz"]:
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy
        assert "'unsafe-inline'" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_csp_allows_exactly_the_htmx_cdn_when_used(make_app):
    cdn_app = make_app(HTMX_SOURCE="cdn")
    page = cdn_app.test_client().get("/")
    html = page.get_data(as_text=True)
    assert f'src="{HTMX_CDN_URL}"' in html and f'integrity="{HTMX_SRI}"' in html
    assert "script-src 'self' https://cdn.jsdelivr.net" in page.headers["Content-Security-Policy"]
    local_app = make_app(HTMX_SOURCE="local")
    page = local_app.test_client().get("/")
    assert 'src="/static/vendor/htmx-2.0.11.min.js"' in page.get_data(as_text=True)
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]


def test_vendored_htmx_matches_the_pinned_sri_hash(client):
    import base64
    import hashlib

    body = client.get("/static/vendor/htmx-2.0.11.min.js").data
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert f"sha384-{digest}" == HTMX_SRI


def test_session_cookie_is_httponly_and_samesite(client, resident):
    response = client.post("/account/login", data={"email": resident.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_post_without_csrf_token_is_refused_with_a_friendly_retry(csrf_app, cafe_a):
    client = csrf_app.test_client()
    response = client.post("/account/register", data={"display_name": "Jeanne", "email": "j@example.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in page
    # What was typed is offered again with a fresh token, passwords excepted.
    assert 'name="display_name" value="Jeanne"' in page
    assert 'name="email" value="j@example.org"' in page
    assert form_value(page, "csrf_token")
    assert "Traceback" not in page


def test_resubmitting_the_expired_form_works(csrf_app, cafe_a):
    client = csrf_app.test_client()
    page = client.post("/preferences/text-size", data={"size": "large", "next": "/"}).get_data(as_text=True)
    token = form_value(page, "csrf_token")
    response = client.post("/preferences/text-size", data={"size": "large", "next": "/", "csrf_token": token})
    assert response.status_code == 303
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)


def test_htmx_requests_carry_the_token_in_a_header(csrf_app, cafe_a):
    client = csrf_app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    refused = client.post("/preferences/language", data={"lang": "en"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert refused.headers["HX-Retarget"] == "#messages"
    accepted = client.post(
        "/preferences/language",
        data={"lang": "en", "next": "/"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert accepted.status_code == 200 and accepted.headers["HX-Redirect"] == "/"


def test_login_attempts_are_rate_limited_with_a_friendly_page(make_app, resident):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert (
            client.post("/account/login", data={"email": resident.email, "password": "nope"}).status_code
            == 422
        )
    blocked = client.post("/account/login", data={"email": resident.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)
    assert client.get("/account/login").status_code == 200  # looking at the form is never blocked


def test_password_reset_requests_are_rate_limited(make_app, resident):
    app = make_app(RATELIMIT_ENABLED=True, RESET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/account/reset", data={"email": resident.email}).status_code == 303
    assert client.post("/account/reset", data={"email": resident.email}).status_code == 429


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("COMPTOIR_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "dev-only-change-me"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": ""})
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 64,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PUBLIC_BASE_URL": "https://comptoir.example.org",
        }
    )
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_unexpected_errors_show_a_friendly_page(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Un problème est survenu" in page and "ZeroDivisionError" not in page


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database():
    # No background sender: it would keep retrying the unreachable database after the test.
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/db.sqlite3", "EMBEDDED_WORKER": False}
    app = create_app({"TESTING": True, **settings})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/c/saint-jean-de-cole/board/{HUGE}",
        f"/c/saint-jean-de-cole/board/{2**31}",
        f"/c/saint-jean-de-cole/board/{HUGE}/report",
    ],
)
def test_ids_too_big_for_the_database_are_404_not_500(client, cafe_a, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url, login_as",
    [
        (f"/?page={HUGE}", None),
        (f"/c/saint-jean-de-cole/moderation/history?page={HUGE}", "moderator"),
        (f"/c/saint-jean-de-cole/manage/audit?page={HUGE}", "manager"),
        (f"/network/audit?page={HUGE}", "admin"),
    ],
)
def test_page_numbers_too_big_give_an_empty_page_not_500(client, auth, cafe_a, team_a, admin, url, login_as):
    if login_as == "admin":
        auth.login(admin)
    elif login_as:
        auth.login(getattr(team_a, login_as))
    assert client.get(url).status_code == 200


def test_behind_a_reverse_proxy_each_visitor_has_their_own_rate_limit(make_app, resident):
    """The README puts nginx in front: without trusting its X-Forwarded-For, every visitor
    shares 127.0.0.1, and one person's wrong passwords lock the whole village out."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    wrong = {"email": resident.email, "password": "nope"}
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(2):
        client.post(
            "/account/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.7"}, environ_base=proxy
        )
    assert (
        client.post(
            "/account/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.7"}, environ_base=proxy
        ).status_code
        == 429
    )
    neighbour = client.post(
        "/account/login", data=wrong, headers={"X-Forwarded-For": "198.51.100.2"}, environ_base=proxy
    )
    assert neighbour.status_code == 422


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(make_app, resident):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    wrong = {"email": resident.email, "password": "nope"}
    client.post("/account/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.7"})
    spoofed = client.post("/account/login", data=wrong, headers={"X-Forwarded-For": "198.51.100.2"})
    assert spoofed.status_code == 429  # a forged header does not buy more attempts


@pytest.mark.parametrize(
    "url, login_as",
    [
        ("/c/saint-jean-de-cole/manage/audit", "manager"),
        ("/c/saint-jean-de-cole/manage/team", "manager"),
        ("/network/audit", "admin"),
        ("/network/", "admin"),
    ],
)
def test_staff_pages_with_emails_and_names_stay_out_of_caches_and_htmx_history(
    client, auth, cafe_a, team_a, admin, url, login_as
):
    auth.login(admin if login_as == "admin" else getattr(team_a, login_as))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert 'hx-history="false"' in response.get_data(as_text=True)


def test_account_creation_is_rate_limited(make_app):
    """Fresh accounts are how spam reaches the noticeboards: one address cannot make dozens."""
    app = make_app(RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="2 per hour")
    client = app.test_client()
    for n in range(2):
        data = {
            "display_name": f"Voisin {n}",
            "email": f"v{n}@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        }
        assert client.post("/account/register", data=data).status_code == 303
        client.post("/account/logout")
    data = {"display_name": "Voisin 3", "email": "v3@example.org", "password": PASSWORD, "confirm": PASSWORD}
    blocked = client.post("/account/register", data=data)
    assert blocked.status_code == 429 and "Trop de tentatives" in blocked.get_data(as_text=True)
    assert client.get("/account/register").status_code == 200
