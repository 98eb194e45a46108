"""Shared fixtures: an app on SQLite (or PostgreSQL via TEST_DATABASE_URL), two cafés, users per role."""

import contextvars
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db
from portal.models import Cafe, Membership, Role, User, utcnow

PASSWORD = "correct-horse-battery"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _own_database_per_worker(url)
    # A file, not :memory:, so parallel requests from threads share one database.
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _own_database_per_worker(url: str) -> str:
    """Parallel workers (pytest-xdist, `make test`) each get a PostgreSQL database of their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = make_url(url)
    if not worker or not base.drivername.startswith("postgresql"):
        return url
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        query = sql_text("SELECT 1 FROM pg_database WHERE datname = :name")
        if connection.execute(query, {"name": name}).scalar() is None:
            connection.execute(sql_text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **_test_settings()})
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return url


def _test_settings() -> dict:
    return {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}


class IsolatedClient(FlaskClient):
    """Each request runs in its own context, as in production: its own `g` and DB session.

    Tests keep an app context open to build data; without this, requests would share
    that context's `g` and session, and hide bugs that only show on a real server.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context() and _db.session.registry.has():
            _db.session.expire_all()  # the test sees what the request wrote
        return response


class SharedBytecodeCache(BytecodeCache):
    """Templates compiled once per test process rather than once per test's app.

    Compiling the templates again for every new app was a third of a test's time. Jinja checks
    each template's source checksum before using the cached code, so an edited template is recompiled.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES_COMPILED = SharedBytecodeCache()


@pytest.fixture
def make_app(database_url):
    """Build an app on the test database with extra settings (e.g. CSRF or rate limits on)."""
    apps = []

    def factory(**overrides):
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **_test_settings(), **overrides})
        app.test_client_class = IsolatedClient
        app.jinja_env.bytecode_cache = TEMPLATES_COMPILED
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            _empty_tables()
            _db.engine.dispose()


@event.listens_for(Session, "before_flush")
def _refuse_strings_too_long_for_their_column(session, flush_context, instances) -> None:
    """SQLite stores a string of any length where PostgreSQL refuses it: fail the SQLite run too."""
    for instance in (*session.new, *session.dirty):
        state = sa_inspect(instance)
        for attribute in state.mapper.column_attrs:
            length = getattr(attribute.columns[0].type, "length", None)
            value = state.dict.get(attribute.key)  # what is loaded or set: never a query
            if length and isinstance(value, str) and len(value) > length:
                raise ValueError(
                    f"{type(instance).__name__}.{attribute.key} is {len(value)} characters long, "
                    f"its column holds {length}: PostgreSQL would refuse it"
                )


def _empty_tables() -> None:
    _db.session.remove()
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sql_text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(sql_text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_cafe(slug: str, village: str, postcode: str, department: str, **extra) -> Cafe:
    cafe = Cafe(
        slug=slug,
        name=extra.pop("name", f"Café de {village}"),
        village=village,
        postcode=postcode,
        department=department,
        **extra,
    )
    cafe.refresh_search_text()
    _db.session.add(cafe)
    _db.session.commit()
    return cafe


def make_user(
    email: str,
    name: str = "",
    role: Role | None = None,
    cafe: Cafe | None = None,
    network_admin: bool = False,
) -> User:
    user = User(
        email=email,
        display_name=name or email.split("@")[0],
        is_network_admin=network_admin,
        email_confirmed_at=utcnow(),
    )
    user.set_password(PASSWORD)
    _db.session.add(user)
    if role is not None:
        _db.session.add(Membership(user=user, cafe=cafe, role=role))
    _db.session.commit()
    return user


@dataclass
class Team:
    cafe: Cafe
    helper: User
    staff: User
    moderator: User
    manager: User


def _team(cafe: Cafe, key: str) -> Team:
    return Team(
        cafe=cafe,
        helper=make_user(f"helper.{key}@example.org", f"Aidant {key}", Role.HELPER, cafe),
        staff=make_user(f"staff.{key}@example.org", f"Serveur {key}", Role.STAFF, cafe),
        moderator=make_user(f"moderator.{key}@example.org", f"Modératrice {key}", Role.MODERATOR, cafe),
        manager=make_user(f"manager.{key}@example.org", f"Gérante {key}", Role.MANAGER, cafe),
    )


@pytest.fixture
def cafe_a(app) -> Cafe:
    return make_cafe("saint-jean-de-cole", "Saint-Jean-de-Côle", "24800", "Dordogne")


@pytest.fixture
def cafe_b(app) -> Cafe:
    return make_cafe("lagrasse", "Lagrasse", "11220", "Aude")


@pytest.fixture
def team_a(cafe_a) -> Team:
    return _team(cafe_a, "a")


@pytest.fixture
def team_b(cafe_b) -> Team:
    return _team(cafe_b, "b")


@pytest.fixture
def resident(app) -> User:
    return make_user("habitant@example.org", "Jeanne Habitante")


@pytest.fixture
def admin(app) -> User:
    return make_user("reseau@example.org", "Équipe réseau", network_admin=True)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user: User, password: str = PASSWORD):
        return self._client.post("/account/login", data={"email": user.email, "password": password})

    def logout(self):
        return self._client.post("/account/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def log_in(app):
    """A new client of its own, logged in as `user`: for several people at once."""

    def factory(user: User, password: str = PASSWORD):
        client = app.test_client()
        response = client.post("/account/login", data={"email": user.email, "password": password})
        assert response.status_code == 303, f"{user.email} could not log in"
        return client

    return factory


@pytest.fixture
def race():
    """Run `action(arg)` for every arg at the same instant (threads behind a barrier).

    The results come back in the order of `args`: `race(lambda c: c.post(url).status_code, clients)`.
    """

    def run(action, args):
        args = list(args)
        barrier = threading.Barrier(len(args))

        def at_once(arg):
            barrier.wait()
            return action(arg)

        with ThreadPoolExecutor(max_workers=len(args)) as pool:
            return list(pool.map(at_once, args))

    return run


# The clock ---------------------------------------------------------------------------------
# Tests must pass whatever the day they run. Date-sensitive tests take `any_day` (first in
# their arguments, so the clock is pinned before their data is made): they run on each day of
# a week, a month's and a year's last day, and the eves of both daylight-saving changes.

PARIS = ZoneInfo("Europe/Paris")
DAYS = {
    "monday": datetime(2026, 11, 23, 10, 0, tzinfo=PARIS),
    "tuesday": datetime(2026, 11, 24, 10, 0, tzinfo=PARIS),
    "wednesday": datetime(2026, 11, 25, 10, 0, tzinfo=PARIS),
    "thursday": datetime(2026, 11, 26, 10, 0, tzinfo=PARIS),
    "friday": datetime(2026, 11, 27, 10, 0, tzinfo=PARIS),
    "saturday": datetime(2026, 11, 28, 10, 0, tzinfo=PARIS),
    "sunday": datetime(2026, 11, 29, 10, 0, tzinfo=PARIS),
    "month-end": datetime(2026, 12, 31, 18, 0, tzinfo=PARIS),
    # The night after brings the change: "tomorrow" is a 23-hour, then a 25-hour day.
    "spring-forward-eve": datetime(2026, 3, 28, 22, 0, tzinfo=PARIS),
    "fall-back-eve": datetime(2026, 10, 24, 22, 0, tzinfo=PARIS),
}


class Clock:
    """The pinned clock of a test; `clock.move_to(moment)` travels, time keeps ticking."""

    def __init__(self, traveller):
        self._traveller = traveller
        self.start = None

    def move_to(self, moment: datetime) -> None:
        self.start = moment
        self._traveller.move_to(moment)


@pytest.fixture
def clock():
    """The clock pinned to Sunday 29 November 2026, 10:00 in Paris (move it with `move_to`)."""
    with time_machine.travel(DAYS["sunday"], tick=True) as traveller:
        pinned = Clock(traveller)
        pinned.start = DAYS["sunday"]
        yield pinned


@pytest.fixture
def frozen_clock():
    """The clock stopped: two answers a moment apart are byte for byte the same
    (CSRF tokens carry the second they were signed)."""
    with time_machine.travel(DAYS["sunday"], tick=False):
        yield


@pytest.fixture(params=list(DAYS.values()), ids=list(DAYS))
def any_day(request, clock) -> datetime:
    """Run the test once per day of `DAYS`, the clock pinned to it."""
    clock.move_to(request.param)
    return request.param


@pytest.fixture
def outbox(app) -> list:
    return app.extensions.setdefault("mail_outbox", [])


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the `with` block."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counting


def form_value(html: str, name: str) -> str | None:
    """The value attribute of the input called `name` in an HTML page."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if match is None:
        match = re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{re.escape(name)}"', html)
    return match.group(1) if match else None


