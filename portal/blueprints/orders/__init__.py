from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/bread")

from . import routes  # noqa: E402,F401
