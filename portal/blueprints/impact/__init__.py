"""Impact: the help given (activity reports as La Coop de la médiation numérique has them),
dashboards and exports, per café (/c/<slug>/impact/) and for the network (/network/impact/)."""

from flask import Blueprint

# Inside the café parent blueprint: /c/<slug>/impact/…, /c/<slug>/impact.csv
bp = Blueprint("impact", __name__)
# Under /network/: /network/impact/, /network/impact.csv, /network/impact.json
network_bp = Blueprint("network_impact", __name__, url_prefix="/network")


def _no_store(response):
    # Figures of a café's team, report notes: never cached by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(_no_store)
network_bp.after_request(_no_store)

from . import network_routes, routes  # noqa: E402,F401
