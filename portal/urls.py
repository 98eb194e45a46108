"""Links that leave the site (emails, SMS, calendar feeds, QR codes).

They are built from the configured public address (`PUBLIC_BASE_URL`), never from the
Host header of the request that caused them: a forged Host must not end up in a reset link.
"""

from flask import current_app, has_request_context, request, url_for


def public_base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for `endpoint` on the public site (in a request or a CLI command)."""
    if has_request_context():
        path = url_for(endpoint, **values)[len(request.script_root) :]
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_base_url() + path
