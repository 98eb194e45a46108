"""Sessions that end when they should.

- Every session and remember-me cookie holds the account's `session_version`
  (`User.get_id()` is "<id>.<version>"). Raising the version (`end_every_session`) makes
  every copy of every cookie of that account worthless, on every device: logging out,
  a new password, a deleted account, being removed from a café's team.
- Staff pages (a café's management, moderation, the helpers' agenda, events management,
  the network) ask for the password again when the session has been idle for a long time
  (`STAFF_IDLE_SECONDS`, 12 hours by default) or was only restored by the remember-me
  cookie: a café PC left logged in overnight does not stay a staff desk for anyone.
"""

import time

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user, login_fresh, login_user
from sqlalchemy import update

from .extensions import db
from .models import User

SEEN_KEY = "seen_at"
# Don't rewrite the session cookie on every request just to say "still here".
SEEN_GRANULARITY = 60

# Parts of a URL rule that make a page a staff page.
STAFF_AREAS = ("/manage/", "/moderation/", "/help/staff/", "/network/")
NOT_STAFF = ("/manage/join/",)  # an invitation link: opened by someone not yet on the team


def load_user(user_id: str) -> User | None:
    """The Flask-Login user loader: the account, if the cookie's session version is current."""
    user_part, dot, version_part = (user_id or "").partition(".")
    if not dot or not user_part.isascii() or not user_part.isdigit() or not version_part.isdigit():
        return None  # a cookie from before session versions, or forged: logged out
    if len(user_part) > 10 or len(version_part) > 10:
        return None
    user = db.session.get(User, int(user_part))
    if user is None or (user.session_version or 0) != int(version_part):
        return None
    return user


def end_every_session(user: User, keep_this_one: bool = False) -> None:
    """End every session and remember-me cookie of `user` (committed).

    With `keep_this_one`, the current browser stays logged in (after a password change
    made here, say): only the others are logged out.
    """
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.commit()
    db.session.refresh(user)
    if keep_this_one:
        login_user(user)
        mark_seen(force=True)


def mark_seen(force: bool = False) -> None:
    now = int(time.time())
    last = session.get(SEEN_KEY)
    if force or not isinstance(last, int) or now - last >= SEEN_GRANULARITY:
        session[SEEN_KEY] = now


def is_staff_page() -> bool:
    rule = request.url_rule.rule if request.url_rule is not None else ""
    return any(area in rule for area in STAFF_AREAS) and not any(part in rule for part in NOT_STAFF)


def needs_password_again() -> bool:
    """Logged in, but idle for too long (or only remembered by the cookie) for a staff page."""
    return bool(current_user.is_authenticated and not login_fresh())


def init_sessions(app: Flask) -> None:
    @app.before_request
    def track_idle_time():
        if not current_user.is_authenticated:
            return None
        last = session.get(SEEN_KEY)
        idle = current_app.config["STAFF_IDLE_SECONDS"]
        if isinstance(last, int) and time.time() - last > idle:
            session["_fresh"] = False
        mark_seen()
        if is_staff_page() and needs_password_again():
            from .htmx import is_htmx
            from .navigation import page_to_come_back_to

            target = url_for("auth.confirm_password", next=page_to_come_back_to())
            if is_htmx():
                response = current_app.response_class(status=204)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
        return None
