"""Digital help: residents book without an account (public.py), staff run the day (staff.py)
and set it up (setup.py); the counter tablet is its own blueprint (counter/)."""

from flask import Blueprint, request

bp = Blueprint("bookings", __name__, url_prefix="/help")

# Pages anyone may keep: the topics and their free times. Every other page of the help
# shows or takes names and contacts, so no cache (nor the back button of a shared
# tablet) may keep it.
CACHEABLE = {"cafe.bookings.index", "cafe.bookings.topic"}


@bp.after_request
def personal_pages_are_not_stored(response):
    if request.endpoint not in CACHEABLE:
        response.headers["Cache-Control"] = "no-store"
    return response


from . import public, setup, staff  # noqa: E402,F401
from .counter import bp as counter_bp  # noqa: E402

bp.register_blueprint(counter_bp)
