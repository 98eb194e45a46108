"""What every template can use: htmx source, roles, preferences (formatting filters: portal.formatting)."""

from datetime import datetime

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import get_locale

from . import formatting, seo
from .access import allowed, cafe_moderator, cafe_role, current_role, network_admin, network_moderator
from .confirm import confirm_url
from .grammar import at_place, of_place
from .htmx import is_private_page
from .models import Role
from .navigation import page_to_come_back_to
from .security import HTMX_CDN_URL, HTMX_LOCAL_FILE, HTMX_SRI
from .text import linkify, plain
from .urls import external_url


def _has_role(role: Role) -> bool:
    """`has_role(Role.STAFF)` in templates: the same question as `allowed(cafe_role(...))`."""
    return allowed(cafe_role(role))


def init_app(app: Flask) -> None:
    seo.init_app(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatting.init_app(app)  # every date, time, number and phone filter
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals["confirm_url"] = confirm_url
    app.jinja_env.filters["at_place"] = at_place
    app.jinja_env.filters["of_place"] = of_place
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
            "has_role": _has_role,
            "current_role": current_role,
            "is_network_admin": network_admin,
            "allowed": allowed,
            "cafe_role": cafe_role,
            "cafe_moderator": cafe_moderator,
            "network_moderator": network_moderator,
            "private_page": is_private_page(),
            "large_text": bool(session.get("large_text")),
            "lang": str(get_locale()),
            "current_path": page_to_come_back_to() if request else "/",
            "now": datetime.now,
        }
