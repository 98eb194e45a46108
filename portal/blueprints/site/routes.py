"""Health check and the visitor's preferences (language, text size)."""

from flask import Response, abort, current_app, jsonify, request, session, url_for
from sqlalchemy import text

from ... import seo
from ...confirm import read_confirmation
from ...extensions import db
from ...htmx import redirect_to, render
from ...navigation import safe_next_url
from . import bp


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/robots.txt")
def robots():
    return Response(seo.robots_txt(), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    response = render("site/sitemap.xml", urls=seo.sitemap_urls())
    response.mimetype = "application/xml"
    return response


@bp.post("/preferences/language")
def language():
    # CSRFProtect has already checked the token of every POST.
    if request.form.get("lang") in current_app.config["LANGUAGES"]:
        session["lang"] = request.form["lang"]
    return redirect_to(safe_next_url(request.form.get("next"), url_for("directory.index")))


@bp.post("/preferences/text-size")
def text_size():
    session["large_text"] = request.form.get("size") == "large"
    return redirect_to(safe_next_url(request.form.get("next"), url_for("directory.index")))


@bp.get("/confirm")
def confirm():
    """Ask before a destructive action: what happens, to whom; the real form; a way back."""
    asked = read_confirmation(request.args.get("t", ""))
    if asked is None:
        abort(404)
    return render("confirm.html", private=True, **asked)
