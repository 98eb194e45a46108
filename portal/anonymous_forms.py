"""Forms for visitors who have no session: one signed form token, no cookie.

A visitor's first page used to make them a session (a cookie) just to hold their form token,
so every first visit wrote a signed cookie and could not share the cached page. Now a visitor
who holds no token in a session (not logged in, no remember cookie) gets the *anonymous*
token: signed by the site, the same for everyone for an hour, and accepted only

- from a visitor in that same state (never for a logged-in person, nor for a session that
  holds a token of its own: theirs is required then), and
- when the browser says the form was sent from this site (`Sec-Fetch-Site`, `Origin`;
  on HTTPS, Flask-WTF's same-origin Referer check applies too).

Such a request carries no authority (no account, nothing in a session), so what a per-visitor
token would add is only against "log in / register from another site", which the browser's
origin headers stop. Everyone else keeps Flask-WTF's per-session token.
"""

import re
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect as _CSRFProtect
from itsdangerous import BadData, URLSafeTimedSerializer

SALT = "comptoir-anonymous-form"
PAYLOAD = "anonymous"
_tokens: dict[tuple[str, int], str] = {}


def _secret(app: Flask) -> str:
    return app.config.get("WTF_CSRF_SECRET_KEY") or app.config["SECRET_KEY"]


def anonymous_token(app: Flask, now: float | None = None) -> str:
    """This hour's anonymous form token (made once per hour and process)."""
    hour = int(now if now is not None else time.time()) // 3600 * 3600
    secret = _secret(app)
    token = _tokens.get((secret, hour))
    if token is None:

        class Hourly(URLSafeTimedSerializer):
            default_signer = type(
                "HourlySigner", (URLSafeTimedSerializer.default_signer,), {"get_timestamp": lambda self: hour}
            )

        token = Hourly(secret, salt=SALT).dumps(PAYLOAD)
        if len(_tokens) > 16:
            _tokens.clear()
        _tokens[(secret, hour)] = token
    return token


def anonymous_pattern(app: Flask) -> re.Pattern:
    """Any hour's anonymous token (a page computed at 9:59 and stored at 10:00 still matches)."""
    head = anonymous_token(app).split(".")[0]
    return re.compile(re.escape(head.encode()) + rb"\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def is_anonymous_token(app: Flask, token: str) -> bool:
    limit = app.config.get("WTF_CSRF_TIME_LIMIT")
    try:
        payload = URLSafeTimedSerializer(_secret(app), salt=SALT).loads(
            token, max_age=limit + 3600 if limit else None
        )
    except BadData:
        return False
    return payload == PAYLOAD


def without_session_token() -> bool:
    """Not logged in, no remember cookie, no form token in a session: the anonymous token's visitor."""
    from flask_login import current_user

    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        field not in session
        and not request.cookies.get(remember)
        and not current_user.is_authenticated
    )


def sent_from_this_site() -> bool:
    """What the browser says about where the form was: absent (old browsers, tools) is allowed."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    # Hosts compared without ports: a proxy's Host may leave out a port the browser showed.
    return origin is None or urlsplit(origin).hostname == urlsplit("//" + request.host).hostname


class CSRFProtect(_CSRFProtect):
    """Flask-WTF's protection, plus the anonymous token for visitors without a session token."""

    def protect(self, apply_exemptions=False):
        app = current_app
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method in app.config["WTF_CSRF_METHODS"]:
            token = self._get_csrf_token()
            if token and is_anonymous_token(app, token) and without_session_token():
                if not sent_from_this_site():
                    self._error_response("The form was sent from another site.")
                return self._accept_anonymous()
        return super().protect(apply_exemptions=False)

    def _accept_anonymous(self):
        from flask_wtf.csrf import same_origin

        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True


def init_app(app: Flask) -> None:
    @app.before_request
    def anonymous_form_token():
        """Pages for a visitor without a session token carry the anonymous one: no session
        is written for them (no cookie), so the page is the same for all of them."""
        field = app.config["WTF_CSRF_FIELD_NAME"]
        if field not in g and without_session_token():
            setattr(g, field, anonymous_token(app))
