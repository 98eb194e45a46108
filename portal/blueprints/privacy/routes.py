"""The privacy notice (site-wide and per café), the legal notice, download my data, erase my account."""

from flask import flash, g, make_response, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ...access import logged_in, requires
from ...extensions import db, limiter
from ...htmx import mark_private, redirect_to, render
from . import bp, cafe_bp, erasure, export, services
from .forms import DeleteAccountForm, RecordForm


def _privacy_page(cafe=None):
    return render(
        "privacy/page.html",
        sections=services.sections(),
        months=services.retention_months(cafe),
        parcel_days=services.parcel_days(cafe),
        max_months=services.MAX_RETENTION_MONTHS,
        operator=services.operator(),
        privacy_cafe=cafe,
    )


@bp.get("/privacy")
def page():
    return _privacy_page()


@cafe_bp.get("", endpoint="page")
def cafe_page():
    return _privacy_page(g.cafe)


@bp.get("/legal")
def legal():
    return render("privacy/legal.html", operator=services.operator())


# --- download my data ------------------------------------------------------------------------------


def _zip_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return mark_private(response)


@bp.get("/account/data.zip")
@requires(logged_in)
def download():
    return _zip_response(export.account_archive(current_user), "comptoir-mes-donnees.zip")


@cafe_bp.route("/record", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], per_method=True)
def one_record():
    """Someone without an account downloads what the café keeps about one booking or RSVP."""
    form = RecordForm()
    if form.validate_on_submit():
        record = services.find_record(g.cafe, form.code.data, form.contact.data)
        if record is not None:
            return _zip_response(export.record_archive(record), f"comptoir-{record.code}.zip")
        form.code.errors.append(
            _("No appointment or event reply of this café has this code with this phone number or address.")
        )
    status = 422 if request.method == "POST" else 200
    return render("privacy/record.html", form=form, status=status, private=True)


# --- erase my account ------------------------------------------------------------------------------


@bp.route("/account/delete", methods=["GET", "POST"])
@requires(logged_in)
def delete_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    blocking = erasure.cafes_needing_a_manager(user)
    if form.validate_on_submit() and not blocking:
        if not user.check_password(form.password.data):
            form.password.errors.append(_("This is not your password."))
        else:
            try:
                services.erase_account(user)
            except erasure.LastManager as error:
                db.session.rollback()
                blocking = error.cafes
            else:
                logout_user()
                session.clear()
                flash(_("Your account has been erased. Goodbye, and thank you."), "success")
                return redirect_to(url_for("directory.index"))
    status = 422 if request.method == "POST" else 200
    return render(
        "privacy/delete.html",
        form=form,
        blocking=blocking,
        upcoming=services.upcoming(user),
        status=status,
        private=True,
    )
