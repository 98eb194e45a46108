"""Personal data, for the people it is about: the privacy notice, the legal notice,
downloading one's data and erasing one's account (the map is portal/personal_data.py)."""

from flask import Blueprint
from flask_login import user_loaded_from_cookie, user_logged_in

bp = Blueprint("privacy", __name__)
# The same notice inside a café, naming it as the place to ask.
cafe_bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _seen(sender, user, **extra):
    """An account in use is not 'unused for 2 years': note the visit, forget any warning."""
    from .retention import note_seen

    note_seen(user)


user_logged_in.connect(_seen)
user_loaded_from_cookie.connect(_seen)

from . import routes  # noqa: E402,F401
