"""Digital help: residents book without an account (public.py), staff run the day (staff.py)
and set it up (setup.py); the counter tablet is its own blueprint (counter/)."""

from flask import Blueprint, g, request

from ...htmx import is_private_page, mark_private

bp = Blueprint("bookings", __name__, url_prefix="/help")

# Pages anyone may keep: the topics and their free times. Every other page of the help
# shows or takes names and contacts, so it is private: no cache (nor the back button or
# htmx history of a shared tablet) may keep it.
CACHEABLE = {"cafe.bookings.index", "cafe.bookings.topic"}


@bp.before_request
def personal_pages_are_private():
    if request.endpoint not in CACHEABLE:
        g.private_page = True


@bp.after_request
def private_pages_are_not_stored(response):
    return mark_private(response) if is_private_page() else response


from . import public, setup, staff  # noqa: E402,F401
from .counter import bp as counter_bp  # noqa: E402

bp.register_blueprint(counter_bp)
