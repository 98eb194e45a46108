from flask import Blueprint

bp = Blueprint("bookings", __name__, url_prefix="/help")

from . import routes  # noqa: E402,F401
