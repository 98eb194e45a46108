from flask import Blueprint

from ...access import cafe_moderator, network_moderator, protect_blueprint
from ...htmx import private_blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
# The network moderators' queue of every café, outside any café.
network_bp = Blueprint(
    "network_moderation", __name__, url_prefix="/network/moderation", cli_group="network-moderator"
)

protect_blueprint(bp, cafe_moderator)
protect_blueprint(network_bp, network_moderator)
# Reports, reasons and suspensions: not for a shared computer's cache nor htmx's history.
private_blueprint(bp)
private_blueprint(network_bp)

from . import commands, routes  # noqa: E402,F401
