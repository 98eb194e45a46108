"""Impact: the help given (activity reports as La Coop de la médiation numérique has them),
dashboards and exports, per café (/c/<slug>/impact/) and for the network (/network/impact/)."""

from flask import Blueprint

from ...htmx import private_blueprint

# Inside the café parent blueprint: /c/<slug>/impact/…, /c/<slug>/impact.csv
bp = Blueprint("impact", __name__)
# Under /network/: /network/impact/, /network/impact.csv, /network/impact.json
network_bp = Blueprint("network_impact", __name__, url_prefix="/network")

# Report notes, a café's own figures: never in a shared cache nor in htmx's history.
private_blueprint(bp)
private_blueprint(network_bp)

from . import network_routes, reports, routes, workshops  # noqa: E402,F401
