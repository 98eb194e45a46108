from flask import Blueprint

from ...access import network_admin, protect_blueprint
from ...htmx import private_blueprint

bp = Blueprint("network", __name__, url_prefix="/network")
# The network team's area: names, email addresses and the activity log of every café.
protect_blueprint(bp, network_admin)
private_blueprint(bp)

from . import routes  # noqa: E402,F401
