from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/bread")

from . import counter, regular, regulars, routes, setup, staff  # noqa: E402,F401
