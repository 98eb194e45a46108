"""What every template can use: htmx source, roles, preferences (formatting filters: portal.formatting)."""

from datetime import datetime

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import get_locale

from . import formatting
from .models import Role
from .navigation import page_to_come_back_to, safe_next_url  # noqa: F401  (moving to portal.navigation)
from .security import HTMX_CDN_URL, HTMX_LOCAL_FILE, HTMX_SRI
from .tenancy import current_role, has_role, is_network_admin
from .text import linkify, plain
from .urls import external_url


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatting.init_app(app)  # every date, time, number and phone filter
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["plain"] = plain

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
