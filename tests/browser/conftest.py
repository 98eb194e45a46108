"""Browser fixtures: the demo network on a live server, driven by Debian's chromium through Playwright.

Playwright cannot download its own browsers here, so it always launches /usr/bin/chromium.
axe-core comes from npm (node_modules/axe-core). When either is missing the browser tests
are skipped, unless REQUIRE_BROWSER is set (CI), in which case they fail.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from portal.demo import seed_demo
from portal.extensions import db

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# htmx's attributes are not HTML's; everything else the Nu checker reports is an error.
VNU_IGNORED = r".*(Attribute “hx-[^”]*”|“hx-[^”]*” attribute).*"
SHOTS_DIR = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))

PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "comptoir-demo"


def _missing(what: str) -> None:
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{what} (REQUIRE_BROWSER is set: the browser tests may not be skipped)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing(f"chromium not found at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed: pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.exists():
        _missing(f"{AXE_JS} not found: run npm ci")
    return AXE_JS


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR


@pytest.fixture
def live_server(make_app, monkeypatch) -> str:
    """The demo network, CSRF on, served on a free port; yields the base URL."""
    app = make_app(WTF_CSRF_ENABLED=True)
    # The demo's twenty-one passwords with the real scrypt cost take seconds; nobody logs in here.
    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr("portal.models.user.generate_password_hash", cheap)
    with app.app_context():
        assert seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def html_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """What the Nu HTML checker (vnu-jar) finds wrong in `pages` ({url: html})."""
    if not pages:
        return []
    if not VNU_JAR.exists() or shutil.which("java") is None:
        _missing("the Nu HTML checker needs java (apt-get install default-jre-headless) and npm's vnu-jar")
    files = {}
    for number, (url, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    result = subprocess.run(
        [
            "java",
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--filterpattern",
            VNU_IGNORED,
            *[str(f) for f in sorted(folder.glob("page-*.html"))],
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m.get("type") == "error"
    ]


@pytest.fixture
def new_page(browser, tmp_path):
    """Open a page in a fresh phone-sized context: new_page(javascript=True, bypass_csp=False, width=390).

    Every HTML page a test visits is checked by the Nu HTML checker when the test ends.
    """
    contexts = []
    visited: list[str] = []

    def factory(javascript: bool = True, bypass_csp: bool = False, width: int = PHONE["width"]):
        context = browser.new_context(
            viewport={"width": width, "height": PHONE["height"]},
            is_mobile=True,
            has_touch=True,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []  # console errors (CSP violations show up there) and uncaught exceptions

        def on_console(message):
            if message.type != "error":
                return
            if message.location.get("url", "").endswith("/favicon.ico"):
                return  # the browser asks for it by itself; the app has none yet
            page.problems.append(f"console: {message.text} ({message.location.get('url')})")

        def on_response(response):
            request = response.request
            if request.resource_type == "document" and request.method == "GET" and response.status == 200:
                visited.append(response.url)

        page.on("console", on_console)
        page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
        page.on("response", on_response)
        return page

    yield factory
    pages = {}
    for context in contexts:
        for url in dict.fromkeys(visited):  # the same pages again, with this visitor's cookies
            if url not in pages:
                answer = context.request.get(url)
                if answer.ok and "text/html" in answer.headers.get("content-type", ""):
                    pages[url] = answer.text()
        context.close()
    errors = html_errors(pages, tmp_path)
    assert errors == [], "The Nu HTML checker found errors:\n" + "\n".join(errors)


# Helpers shared by the browser tests ---------------------------------------------------------


def log_in(page, base: str, email: str, next_path: str = "/") -> None:
    """Log in with the demo password through the form, and land on `next_path`."""
    from playwright.sync_api import expect

    page.goto(f"{base}/account/login?next={next_path}")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_path)))


def axe_violations(page, axe_js) -> list[dict]:
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return result["violations"]


def describe(where: str, violations: list[dict]) -> str:
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"      {node['target']}: {summary}")
    return "\n".join(lines)


class Axe:
    """Collects axe-core's WCAG 2.1 A/AA violations page after page; assert once at the end."""

    def __init__(self, page, axe_js, enabled: bool = True):
        self.page, self.axe_js, self.reports, self.enabled = page, axe_js, [], enabled

    def check(self, where: str) -> None:
        if not self.enabled:  # axe itself needs JavaScript
            return
        violations = axe_violations(self.page, self.axe_js)
        if violations:
            self.reports.append(describe(where, violations))

    def assert_clean(self) -> None:
        assert not self.reports, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(self.reports)


def assert_no_horizontal_scroll(page, width: int, where: str) -> None:
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= width, f"{where}: the page scrolls sideways at {width} px ({sizes})"


def real_problems(page) -> list[str]:
    """The console errors of a page, but the 4xx a refused form answers on purpose."""
    return [p for p in page.problems if "responded with a status of 4" not in p]
