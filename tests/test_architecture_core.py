"""Guards for the shared core: each rule several features share lives in one file.

- what time it is in the café: the café model (`cafe.today()`, `cafe.local_day(moment)`);
- is this number a mobile, in which region: portal/phones.py;
- taking something people compete for: portal/claims.py (no `.rowcount` elsewhere);
- a code people read out: portal/codes.py;
- an absolute link: portal/urls.external_url (never from the request's Host);
- a date or a time in words: portal/formatting.py.
"""

import ast
import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
# The rate-limit storage counts on its own connection, outside the ORM session claims use.
# Infrastructure working on its own connections (outside the request's session).
CLAIMS_EXEMPT = {"claims.py", "ratelimits.py", "outbox.py", "jobs.py", "cache.py"}


def _files(*suffixes: str):
    for path in sorted(PORTAL.rglob("*")):
        if path.suffix in suffixes and "translations" not in path.parts:
            yield path, path.relative_to(PORTAL).as_posix(), path.read_text(encoding="utf-8")


def _offenders(pattern: str, suffixes=(".py", ".html", ".txt", ".xml"), skip=lambda rel: False):
    regex = re.compile(pattern)
    return [
        f"{rel}:{text[: match.start()].count(chr(10)) + 1}"
        for _path, rel, text in _files(*suffixes)
        if not skip(rel)
        for match in regex.finditer(text)
    ]


def test_the_date_in_the_cafe_comes_from_the_cafe():
    offenders = _offenders(
        r"\.astimezone\([^()]*(\([^()]*\))?[^()]*\)\s*\.date\(\)", skip=lambda r: r.startswith("models/")
    )
    assert offenders == [], "use cafe.today() / cafe.local_day(moment): " + ", ".join(offenders)


def test_no_rowcount_outside_claims():
    offenders = _offenders(r"\.rowcount\b", (".py",), skip=lambda rel: rel in CLAIMS_EXEMPT)
    assert offenders == [], "use portal.claims (claim / insert_or_ignore / updated_rows): " + ", ".join(
        offenders
    )


def test_no_hand_written_insert_or_ignore():
    offenders = _offenders(
        r"on_conflict_do_nothing|dialects\.(postgresql|sqlite) import insert",
        (".py",),
        skip=lambda rel: rel in CLAIMS_EXEMPT,
    )
    assert offenders == [], "use portal.claims.insert_or_ignore: " + ", ".join(offenders)


def test_one_phone_module():
    assert not (PORTAL / "validators.py").exists()
    offenders = _offenders(
        r"import phonenumbers|startswith\(\(?\"\+33", (".py",), skip=lambda rel: rel == "phones.py"
    )
    assert offenders == [], "use portal.phones: " + ", ".join(offenders)


def test_one_code_generator():
    offenders = _offenders(r"secrets\.choice", (".py",), skip=lambda rel: rel == "codes.py")
    assert offenders == [], "use portal.codes.new_code: " + ", ".join(offenders)


def test_absolute_links_come_from_the_public_base_url():
    offenders = _offenders(r"_external\s*=\s*True")
    assert offenders == [], "use portal.urls.external_url: " + ", ".join(offenders)


def test_no_french_words_in_date_patterns():
    offenders = _offenders(r"\"[^\"\n]*'à'[^\"\n]*\"|strftime\(\"%d/%m", (".py",))
    assert offenders == [], "use portal.formatting (translated words): " + ", ".join(offenders)


def test_date_filters_are_registered_in_one_module():
    offenders = _offenders(
        r"app_template_filter|jinja_env\.filters\[",
        (".py",),
        skip=lambda rel: rel in {"formatting.py", "templating.py"},
    )
    assert offenders == [], "register filters in portal/formatting.py: " + ", ".join(offenders)


def test_messages_are_sent_from_notification_modules():
    offenders = _offenders(
        r"\bnotify\(|\bsend_mail\(",
        (".py",),
        skip=lambda rel: rel.endswith("notifications.py") or rel in {"notify.py", "mail.py", "outbox.py"},
    )
    assert offenders == [], "write emails in <feature>/notifications.py: " + ", ".join(offenders)


def test_bookings_routes_are_small_and_thin():
    bookings = PORTAL / "blueprints" / "bookings"
    for path in [*bookings.glob("*.py"), *bookings.glob("counter/*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name not in {"services.py", "slots.py", "forms.py"}:
            assert len(text.splitlines()) < 300, path.name
            assert "render_template" not in text and "abort(403)" not in text, path.name
        long = [
            (node.name, node.end_lineno - node.lineno + 1)
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 60
        ]
        assert long == [], f"{path.name}: {long}"


def test_no_module_borrows_another_modules_private_helpers():
    """What two modules share lives in a module of its own, under a public name."""
    offenders = [
        f"{rel}:{node.lineno} {alias.name}"
        for _path, rel, text in _files(".py")
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert offenders == [], "move the shared helper to a module of its own: " + ", ".join(offenders)


def test_no_function_over_sixty_lines_outside_the_demo_data():
    """Small, named steps (the demo and network-scale data generators are long lists of data)."""
    long = [
        f"{rel}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for _path, rel, text in _files(".py")
        if rel not in {"demo.py", "cli_scale.py"}
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == [], "split into named steps: " + ", ".join(long)


def test_services_take_the_acting_user_as_an_argument():
    """No service reads the request's user: the route passes it (`actor=`), so a service runs the
    same from a command, a job or a test; every audit entry names its actor explicitly."""

    def request_side(rel: str) -> bool:  # routes (and the access rules) may ask who is logged in
        routes = rel.startswith("blueprints/") and not rel.endswith(("services.py", "notifications.py"))
        return routes or rel in {"access.py", "sessions.py", "anonymous_forms.py"}

    readers = _offenders(r"\bcurrent_user\b|\bcurrent_actor\(", (".py",), skip=request_side)
    assert readers == [], "take `actor` as an argument: " + ", ".join(readers)
    unnamed = [
        f"{rel}:{node.lineno}"
        for _path, rel, text in _files(".py")
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) == "audit.record"
        and not any(k.arg == "actor" for k in node.keywords)
    ]
    assert unnamed == [], "audit.record(..., actor=...): " + ", ".join(unnamed)
