"""Café tenancy: the /c/<cafe_slug> parent blueprint that resolves g.cafe, and café-owned lookups.

Who may do what is portal/access.py; where to come back to is portal/navigation.py.
"""

from flask import Blueprint, abort, current_app, g
from sqlalchemy import select

from .access import network_admin
from .extensions import db
from .models import Cafe

cafe_bp = Blueprint("cafe", __name__, url_prefix="/c/<cafe_slug>")


@cafe_bp.url_value_preprocessor
def load_cafe(endpoint, values):
    slug = values.pop("cafe_slug", None)
    cafe = db.session.scalar(select(Cafe).where(Cafe.slug == slug))
    if cafe is None:
        abort(404)
    # A closed café is still there for the network team, who may reopen it.
    if not cafe.is_open_for_business and not network_admin():
        abort(404)
    g.cafe = cafe


@cafe_bp.url_defaults
def add_cafe_slug(endpoint, values):
    if "cafe_slug" in values or "cafe" not in g:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "cafe_slug"):
        values["cafe_slug"] = g.cafe.slug


def get_cafe_owned_or_404(model, object_id: int):
    """Load a café-owned row by id through g.cafe: another café's id is a 404."""
    row = db.session.scalar(select(model).where(model.cafe_id == g.cafe.id, model.id == object_id))
    if row is None:
        abort(404)
    return row
