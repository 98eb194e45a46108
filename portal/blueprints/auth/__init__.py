from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from . import confirm, routes  # noqa: E402,F401
