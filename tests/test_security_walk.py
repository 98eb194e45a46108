"""Every URL of the app (from `app.url_map`) and every form, fed what attackers send:
NUL, control characters, CR/LF, 10 kB strings, digits from other scripts. Never a 500.

Runs on SQLite and on PostgreSQL (which refuses NUL in text: the edge must strip it first).
"""

import re
from datetime import timedelta

import pytest

from portal.models import Notice, NoticeCategory, NoticeStatus, utcnow

from .conftest import PASSWORD
from .test_events import make_event

NASTY = [
    "\x00",
    "caf\x00e",
    "a\x01\x1b[31mb\x7f",
    "ligne\r\nX-Injected: 1",
    "x" * 10_000,
    "\u0663",  # Arabic-Indic 3
    "\uff13",  # full-width 3
    "\U0001d7d1",  # mathematical bold 3
    "0003",
    "\u202e\u200bé",
]
# Values for ids and codes in paths; control characters in paths are covered by the edge tests.
PATH_VALUES = ["\u0663", "\uff13", "\U0001d7d1", "0003", "9" * 30, "x" * 3000, "%2e%2e", "é"]
QUERY_KEYS = ["q", "page", "next", "date", "on", "start", "period", "offset", "category", "code", "all_ages"]
SKIP_WHEN_LOGGED_IN = {"auth.logout", "cafe.bookings.counter_start"}


@pytest.fixture
def world(db, cafe_a, team_a, admin, resident):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=20)
    notice = Notice(
        cafe=cafe_a,
        author=resident,
        title="Donne vélo",
        body="Vélo rouge",
        category=NoticeCategory.GIVE_AWAY,
        status=NoticeStatus.PUBLISHED,
        expires_on=(utcnow() + timedelta(days=10)).date(),
    )
    db.session.add(notice)
    db.session.commit()
    return {"event_id": event.id, "notice_id": notice.id}


def _urls(app, world, value: str | None):
    """Each rule with its arguments filled: real ones (value None) or the nasty `value`."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {}
        for name in rule.arguments:
            if name == "cafe_slug":
                args[name] = "saint-jean-de-cole"
            elif value is None:
                args[name] = world.get(name, 1)
            else:
                args[name] = value
        path = rule.rule
        for name, filled in args.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(filled), path)
        if "<" in path:  # a converter with options (any(...)): take its first choice
            path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda m: m.group(1).strip(), path)
        yield rule, path


def _form_fields(page: str) -> set[str]:
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', page))
    return names - {"csrf_token"}


def _walk(app, client, world, label: str, failures: list):
    def check(method: str, path: str, **kwargs):
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001  (report every failure, not the first)
            failures.append(f"{label} {method} {path[:80]!r}: {type(error).__name__}: {error}"[:300])
            return None
        if response.status_code >= 500:
            failures.append(
                f"{label} {method} {path[:80]!r} {kwargs.get('data', '')!r:.80}: {response.status_code}"
            )
        return response

    skip = SKIP_WHEN_LOGGED_IN if label != "anonymous" else set()
    for rule, path in _urls(app, world, None):
        if rule.endpoint in skip:
            continue
        fields: set[str] = set()
        if "GET" in rule.methods:
            page = check("GET", path)
            if page is not None and page.status_code == 200 and "html" in page.content_type:
                fields = _form_fields(page.get_data(as_text=True))
            for value in NASTY:
                check("GET", path, query_string={key: value for key in QUERY_KEYS})
        if "POST" in rule.methods:
            names = fields or {"name", "email", "phone", "title", "body", "code", "reason", "password"}
            for value in NASTY:
                check("POST", path, data={name: value for name in names})
    for value in PATH_VALUES:
        for rule, path in _urls(app, world, value):
            if rule.endpoint in skip or not rule.arguments - {"cafe_slug"}:
                continue
            for method in sorted(rule.methods & {"GET", "POST"}):
                check(method, path)


@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_no_input_anywhere_gives_a_500(app, client, world, resident, admin, who):
    if who != "anonymous":
        user = resident if who == "resident" else admin
        assert (
            client.post("/account/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
        )
    failures: list[str] = []
    _walk(app, client, world, who, failures)
    assert failures == []
