"""The database unreachable (restarting, failing over): a clear 503 "try again", never a trace.

Each host recovers by itself: the pool's pre-ping drops dead connections and the next
request opens new ones.
"""

import contextlib

from flask import Flask, make_response, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError

from .extensions import db

FALLBACK = """<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service momentanément indisponible</title>
<main><h1>Service momentanément indisponible</h1>
<p>Le site est en maintenance pour quelques instants. Réessayez dans une minute&nbsp;: rien n’a été perdu.</p>
<p lang="en">The site is briefly unavailable. Please try again in a minute.</p></main></html>"""


def _unavailable(error):
    with contextlib.suppress(Exception):
        db.session.rollback()
    try:
        from .errors import render_error

        response = render_error(
            503,
            _("The service is briefly unavailable"),
            _("Please try again in a minute: nothing has been lost."),
        )
    except Exception:  # the page itself needed the database (a logged-in header)
        response = make_response(FALLBACK, 503)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Retry-After"] = "30"
    response.headers["Cache-Control"] = "no-store"
    from flask import current_app

    current_app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error)
    return response


def is_connection_problem(error: Exception) -> bool:
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def init_app(app: Flask) -> None:
    # Runs before Flask-SQLAlchemy's own teardown (registered earlier): closing a session whose
    # connection the restart killed must not turn an answered request into a bare 500.
    @app.teardown_appcontext
    def close_session_quietly(exception=None):
        try:
            db.session.remove()
        except Exception as error:
            app.logger.warning("Closing a database session failed (%s); dropped", error)
            db.session.registry.clear()

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        return _unavailable(error)

    @app.errorhandler(InterfaceError)
    def connection_closed(error):
        return _unavailable(error)

    @app.errorhandler(PendingRollbackError)
    def session_after_a_lost_connection(error):
        return _unavailable(error)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        if error.connection_invalidated or "connection" in str(error.orig).lower():
            return _unavailable(error)
        app.logger.exception("Database error on %s %s", request.method, request.path)
        from .errors import render_error

        return render_error(
            500,
            _("Something went wrong on our side"),
            _("The error has been recorded. Please try again in a moment."),
        )
