"""Writing to the audit log."""

from .extensions import db
from .models import AuditEntry, Cafe, User


def record(
    action: str, cafe: Cafe | None = None, target: str = "", *, actor: User | None, **details
) -> AuditEntry:
    """Add an audit entry for `actor` (None: the command line or a job); the caller commits.

    The acting user is always given by the caller (a route passes the logged-in user):
    services never read it from the request, so they run the same from a command or a test.
    """
    entry = AuditEntry(action=action, cafe=cafe, target=target, actor=actor, details=details)
    db.session.add(entry)
    return entry
