from flask import Blueprint

bp = Blueprint("noticeboard", __name__, url_prefix="/board")

from . import authors, routes  # noqa: E402,F401
