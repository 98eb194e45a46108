from flask import Blueprint

bp = Blueprint("cafes", __name__)

from . import routes  # noqa: E402,F401
