"""Outgoing mail, through a backend chosen by configuration.

The default writes mail to the log so a fresh machine needs no SMTP server.
"""

import smtplib
from contextlib import nullcontext
from email.message import EmailMessage

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _

from .urls import public_base_url


def stop_footer() -> str:
    """Every message says how to stop receiving messages (the privacy page explains each kind)."""
    with in_a_locale():
        return _(
            "You receive this message because of what you did on Comptoir. "
            "To stop receiving messages: %(link)s",
            link=public_base_url() + "/privacy#emails-and-texts",
        )


def in_a_locale():
    """The visitor's language in a request; the default one in a command or a worker."""
    if has_request_context():
        return nullcontext()
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def with_footer(body: str) -> str:
    return body.rstrip("\n") + "\n\n-- \n" + stop_footer() + "\n"


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message with the configured backend."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    # A title typed by a resident may hold U+2028 and the like: one line, or no mail at all.
    message["Subject"] = " ".join(subject.splitlines())
    message.set_content(with_footer(body))
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        current_app.logger.info("Mail to %s: %s\n%s", to, subject, body)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
