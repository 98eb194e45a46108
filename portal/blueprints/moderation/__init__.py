from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
# The network moderators' queue of every café, outside any café.
network_bp = Blueprint(
    "network_moderation", __name__, url_prefix="/network/moderation", cli_group="network-moderator"
)


def _no_store(response):
    # Reports, reasons and suspensions: not for a shared computer's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(_no_store)
network_bp.after_request(_no_store)

from . import commands, routes  # noqa: E402,F401
