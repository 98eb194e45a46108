from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
# The network moderators' queue of every café, outside any café.
network_bp = Blueprint(
    "network_moderation", __name__, url_prefix="/network/moderation", cli_group="network-moderator"
)

from . import commands, routes  # noqa: E402,F401
