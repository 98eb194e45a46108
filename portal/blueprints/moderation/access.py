"""Who moderates: the café's moderators and managers, and the network's moderators."""

from functools import wraps

from flask import abort
from flask_login import current_user

from ...models import Role
from ...tenancy import has_role, login_required_response


def is_moderator() -> bool:
    """True for moderators of g.cafe and above, and for network moderators and admins."""
    if not current_user.is_authenticated:
        return False
    return current_user.moderates_network or has_role(Role.MODERATOR)


def moderator_required(view):
    """Let a view run only for someone who moderates g.cafe."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_required_response()
        if not is_moderator():
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def network_moderator_required(view):
    """Let a view run only for network moderators (and network admins)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_required_response()
        if not current_user.moderates_network:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
