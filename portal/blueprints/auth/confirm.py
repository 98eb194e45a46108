"""Confirming an account's email address: a new account may post once its owner opened the link.

Only the owner of an address can open what is sent to it, so a stranger cannot post
under someone else's address, nor later download the bookings made with it.
"""

from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from ...access import logged_in, requires
from ...claims import updated_rows
from ...extensions import db, limiter
from ...htmx import redirect_to, render
from ...models import User, utcnow
from ...urls import external_url
from . import bp, notifications

CONFIRM_SALT = "email-confirm"
CONFIRM_DAYS = 7


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def make_token(user: User) -> str:
    # The address is in the token: a link sent to an old address cannot confirm a new one.
    return _serializer().dumps({"id": user.id, "email": user.email})


def send_confirmation(user: User) -> None:
    """Mail the link that confirms the account's address."""
    link = external_url("auth.confirm_email", token=make_token(user))
    notifications.send_confirmation(user, link, CONFIRM_DAYS)
    db.session.commit()


def confirm(token: str) -> User | None:
    """The account the link confirms (now confirmed), or None if the link is bad or too old."""
    try:
        data = _serializer().loads(token, max_age=CONFIRM_DAYS * 24 * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.anonymised_at is not None or user.email != data.get("email"):
        return None
    updated_rows(
        update(User)
        .where(User.id == user.id, User.email_confirmed_at.is_(None))
        .values(email_confirmed_at=utcnow())
    )
    db.session.commit()
    return user


def needed_page():
    """What someone sees when they try to post before confirming their address (403)."""
    return render("auth/confirm_needed.html", status=403)


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    if confirm(token) is None:
        flash(_("This confirmation link has expired or is not valid. Log in to get a new one."), "error")
    else:
        flash(_("Thank you: your address is confirmed."), "success")
    return redirect_to(url_for("directory.index"))


@bp.post("/confirm/resend")
@requires(logged_in)
@limiter.limit("3 per hour", key_func=lambda: f"confirm:{current_user.id}")
def resend_confirmation():
    if not current_user.email_confirmed:
        send_confirmation(current_user)
    flash(_("We have sent the link again to %(email)s.", email=current_user.email), "success")
    return redirect_to(url_for("directory.index"))
