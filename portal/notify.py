"""Telling people things: by email where we have an address, by SMS where we have a mobile.

Features call `notify()`; which channels exist and how they send is configuration.
`notify()` does not send: it records the message in the outbox (portal/outbox.py), in the
caller's transaction, and a worker sends it once that transaction is committed.
SMS goes through a backend with one method, `send(phone, text)`: the default writes
to the log (no SMS provider is wired yet); tests use the in-memory one.
"""

from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from .mail import in_a_locale
from .urls import public_base_url


def with_sms_footer(text: str) -> str:
    """Every SMS says how to stop receiving them, in as few characters as we can."""
    with in_a_locale():
        return text.rstrip() + " " + _("Stop: %(link)s", link=public_base_url() + "/privacy")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    def send(self, phone: str, text: str) -> None:
        current_app.logger.info("SMS to %s: %s", phone, text)


class MemorySmsBackend:
    def send(self, phone: str, text: str) -> None:
        current_app.extensions.setdefault("sms_outbox", []).append((phone, text))


SMS_BACKENDS = {"log": LogSmsBackend, "memory": MemorySmsBackend}


@dataclass
class Recipient:
    email: str = ""
    mobile: str = ""  # E.164; a landline cannot receive an SMS

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.mobile)


def sms_backend() -> SmsBackend:
    return SMS_BACKENDS[current_app.config["SMS_BACKEND"]]()


def notify(
    recipient: Recipient, subject: str, body: str, sms_text: str | None = None, cafe=None
) -> list[str]:
    """Record a message for every channel the recipient has; returns those channels (maybe none).

    The message joins the caller's transaction (no commit here): it exists if and only if what
    it announces was committed. `cafe` (default: the request's café) is whose staff see it if
    it can never be sent.
    """
    from .outbox import record

    used = []
    if recipient.email:
        used.append("email")
    mobile = recipient.mobile if current_app.config["SMS_ENABLED"] else ""
    if mobile:
        used.append("sms")
    if used:
        record(recipient.email, mobile, subject, body, sms_text or "", cafe=cafe)
    return used
