"""What an attacker sends before any feature sees it: Host headers, ids, control characters, `next`."""

import re
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import icalendar
import pytest

from portal import create_app
from portal.extensions import db as _db

from .test_events import BASE, make_event, rsvp_data

ROOT = Path(__file__).resolve().parent.parent


# Host header (issue 9, items 1 and 8) ------------------------------------------------------


def test_reset_link_starts_with_the_public_address_whatever_the_host(make_app, resident):
    app = make_app(PUBLIC_BASE_URL="https://comptoir.example.org", TRUSTED_HOSTS_EXTRA="localhost")
    outbox = app.extensions.setdefault("mail_outbox", [])
    client = app.test_client()

    forged = client.post("/account/reset", data={"email": resident.email}, headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert outbox == []  # nothing was done for a host we do not serve

    assert client.post("/account/reset", data={"email": resident.email}).status_code == 303
    [message] = outbox
    links = re.findall(r"https?://\S+", message.get_content())
    assert any(link.startswith("https://comptoir.example.org/account/reset/") for link in links)
    assert all(link.startswith("https://comptoir.example.org/") for link in links)  # reset and privacy


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "localhost.evil.example",
        "a" * 300,
        "x" * 70 + ".example",  # a label longer than IDNA allows
        "ex ample",
        "exa\u00e9mple",
        "[::1",
        "localhost:99999",
    ],
)
def test_unknown_or_invalid_hosts_get_the_apps_400_page(client, cafe_a, host):
    for path in ["/", "/c/saint-jean-de-cole/", "/nowhere", "/account/login"]:
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "Cette demande n’a pas pu être comprise" in page or "pas pu être comprise" in page
        assert "Content-Security-Policy" in response.headers
        assert host not in page


def test_known_hosts_and_ports_are_served(client, cafe_a):
    for host in ["localhost", "localhost:5000", "127.0.0.1:8080"]:
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_a_request_without_host_header_is_served_as_the_public_host(make_app):
    app = make_app(PUBLIC_BASE_URL="https://comptoir.example.org", TRUSTED_HOSTS_EXTRA="")
    from werkzeug.test import EnvironBuilder

    environ = {"SERVER_NAME": "0.0.0.0", "SERVER_PORT": "8000"}

    built = EnvironBuilder(path="/healthz").get_environ()
    built.pop("HTTP_HOST", None)
    built.update(environ)
    answer = app.response_class.from_app(app.wsgi_app, built)
    assert answer.status_code == 200


def test_trusted_hosts_come_from_the_public_address_and_the_extra_names(make_app):
    app = make_app(
        PUBLIC_BASE_URL="https://comptoir.example.org", TRUSTED_HOSTS_EXTRA="www.comptoir.example.org"
    )
    assert app.config["TRUSTED_HOSTS"] == ["comptoir.example.org", "www.comptoir.example.org"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "www.comptoir.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "comptoir.example.org:443"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_production_refuses_to_start_without_a_public_address():
    base = {"ENV_NAME": "production", "SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    for missing in [{}, {"PUBLIC_BASE_URL": ""}, {"PUBLIC_BASE_URL": "comptoir.example.org"}]:
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            create_app({**base, **missing})
    assert create_app({**base, "PUBLIC_BASE_URL": "https://comptoir.example.org"})


def test_gunicorn_answers_a_huge_host_with_the_apps_page(database_url, app):
    """Through a real server: a 300-character or non-IDNA Host gets the app's 400, not a bare 500."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.gunicorn_app:app",
        ],
        cwd=ROOT,
        env={"COMPTOIR_TEST_DB": database_url, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        for host in ["a" * 300, "x" * 70 + ".example", "evil.example"]:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400"), head[:200]
            assert b"Content-Security-Policy" in head
            assert "pas pu être comprise".encode() in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_no_link_is_built_from_the_host_header_outside_features_being_converted():
    """Absolute links come from `external_url`; `_external=True` takes the request's Host.

    Bookings, events, moderation, noticeboard and manage are being converted (issue 8).
    """
    being_converted = {"bookings", "events", "moderation", "noticeboard", "manage"}
    offenders = []
    for path in (ROOT / "portal").rglob("*"):
        if path.suffix not in {".py", ".html", ".txt", ".xml"}:
            continue
        parts = set(path.relative_to(ROOT / "portal").parts)
        if parts & being_converted:
            continue
        if "_external=True" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# Ids (item 9) ----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["\u0663", "\uff13", "0003", "03", "\U0001d7d1", "3.0", "+3", " 3"])
def test_ids_are_ascii_digits_without_leading_zeros(client, cafe_a, written):
    events = [make_event(cafe_a, title=f"Soirée {n}") for n in range(3)]
    third = events[2]
    assert third.id == 3
    assert client.get(f"{BASE}/events/3").status_code == 200
    assert client.get(f"{BASE}/events/{written}").status_code == 404
    assert client.post(f"{BASE}/events/{written}/rsvp", data=rsvp_data(third)).status_code == 404


def test_a_huge_next_does_not_come_back_as_a_huge_location(client, resident):
    from .conftest import PASSWORD

    huge = "/" + "a" * 1_000_000
    response = client.post(
        "/account/login", query_string={"next": huge}, data={"email": resident.email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert len(client.get("/account/login", query_string={"next": huge}).get_data()) < 100_000


def test_a_huge_url_on_a_staff_page_sends_to_login_with_a_short_next(client, cafe_a):
    response = client.get(f"{BASE}/manage/", query_string={"q": "x" * 100_000})
    assert response.status_code in (302, 303)
    assert len(response.headers["Location"]) < 2000


# NUL and control characters (item 5) -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/c/%00/", "/c/saint-jean-de-cole%00/", "/c/saint-jean-de-cole/events/%0d%0a", "/%01", "/c/%c2%85/"],
)
def test_control_characters_in_the_path_are_404(client, cafe_a, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["caf%00e", "%00", "caf%01e%0d%0a", "%c2%9b"])
def test_control_characters_in_query_parameters_are_dropped(client, cafe_a, query):
    assert client.get(f"/?q={query}").status_code == 200


def test_nul_in_an_rsvp_name_is_removed_not_a_500(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    response = client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Jea\x00nne\x07", email="j\x00@example.org"),
    )
    assert response.status_code in (303, 422)
    from portal.models import Rsvp

    if response.status_code == 303:
        assert _db.session.query(Rsvp).one().name == "Jeanne"
    assert client.get(f"{BASE}/events/rsvp?code=AB%00CD").status_code in (200, 303, 404, 422)


def test_control_characters_in_names_do_not_break_the_feeds(client, cafe_a):
    cafe_a.name = "Café\r\ndu \x0bPont\x1b"
    make_event(cafe_a, title="Belote\r\nX-INJECTED:1\x01", description="ligne 1\r\nligne 2\x08")
    event = make_event(cafe_a, title="Loto\x0c")

    atom = client.get(f"{BASE}/events.atom")
    assert atom.status_code == 200
    xml.dom.minidom.parseString(atom.data)  # valid XML

    for url in [f"{BASE}/events.ics", f"{BASE}/events/{event.id}.ics"]:
        response = client.get(url)
        assert response.status_code == 200
        icalendar.Calendar.from_ical(response.data)
        assert not any(line.startswith("X-INJECTED") for line in response.data.decode().splitlines())
