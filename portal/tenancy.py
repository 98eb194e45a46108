"""Café tenancy: the /c/<cafe_slug> parent blueprint, g.cafe, and role checks."""

from functools import wraps

from flask import Blueprint, abort, current_app, g
from flask_login import current_user
from sqlalchemy import select

from .access import login_required_response  # noqa: F401  (moving to portal.access)
from .extensions import db
from .models import Cafe, Membership, Role

cafe_bp = Blueprint("cafe", __name__, url_prefix="/c/<cafe_slug>")


@cafe_bp.url_value_preprocessor
def load_cafe(endpoint, values):
    slug = values.pop("cafe_slug", None)
    cafe = db.session.scalar(select(Cafe).where(Cafe.slug == slug))
    if cafe is None:
        abort(404)
    if not cafe.is_open_for_business and not is_network_admin():
        abort(404)
    g.cafe = cafe


@cafe_bp.url_defaults
def add_cafe_slug(endpoint, values):
    if "cafe_slug" in values or "cafe" not in g:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "cafe_slug"):
        values["cafe_slug"] = g.cafe.slug


def is_network_admin() -> bool:
    return bool(current_user.is_authenticated and current_user.is_network_admin)


def current_role() -> Role | None:
    """The current user's role in g.cafe (network admins count as managers)."""
    if "cafe_role" not in g:
        g.cafe_role = None
        if current_user.is_authenticated:
            if current_user.is_network_admin:
                g.cafe_role = Role.MANAGER
            else:
                g.cafe_role = db.session.scalar(
                    select(Membership.role).where(
                        Membership.cafe_id == g.cafe.id, Membership.user_id == current_user.id
                    )
                )
    return g.cafe_role


def has_role(role: Role) -> bool:
    mine = current_role()
    return mine is not None and mine >= role


def cafe_role_required(role: Role):
    """Let a view run only for members of g.cafe with at least `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_required_response()
            if not has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_cafe_owned_or_404(model, object_id: int):
    """Load a café-owned row by id through g.cafe: another café's id is a 404."""
    row = db.session.scalar(select(model).where(model.cafe_id == g.cafe.id, model.id == object_id))
    if row is None:
        abort(404)
    return row
