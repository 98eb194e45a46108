"""Writing to the audit log."""

from flask_login import current_user

from .extensions import db
from .models import AuditEntry, Cafe, User


def record(
    action: str, cafe: Cafe | None = None, target: str = "", actor: User | None = None, **details
) -> AuditEntry:
    """Add an audit entry for the current user (or `actor`); the caller commits."""
    actor = actor or current_actor()
    entry = AuditEntry(action=action, cafe=cafe, target=target, actor=actor, details=details)
    db.session.add(entry)
    return entry


def current_actor() -> User | None:
    """The logged-in user, or None from the command line."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
