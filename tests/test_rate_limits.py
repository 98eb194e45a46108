"""Rate limits hold as documented whatever the number of workers: counted in a shared storage."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from portal.config import Config

from .conftest import PASSWORD, make_user
from .test_events import BASE, make_event, rsvp_data

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_storage_is_shared_not_per_process():
    assert Config.RATELIMIT_STORAGE_URI == "database://"


def test_two_workers_share_the_login_limit(make_app, resident):
    """Two app instances (two gunicorn workers, or two hosts) count the same attempts."""
    workers = [make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="4 per minute") for _ in range(2)]
    clients = [w.test_client() for w in workers]
    statuses = [
        clients[n % 2].post("/account/login", data={"email": "x@example.org", "password": "nope"}).status_code
        for n in range(10)
    ]
    assert statuses.count(422) == 4 and statuses.count(429) == 6


def test_the_429_page_says_how_long_to_wait(make_app, resident):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per hour")
    client = app.test_client()
    for _ in range(2):
        client.post("/account/login", data={"email": resident.email, "password": "nope"})
    blocked = client.post("/account/login", data={"email": resident.email, "password": "nope"})
    assert blocked.status_code == 429
    wait = int(blocked.headers["Retry-After"])
    assert 3500 <= wait <= 3601
    page = blocked.get_data(as_text=True).replace("\xa0", " ")
    assert "Réessayez dans 1 heure." in page
    assert "quelques minutes" not in page

    client.post("/preferences/language", data={"lang": "en"})
    english = client.post("/account/login", data={"email": resident.email, "password": "nope"})
    assert "Please try again in 1 hour." in english.get_data(as_text=True).replace("\xa0", " ")


def test_failed_logins_on_one_account_from_many_addresses_are_limited(make_app, resident):
    app = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per hour"
    )
    client = app.test_client()
    for n in range(3):
        wrong = client.post(
            "/account/login",
            data={"email": resident.email, "password": "nope"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
        assert wrong.status_code == 422
    blocked = client.post(
        "/account/login",
        data={"email": resident.email.upper(), "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert blocked.status_code == 429
    assert "Réessayez dans 1 heure." in blocked.get_data(as_text=True).replace("\xa0", " ")
    # Another account is not concerned.
    other = make_user("autre@example.org")
    ok = client.post("/account/login", data={"email": other.email, "password": PASSWORD})
    assert ok.status_code == 303


# Through gunicorn with 2 worker processes, with the documented numbers --------------------------


@pytest.fixture
def limited_gunicorn(app, database_url):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "COMPTOIR_TEST_DB": database_url, "COMPTOIR_TEST_RATELIMIT": "1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.gunicorn_app:app",
        ],
        cwd=ROOT,
        env=env,
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
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _post(port: int, path: str, form: dict, cookie: str = "") -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("POST", path, body=urlencode(form), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def _in_parallel(count: int, attempt) -> list[int]:
    barrier = threading.Barrier(min(count, 10))

    def run(n):
        if n < 10:
            barrier.wait()
        return attempt(n)

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(run, range(count)))


def test_documented_limits_hold_across_two_gunicorn_workers(db, cafe_a, limited_gunicorn):
    port = limited_gunicorn

    # A resident who opened an account today logs in (1 of the address's 10 logins a minute).
    newcomer = make_user("nouveau@example.org")
    status, headers = _post(port, "/account/login", {"email": newcomer.email, "password": PASSWORD})
    assert status == 303
    cookie = "; ".join(part.split(";")[0] for part in re.split(r",\s*(?=\w+=)", headers["Set-Cookie"]))

    # Login: 10 per minute per address: 9 more answered, then refused.
    logins = _in_parallel(
        40, lambda n: _post(port, "/account/login", {"email": f"p{n}@example.org", "password": "x"})[0]
    )
    assert logins.count(422) == 9 and logins.count(429) == 31

    # RSVP: 20 per 10 minutes per address.
    event = make_event(cafe_a, rsvp_enabled=True, capacity=500)
    path = f"{BASE}/events/{event.id}/rsvp"
    rsvps = _in_parallel(
        45,
        lambda n: _post(
            port, path, rsvp_data(event, name=f"Personne {n}", email=f"r{n}@example.org", party_size="1")
        )[0],
    )
    assert rsvps.count(429) == 25 and len([s for s in rsvps if s != 429]) == 20

    notice = {
        "title": "Donne vélo",
        "body": "Vélo rouge.",
        "category": "give_away",
        "expires_on": (date.today() + timedelta(days=10)).isoformat(),
        "relay_contact": "y",
        "contact_phone": "",
    }
    # Notices from an account opened today: 3 per day.
    posts = _in_parallel(
        6, lambda n: _post(port, f"{BASE}/board/new", {**notice, "title": f"Donne vélo {n}"}, cookie)[0]
    )
    assert posts.count(429) == 3 and posts.count(303) == 3


@pytest.fixture
def redis_url():
    import shutil

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    assert Path(binary).exists(), "install redis-server (apt-get install redis-server; .ci/run does)"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_limits_can_live_in_redis(make_app, redis_url):
    workers = [
        make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, LOGIN_RATE_LIMIT="3 per minute")
        for _ in range(2)
    ]
    clients = [w.test_client() for w in workers]
    statuses = [
        clients[n % 2].post("/account/login", data={"email": "x@example.org", "password": "nope"}).status_code
        for n in range(6)
    ]
    assert statuses == [422, 422, 422, 429, 429, 429]
