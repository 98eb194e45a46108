"""The one message personal-data rules send: an unused account is about to be erased."""

from contextlib import nullcontext
from datetime import date

from flask import current_app, has_request_context, render_template
from flask_babel import gettext as _

from ...formatting import short_date
from ...mail import in_a_locale
from ...models import User
from ...notify import Recipient, notify
from ...urls import external_url


def unused_account_warning(user: User, deadline: date) -> None:
    """Warn the owner of an account unused for 2 years that it will be erased after `deadline`."""
    # Sent by the daily command: templates need a request, in the site's default language.
    context = nullcontext() if has_request_context() else current_app.test_request_context()
    with context, in_a_locale():
        body = render_template(
            "privacy/email/unused_account.txt",
            deadline=short_date(deadline),
            login_link=external_url("auth.login"),
        )
        notify(Recipient(email=user.email), _("Your Comptoir account will be erased"), body)
