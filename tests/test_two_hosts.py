"""Two gunicorn hosts on one PostgreSQL and one Redis, plus the worker, as in production.

Runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh) when redis-server is
installed; in CI both are (.ci/run), and a missing one fails the test rather than skipping it.
"""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener, urlopen

import pytest
from sqlalchemy import func, select

from portal.blueprints.events.recurrence import occurrence_key
from portal.extensions import db as _db
from portal.models import Event, EventCategory, Rsvp, RsvpStatus, utcnow
from tests.conftest import PASSWORD
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent
CAFE = "/c/saint-jean-de-cole/"

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL: runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh)",
)


def get(url: str, opener=None, **headers) -> tuple[int, str, dict]:
    try:
        with (opener.open if opener else urlopen)(Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def post(url: str, data: dict, opener=None) -> int:
    request = Request(url, data=urlencode(data).encode(), method="POST")
    try:
        with (opener.open if opener else urlopen)(request, timeout=60) as response:
            return response.status
    except HTTPError as error:
        return error.code


class Host:
    def __init__(self, name: str, env: dict, logs: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(logs / f"{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60", "--bind",
             f"127.0.0.1:{self.port}", "tests.two_host_app:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urlopen(self.base + "/healthz", timeout=2).read()
                return
            except (URLError, OSError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"host {name} did not start") from None
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@contextmanager
def running_network(database_url: str, tmp_path: Path):
    """Redis, two gunicorn hosts and the worker on one database, stopped afterwards."""
    redis = RedisServer(tmp_path)
    redis.start()
    env = {**os.environ, "COMPTOIR_TEST_DB": database_url, "REDIS_URL": redis.url}
    hosts, worker = [], None
    worker_log = tmp_path / "worker.log"
    try:
        hosts = [Host("a", env, tmp_path), Host("b", env, tmp_path)]
        with open(worker_log, "w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "tests.two_host_app", "worker"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        yield {
            "a": hosts[0], "b": hosts[1], "redis": redis, "worker_log": worker_log,
            "logs": [tmp_path / "a.log", tmp_path / "b.log"],
        }  # fmt: skip
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        for host in hosts:
            host.stop()
        redis.stop()


@pytest.fixture
def network(database_url, tmp_path, team_a):
    with running_network(database_url, tmp_path) as network:
        yield {**network, "team": team_a}


@pytest.fixture
def demo_network_on_its_own_cluster(tmp_path):
    """The demo network on a PostgreSQL cluster of its own, which the test may restart."""
    cluster = PostgresServer()
    try:
        cluster.start()
        env = {**os.environ, "COMPTOIR_TEST_DB": cluster.url, "REDIS_URL": "redis://127.0.0.1:1/0"}
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "tests.two_host_app", *command],
                cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
        with running_network(cluster.url, tmp_path) as network:
            yield {**network, "cluster": cluster}
    finally:
        cluster.stop()


def mails_to(log: Path, address: str) -> int:
    return len(re.findall(rf"Mail to {re.escape(address)}:", log.read_text()))


def wait_for(check, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def one_seat_event(cafe, title="Atelier") -> tuple[int, str]:
    start = (utcnow() + timedelta(days=4)).replace(second=0, microsecond=0)
    event = Event(
        cafe=cafe, title=title, category=EventCategory.WORKSHOP, starts_at=start,
        ends_at=start + timedelta(hours=2), rsvp_enabled=True, capacity=1,
    )  # fmt: skip
    _db.session.add(event)
    _db.session.commit()
    return event.id, occurrence_key(event.starts_at)


def rsvp(host: Host, event: tuple[int, str], email: str) -> int:
    event_id, occurrence = event
    data = {"occurrence": occurrence, "name": email, "email": email, "party_size": "1"}
    return post(f"{host.base}{CAFE}events/{event_id}/rsvp", data)


def test_two_hosts_one_database_one_redis_and_the_worker(network):
    a, b, team = network["a"], network["b"], network["team"]
    cafe = team.cafe

    # A staff change made through host A shows on host B's next anonymous page.
    # (the worker's first sweep runs the day's jobs, which may bump the versions once)
    assert wait_for(lambda: get(b.base + CAFE)[2].get("X-Cache") == "hit", 20)
    assert "Café de Saint-Jean-de-Côle" in get(b.base + CAFE)[1]
    staff = build_opener(HTTPCookieProcessor(CookieJar()))
    assert post(f"{a.base}/account/login", {"email": team.manager.email, "password": PASSWORD}, staff) == 200
    form = {"name": "Le Comptoir de Côle", "address": "", "phone": "", "email": "", "description": ""}
    assert post(f"{a.base}{CAFE}manage/profile", form, staff) == 200
    status, page, headers = get(b.base + CAFE)
    assert status == 200 and "Le Comptoir de Côle" in page and headers.get("X-Cache") != "hit"

    # 20 people at once for one seat, half on each host: exactly one gets it.
    event = one_seat_event(cafe)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda n: rsvp(a if n % 2 else b, event, f"p{n}@example.org"), range(20)))
    _db.session.expire_all()
    going = _db.session.scalars(
        select(Rsvp).where(Rsvp.event_id == event[0], Rsvp.status == RsvpStatus.GOING)
    ).all()
    assert len(going) == 1 and statuses.count(200) == 1 and statuses.count(409) == 19, statuses

    # Its confirmation is sent by the worker, once, although both hosts are up.
    winner = going[0].email
    assert wait_for(lambda: mails_to(network["worker_log"], winner) >= 1)
    time.sleep(3)
    assert mails_to(network["worker_log"], winner) == 1

    # Rate limits are shared: six logins in all, spread over both hosts, then 429 on either.
    answers = [
        post(f"{host.base}/account/login", {"email": "nobody@example.org", "password": "wrong-password"})
        for host in (a, b, a, b, a, b, a, b)
    ]
    # (the manager's login above was the first of the six)
    assert 429 not in answers[:5] and set(answers[5:]) == {429}, answers

    # Redis stopped: pages still serve, an RSVP still succeeds, its mail still goes out.
    network["redis"].stop()
    assert get(b.base + CAFE)[0] == 200 and get(a.base + f"{CAFE}events/")[0] == 200
    second = one_seat_event(cafe, "Atelier bis")
    assert rsvp(a, second, "pendant-la-panne@example.org") == 200
    assert wait_for(lambda: mails_to(network["worker_log"], "pendant-la-panne@example.org") == 1)
    network["redis"].start()
    assert get(a.base + CAFE)[0] == 200
    count = _db.session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.event_id == second[0]))
    assert count == 1


def test_a_database_restart_under_load_gives_try_again_pages_then_recovers(demo_network_on_its_own_cluster):
    network = demo_network_on_its_own_cluster
    a, b = network["a"], network["b"]
    stop = time.monotonic() + 12
    answers: list[tuple[int, str]] = []

    def hammer(host: Host):
        n = 0
        while time.monotonic() < stop:
            n += 1  # a new query each time: past the page cache, to the database
            status, page, _headers = get(f"{host.base}{CAFE}events/?n={id(host)}-{n}")
            answers.append((status, page))

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(hammer, host) for host in (a, b, a, b)]
        time.sleep(2)
        network["cluster"].restart()
        for future in futures:
            future.result()
    statuses = {status for status, _page in answers}
    logs = "".join(path.read_text()[-3000:] for path in network["logs"])
    assert statuses <= {200, 503} and 503 in statuses, (statuses, logs)
    for status, page in answers:
        assert "Traceback" not in page
        if status == 503:
            assert "Réessayez dans une minute" in page
    # Both hosts recover by themselves.
    assert wait_for(
        lambda: get(a.base + f"{CAFE}events/")[0] == 200 and get(b.base + f"{CAFE}events/")[0] == 200
    )
