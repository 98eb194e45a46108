"""The shared core stays the one way to do things (style of the CSS/CSP guards in test_static.py).

Who may: portal/access.py (`requires`, checks), never `abort(403)` or a role comparison in a
view. Pages: portal/htmx.py `render` (422 for a form with mistakes; private pages), never
`render_template`. Absolute links: portal/urls.py `external_url`, never `_external=True`.
"""

import ast
import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
BLUEPRINTS = PORTAL / "blueprints"

# Blueprints not converted to the shared core yet. Issue 8 is converting bookings on its own
# branch: when it lands, empty this list (the last test below fails once bookings is clean,
# so the exemption cannot outlive the need for it). Add nothing here.
NOT_YET_CONVERTED = []

FORBIDDEN_IN_BLUEPRINTS = {
    "render_template": (r"\brender_template\b", "use portal.htmx.render (page or block, 422, private)"),
    "abort(403)": (r"abort\(\s*403\s*\)", "declare it: @requires(check) from portal.access"),
    "role comparison": (r"[<>]=?\s*Role\.|Role\.\w+\s*[<>]=?", "use cafe_role(Role.X) / allowed(...)"),
    "_external=True": (r"_external\s*=\s*True", "use portal.urls.external_url (PUBLIC_BASE_URL)"),
    "old access decorators": (
        r"\b(cafe_role_required|network_admin_required|moderator_required|login_required)\b",
        "use @requires(...) from portal.access",
    ),
    "Cache-Control by hand": (r"Cache-Control", "render(..., private=True) or private_blueprint(bp)"),
}


def _blueprint_files(exempt=NOT_YET_CONVERTED, only=None):
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        feature = path.relative_to(BLUEPRINTS).parts[0]
        if feature not in exempt and (only is None or feature == only):
            yield path


def _offenders(pattern: str, exempt=NOT_YET_CONVERTED, only=None) -> list[str]:
    found = []
    for path in _blueprint_files(exempt, only):
        if path.name == "notifications.py" and "render_template" in pattern:
            continue  # emails are text templates, not pages: render_template is right there
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(PORTAL)}:{number}: {line.strip()}")
    return found


def test_blueprints_use_the_shared_core():
    problems = []
    for name, (pattern, advice) in FORBIDDEN_IN_BLUEPRINTS.items():
        problems += [f"{name} ({advice}): {where}" for where in _offenders(pattern)]
    assert problems == [], "\n".join(problems)


def test_the_old_access_helpers_are_gone():
    assert not (BLUEPRINTS / "moderation" / "access.py").exists()
    tenancy = (PORTAL / "tenancy.py").read_text()
    # tenancy.py resolves the café and loads café-owned rows; it decides nothing about roles
    # (but the names bookings still imports, in the block marked TODO(issue8): bookings).
    before_todo = tenancy.split("# TODO(issue8): bookings")[0]
    assert "current_user" not in before_todo and "Membership" not in before_todo


def test_private_pages_are_marked_in_one_way():
    # hx-history="false" comes from `private_page` (render(private=True) or a private
    # blueprint), never written by hand on a page.
    by_hand = []
    for template in sorted((PORTAL / "templates").rglob("*.html")):
        if template.relative_to(PORTAL / "templates").parts[0] in NOT_YET_CONVERTED:
            continue
        for match in re.finditer(r"(.{0,30})hx-history=\"false\"", template.read_text()):
            if "{% if private_page %}" not in match.group(1):
                by_hand.append(template.name)
    assert by_hand == []


def test_route_modules_are_small_and_functions_short():
    too_big, too_long = [], []
    for path in _blueprint_files():
        lines = path.read_text()
        is_routes = path.name == "routes.py" or "@bp." in lines
        if is_routes and len(lines.splitlines()) >= 300:
            too_big.append(str(path.relative_to(PORTAL)))
        for node in ast.walk(ast.parse(lines)):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and node.end_lineno - node.lineno + 1 > 60:
                too_long.append(f"{path.relative_to(PORTAL)}:{node.lineno} {node.name}")
    assert too_big == [], "route modules of 300 lines or more: split them by audience"
    assert too_long == [], "functions over 60 lines"


def _imports(feature: str) -> set[tuple[str, str]]:
    """(module, name) of every `from … import name` in a blueprint package."""
    found = set()
    for path in (BLUEPRINTS / feature).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                found |= {(node.module or "", alias.name) for alias in node.names}
    return found


def test_the_text_helpers_live_in_portal_text():
    text_helpers = {"clean_text", "count_links", "URL_PATTERN"}
    from_moderation = {name for module, name in _imports("noticeboard") if "moderation" in module}
    assert from_moderation & text_helpers == set()
    assert not any("noticeboard" in module for module, _ in _imports("moderation"))
    moderation = "".join(p.read_text() for p in (BLUEPRINTS / "moderation").glob("*.py"))
    assert not re.search(r"def (clean_text|count_links)\b|URL_PATTERN =", moderation)


def test_the_exemption_list_only_holds_blueprints_still_to_convert():
    for feature in NOT_YET_CONVERTED:
        assert (BLUEPRINTS / feature).is_dir(), f"{feature} is gone: remove it from NOT_YET_CONVERTED"
        patterns = [pattern for pattern, _ in FORBIDDEN_IN_BLUEPRINTS.values()]
        still = [pattern for pattern in patterns if _offenders(pattern, exempt=[], only=feature)]
        assert still, f"{feature} uses the shared core now: remove it from NOT_YET_CONVERTED"
