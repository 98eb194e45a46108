"""The mails about an account: reset links, and "someone tried to register with your address".

Links are built with `external_url` (the configured public address), never from the Host
header of the request that asked for them.
"""

from flask import current_app, render_template
from flask_babel import gettext as _

from ...models import User
from ...notify import Recipient, notify
from ...urls import external_url


def send_reset_link(user: User, token: str) -> None:
    link = external_url("auth.reset_password", token=token)
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    body = render_template("auth/email/reset_password.txt", user=user, link=link, minutes=minutes)
    notify(Recipient(email=user.email), _("Reset your Comptoir password"), body)


def send_account_exists(user: User) -> None:
    """Someone (maybe the owner, maybe not) tried to open an account with this address."""
    body = render_template(
        "auth/email/account_exists.txt",
        user=user,
        login_link=external_url("auth.login"),
        reset_link=external_url("auth.reset_request"),
    )
    notify(Recipient(email=user.email), _("You already have a Comptoir account"), body)


def send_welcome(user: User) -> None:
    """The new account's first mail: it confirms the address (the account may post once opened)."""
    from .confirm import CONFIRM_DAYS, make_token

    body = render_template(
        "auth/email/welcome.txt",
        user=user,
        login_link=external_url("auth.login"),
        confirm_link=external_url("auth.confirm_email", token=make_token(user)),
        days=CONFIRM_DAYS,
    )
    notify(Recipient(email=user.email), _("Welcome to Comptoir"), body)


def send_confirmation(user: User, confirm_link: str, days: int) -> None:
    """The link that confirms the account's address, sent again on request."""
    body = render_template("auth/email/confirm_address.txt", user=user, confirm_link=confirm_link, days=days)
    notify(Recipient(email=user.email), _("Confirm your address on Comptoir"), body)
