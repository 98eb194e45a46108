"""Destructive actions ask first, with or without JavaScript.

A destructive button is a link to /confirm?t=<signed token>: a page that says what
will happen to the people concerned, with the real POST form and a way back. With
htmx, the same link POSTs straight to the action after the browser's own
"Are you sure?" (hx-confirm), so nobody confirms twice. The token is signed: nobody
can make the site ask a question of their own with a link of theirs.
"""

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .navigation import page_to_come_back_to

MAX_AGE = 24 * 3600  # a café tablet stays open all day


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="confirm-action")


def confirm_url(
    action: str, question: str, consequence: str = "", button: str = "", back: str | None = None
) -> str:
    """The address of the page that asks `question` before POSTing to `action`."""
    token = _serializer().dumps(
        {
            "a": action,
            "q": str(question),
            "c": str(consequence),
            "b": str(button),
            "r": back or page_to_come_back_to(),
        }
    )
    return url_for("site.confirm", t=token)


def read_confirmation(token: str) -> dict | None:
    """What the confirmation page must ask, or None for a forged or stale link."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not str(data.get("a", "")).startswith("/"):
        return None
    back = str(data.get("r") or "/")
    return {
        "action": data["a"],
        "question": data.get("q", ""),
        "consequence": data.get("c", ""),
        "button": data.get("b", ""),
        "back": back if back.startswith("/") and not back.startswith("//") else "/",
    }


def is_confirmed() -> bool:
    """Whether a POST comes from the confirmation page (or htmx after its dialog)."""
    return request.form.get("confirmed") == "1"
