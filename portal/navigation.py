"""Where to send people back to: the page they came from, checked to stay on this site."""

from urllib.parse import urlsplit

from flask import current_app, g, request, url_for
from werkzeug.exceptions import HTTPException

# Longer than any page of the site: a 1 MB `next` must not become a 1 MB Location header.
MAX_NEXT_LENGTH = 1000


def safe_next_url(value: str | None, fallback: str) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    # Browsers read "/\\host" as "//host" and drop tabs and newlines inside URLs.
    if not value or len(value) > MAX_NEXT_LENGTH or "\\" in value or any(ord(c) < 32 for c in value):
        return fallback
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return fallback
    return value


def _has_a_page(path: str) -> bool:
    """True when `path` also answers GET (a form's own page), not only POST."""
    try:
        current_app.url_map.bind_to_environ(request.environ).match(path, method="GET")
    except HTTPException:
        return False
    return True


def page_to_come_back_to() -> str:
    """Where the header's switches and "Log in" come back to: this page, when it has a URL.

    A page answering a POST (a form with mistakes) lives at a POST-only address; going
    back there with GET would be a 405, so use the page the form was on, or a safe default.
    """
    if request.method in ("GET", "HEAD") or _has_a_page(request.path):
        here = request.full_path.rstrip("?")
        return here if len(here) <= MAX_NEXT_LENGTH else safe_next_url(request.path, "/")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        return safe_next_url(back, "/")
    cafe = g.get("cafe")
    return url_for("cafe.cafes.home", cafe_slug=cafe.slug) if cafe is not None else "/"
