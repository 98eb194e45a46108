"""Who may do what: one decorator, `requires(...)`, taking small composable checks.

A check answers for the current request (`current_user`, `g.cafe`, the session). When a
check fails for someone logged out, they are sent to log in; logged in, they get a 403.
Views never compare roles or call `abort(403)` themselves: they declare what they need.

    @bp.get("/queue")
    @requires(cafe_moderator)
    def queue(): ...

Templates ask the same questions with `allowed(cafe_role(Role.STAFF))`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, g, redirect, session, url_for
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .htmx import is_htmx
from .models import Cafe, Membership, Role, User

# The café whose counter mode this browser was put in by a staff member.
COUNTER_SESSION_KEY = "counter_cafe"


def role_of(user: User | None, cafe: Cafe) -> Role | None:
    """The user's role in `cafe`; network admins act as managers everywhere."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_network_admin:
        return Role.MANAGER
    return db.session.scalar(
        select(Membership.role).where(Membership.cafe_id == cafe.id, Membership.user_id == user.id)
    )


def current_actor() -> User | None:
    """The logged-in user, for routes to pass to services as `actor` (None when anonymous)."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def current_role() -> Role | None:
    """The current user's role in g.cafe, looked up once per request."""
    if "cafe_role" not in g:
        cafe = g.get("cafe")
        g.cafe_role = role_of(current_user, cafe) if cafe is not None else None
    return g.cafe_role


@dataclass(frozen=True)
class Check:
    """A named yes/no question about the current request; `|` composes them."""

    name: str
    test: Callable[[], bool]
    needs_login: bool = True

    def __call__(self) -> bool:
        return bool(self.test())

    def __or__(self, other: "Check") -> "Check":
        return Check(
            f"{self.name}|{other.name}",
            lambda: self() or other(),
            # Logging in may help when either alternative is about who is logged in.
            needs_login=self.needs_login or other.needs_login,
        )


def _authenticated() -> bool:
    return bool(current_user.is_authenticated)


logged_in = Check("logged_in", _authenticated)


def has_cafe_role(user: User | None, cafe: Cafe, role: Role) -> bool:
    """Whether `user` (maybe not the one logged in, e.g. unlocking a kiosk) has `role` in `cafe`."""
    theirs = role_of(user, cafe)
    return theirs is not None and theirs >= role


def cafe_role(role: Role) -> Check:
    """At least `role` in the café of this URL (g.cafe)."""

    def test() -> bool:
        mine = current_role()
        return mine is not None and mine >= role

    return Check(f"cafe_role:{role.name}", test)


network_admin = Check("network_admin", lambda: _authenticated() and current_user.is_network_admin)
network_moderator = Check("network_moderator", lambda: _authenticated() and current_user.moderates_network)
# Moderates this café's noticeboard: its moderators and managers, or the network's moderators.
cafe_moderator = cafe_role(Role.MODERATOR) | network_moderator
# A tablet a staff member put in counter mode for this café: nobody is logged in on it.
counter_mode = Check(
    "counter_mode",
    lambda: g.get("cafe") is not None and session.get(COUNTER_SESSION_KEY) == g.cafe.id,
    needs_login=False,
)


def allowed(*checks: Check) -> bool:
    """True when every check passes (for templates and services' callers)."""
    return all(check() for check in checks)


def login_required_response():
    """401 for htmx (with the login page to go to), a redirect for a plain request."""
    from .navigation import page_to_come_back_to

    login_url = url_for("auth.login", next=page_to_come_back_to())
    if is_htmx():
        abort(401, description=login_url)
    return redirect(login_url)


def deny(check: Check):
    """The answer to a failed check: log in first when that could help, else 403."""
    if check.needs_login and not current_user.is_authenticated:
        return login_required_response()
    abort(403)


def requires(*checks: Check):
    """Let a view run only when every check passes (logged in is implied by most)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            for check in checks:
                if not check():
                    return deny(check)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def protect_blueprint(blueprint, *checks: Check) -> None:
    """Apply `requires(*checks)` to every view of a blueprint that is private as a whole."""

    @blueprint.before_request
    def check_access():
        for check in checks:
            if not check():
                return deny(check)
        return None
