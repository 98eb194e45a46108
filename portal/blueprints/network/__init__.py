from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/network")


@bp.after_request
def _no_store(response):
    # Staff pages show names, email addresses and the activity log: never cached.
    response.headers["Cache-Control"] = "no-store"
    return response


from . import routes  # noqa: E402,F401
