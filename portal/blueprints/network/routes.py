"""The network team's area: /network/ (network admins only: see __init__.py)."""

from flask import flash, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Cafe
from ...paging import page_arg
from . import bp, services
from .forms import AppointManagerForm, CafeForm


def _cafe_or_404(cafe_id: int) -> Cafe:
    return db.get_or_404(Cafe, cafe_id)


def _index_page(appoint_form=None, appoint_cafe_id=None):
    return render(
        "network/index.html",
        cafes=services.all_cafes(),
        action_form=ActionForm(),
        appoint_form=appoint_form or AppointManagerForm(formdata=None),
        appoint_cafe_id=appoint_cafe_id,
    )


@bp.get("/")
def index():
    return _index_page()


@bp.route("/cafes/new", methods=["GET", "POST"])
def new_cafe():
    form = CafeForm()
    if form.validate_on_submit():
        if services.slug_taken(form.slug.data):
            form.slug.errors.append(_("Another café already uses this address."))
        elif form.manager_email.data and services.find_user_by_email(form.manager_email.data) is None:
            form.manager_email.errors.append(_("No account uses this address yet."))
        else:
            cafe = services.create_cafe(
                form.name.data,
                form.slug.data,
                form.village.data,
                form.postcode.data,
                form.department.data,
                form.timezone.data,
            )
            if form.manager_email.data:
                services.appoint_manager(cafe, form.manager_email.data)
            flash(_("The café %(name)s is open on Comptoir.", name=cafe.name), "success")
            return redirect_to(url_for(".index"))
    return render("network/new_cafe.html", form=form)


@bp.post("/cafes/<int:cafe_id>/close")
def close_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    services.close_cafe(cafe)
    flash(_("%(name)s is closed: it no longer appears in the directory.", name=cafe.name), "success")
    return redirect_to(url_for(".index"))


@bp.post("/cafes/<int:cafe_id>/reopen")
def reopen_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    services.reopen_cafe(cafe)
    flash(_("%(name)s is open again.", name=cafe.name), "success")
    return redirect_to(url_for(".index"))


@bp.post("/cafes/<int:cafe_id>/manager")
def appoint_manager(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    form = AppointManagerForm()
    if form.validate_on_submit():
        user = services.appoint_manager(cafe, form.email.data)
        if user is not None:
            flash(_("%(name)s now manages %(cafe)s.", name=user.display_name, cafe=cafe.name), "success")
            return redirect_to(url_for(".index"))
        form.email.errors.append(_("No account uses this address yet."))
    return _index_page(appoint_form=form, appoint_cafe_id=cafe.id)


@bp.get("/audit")
def audit_log():
    page = page_arg()
    return render("network/audit.html", entries=services.network_audit_log(page))
