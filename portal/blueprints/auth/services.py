"""Accounts: registration, credentials, password-reset tokens."""

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ...extensions import db
from ...mail import send_mail
from ...models import User

RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register_user(display_name: str, email: str, password: str) -> User | None:
    """Create a resident account; None when the email is already taken."""
    if find_user_by_email(email) is not None:
        return None
    user = User(display_name=display_name.strip(), email=normalise_email(email))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches, else None (same answer for unknown emails)."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        return None
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "pw": user.password_fingerprint})


def user_from_reset_token(token: str) -> User | None:
    """The user a reset link was made for, if it is recent and still unused."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_fingerprint != data.get("pw"):
        return None
    return user


def send_reset_email(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way to the asker."""
    user = find_user_by_email(email)
    if user is None:
        return
    link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    send_mail(
        user.email,
        _("Reset your Comptoir password"),
        _(
            "Hello %(name)s,\n\nTo choose a new password, open this link within %(minutes)d minutes:\n"
            "%(link)s\n\n"
            "If you did not ask for it, ignore this message: your password stays the same.",
            name=user.display_name,
            minutes=minutes,
            link=link,
        ),
    )


def set_new_password(user: User, password: str) -> None:
    user.set_password(password)
    db.session.commit()