def field_error(html: str, field_id: str) -> str | None:
    """The error shown right after the input `field_id`, tied to it for screen readers."""
    match = re.search(
        rf'(<input[^>]*\bid="{re.escape(field_id)}"[^>]*>)\s*'
        rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>',
        html,
        re.S,
    )
    if match is None:
        return None
    assert 'aria-invalid="true"' in match.group(1)
    assert f"{field_id}-error" in re.search(r'aria-describedby="([^"]*)"', match.group(1)).group(1)
    return words(unescape(match.group(2)))


def flashes(html: str) -> list[str]:
    """The messages flashed at the top of the page."""
    found = re.findall(r'<div class="alert [^"]*" role="\w+">(.*?)</div>', html, re.S)
    return [words(unescape(message)) for message in found]


def words(shown: str) -> str:
    """What a reader reads: white space collapsed (French no-break spaces count as spaces),
    word joiners (which only keep '15 h–19 h' on one line) dropped."""
    return " ".join(shown.replace("\u2060", "").split())


def text(html: str) -> str:
    """Visible text, tags dropped and white space collapsed."""
    return words(unescape(re.sub(r"<[^>]+>", " ", html)))


def field_errors(html: str) -> dict[str, str]:
    """Every field error on the page, by field id."""
    found = re.findall(r'<p class="error" id="([^"]+)-error">(.*?)</p>', html, re.S)
    return {field: words(unescape(message)) for field, message in found}


# A real threaded server on 127.0.0.1, for requests sent truly in parallel.
@pytest.fixture
def server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def post_form(url: str, data: dict) -> int:
    request = Request(url, data=urlencode(data).encode(), method="POST")
    try:
        with urlopen(request, timeout=60) as response:
            return response.status
    except HTTPError as error:
        return error.code
