"""Accounts: registration, credentials, password-reset tokens."""

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import User
from . import notifications

RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def _dummy_hash() -> str:
    """A hash of nothing, with the configured method: checking it costs what a real check costs."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    cache = current_app.extensions.setdefault("comptoir_dummy_hashes", {})
    if method not in cache:
        cache[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return cache[method]


def register_user(display_name: str, email: str, password: str) -> User | None:
    """Create a resident account and mail its owner; None when the email is already taken.

    Either way the asker learns nothing (same answer, about the same time): the owner of
    an existing account is told by mail that someone tried, with the way to log in.
    """
    existing = find_user_by_email(email)
    if existing is not None:
        check_password_hash(_dummy_hash(), password)  # the time a new account's hash takes
        notifications.send_account_exists(existing)
        db.session.commit()
        return None
    user = User(display_name=display_name.strip(), email=normalise_email(email))
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()  # the welcome mail's link needs the account's id
        notifications.send_welcome(user)
        db.session.commit()  # the account and its welcome mail together
    except IntegrityError:  # the same address registered at the same moment
        db.session.rollback()
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches, else None.

    An unknown address costs a hash check too, so the answer takes the same time.
    """
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password):
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
    """Mail a reset link if the account exists; say nothing either way to the asker.

    The link starts with PUBLIC_BASE_URL, never with the Host of this request. (The time
    the mail takes to send is hidden once mail goes through the outbox, issue 11.)
    """
    user = find_user_by_email(email)
    if user is None:
        return
    notifications.send_reset_link(user, make_reset_token(user))
    db.session.commit()


def set_new_password(user: User, password: str) -> None:
    user.set_password(password)
    db.session.commit()
