"""Friendly error pages in the user's language, never a bare stack trace."""

from datetime import timedelta

from flask import Flask, make_response, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .htmx import is_htmx
from .ratelimits import retry_after_seconds


def _titles():
    return {
        400: _("This request could not be understood"),
        401: _("Please log in"),
        403: _("You are not allowed to do this"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def _explanations():
    return {
        400: _("Please go back and try again."),
        401: _("You need to be logged in to see this page."),
        403: _(
            "Your account does not give access to this page. If you think it should, ask the café manager."
        ),
        404: _(
            "This page does not exist or is no longer available. "
            "Check the address, or start from the list of cafés."
        ),
        405: _("Please use the buttons and links of the site."),
        429: _("You tried too many times in a short while. Please wait a few minutes, then try again."),
        500: _("The error has been recorded. Please try again in a moment."),
    }


def _resubmittable_fields() -> list[tuple[str, str]]:
    """What the user typed, so an expired form can be sent again without retyping.

    Passwords are left out: they must not end up in an HTML page.
    """
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and "password" not in name
    ]


def render_error(status: int, title: str, message: str, **extra):
    if is_htmx():
        # Show the message in the page's alert region rather than swapping a whole page in.
        body = render_template("errors/_alert.html", title=title, message=message)
        response = make_response(body, status)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        body = render_template("errors/error.html", status=status, title=title, message=message, **extra)
        response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _("This form has expired"),
            _(
                "For your security, forms expire after a while. "
                "Nothing has been saved yet: press the button below to send it again."
            ),
            resubmit_fields=_resubmittable_fields() if request.method == "POST" else None,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        explanation = _explanations().get(status, _("Please go back and try again."))
        wait = retry_after_seconds() if status == 429 else None
        if wait is not None:
            explanation = _(
                "You tried too many times in a short while. Please try again in %(wait)s.",
                wait=format_timedelta(timedelta(seconds=wait), add_direction=False),
            )
        response = render_error(status, _titles().get(status, error.name), explanation)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        if status == 401 and is_htmx() and error.description and error.description.startswith("/"):
            response.headers["HX-Redirect"] = error.description
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500, _titles()[500], _explanations()[500])
