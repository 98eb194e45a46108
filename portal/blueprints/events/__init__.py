from flask import Blueprint

# No prefix: the café's feed lives at /c/<slug>/events.ics, beside /c/<slug>/events/.
bp = Blueprint("events", __name__)

from . import publishing, routes, staff  # noqa: E402,F401
