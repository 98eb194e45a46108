from flask import Blueprint

from ...htmx import private_blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")
# Staff pages show names, email addresses and the activity log.
private_blueprint(bp)

from . import routes  # noqa: E402,F401
