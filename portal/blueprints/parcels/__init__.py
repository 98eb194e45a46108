from flask import Blueprint

from ...access import cafe_role, protect_blueprint
from ...htmx import private_blueprint
from ...models import Role

bp = Blueprint("parcels", __name__, url_prefix="/parcels")
# Staff only, every page: nothing about a parcel is public.
protect_blueprint(bp, cafe_role(Role.STAFF))
private_blueprint(bp)

from . import routes  # noqa: E402,F401
