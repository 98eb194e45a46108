"""What every template can use: htmx source, roles, preferences, date formatting."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import format_date, format_datetime, get_locale
from werkzeug.exceptions import HTTPException

from .models import Role
from .security import HTMX_CDN_URL, HTMX_LOCAL_FILE, HTMX_SRI
from .tenancy import current_role, has_role, is_network_admin
from .text import linkify, plain
from .validators import format_phone


def safe_next_url(value: str | None, fallback: str) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    # Browsers read "/\\host" as "//host" and drop tabs and newlines inside URLs.
    if not value or "\\" in value or any(ord(c) < 32 for c in value):
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
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        return safe_next_url(back, "/")
    cafe = g.get("cafe")
    return url_for("cafe.cafes.home", cafe_slug=cafe.slug) if cafe is not None else "/"


def format_time_short(value) -> str:
    """'9 h 30' in French, '9:30' in English: how people say it in each."""
    if value is None:
        return ""
    if str(get_locale()) == "fr":
        return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"
    return f"{value.hour}:{value.minute:02d}"


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["time_short"] = format_time_short
    app.jinja_env.filters["date_long"] = lambda d: format_date(d, "full")
    # "vendredi 27 novembre": the year is noise for the coming days.
    app.jinja_env.filters["day_month"] = lambda d: format_date(d, "EEEE d MMMM")
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["plain"] = plain
    app.jinja_env.filters["datetime_medium"] = lambda d: format_datetime(d, "medium")

    @app.context_processor
    def inject_globals():
        if current_app.config["HTMX_SOURCE"] == "local":
            htmx = {"src": url_for("static", filename=HTMX_LOCAL_FILE), "integrity": None}
        else:
            htmx = {"src": HTMX_CDN_URL, "integrity": HTMX_SRI}
        cafe = g.get("cafe")
        return {
            "htmx": htmx,
            "cafe": cafe,
            "Role": Role,
            "has_role": has_role if cafe is not None else (lambda role: False),
            "current_role": current_role if cafe is not None else (lambda: None),
            "is_network_admin": is_network_admin,
            "large_text": bool(session.get("large_text")),
            "lang": str(get_locale()),
            "current_path": page_to_come_back_to() if request else "/",
            "now": datetime.now,
        }
