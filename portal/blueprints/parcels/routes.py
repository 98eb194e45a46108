"""Parcels at the counter (/c/<slug>/parcels/): staff only, nothing public."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...access import current_actor
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models.shop import CARRIERS
from . import bp, services
from .forms import ParcelForm


def _page(form=None, status=200):
    cafe = g.cafe
    form = form or ParcelForm(formdata=None)
    form.issue_key()
    return render(
        "parcels/index.html",
        status=status,
        form=form,
        lists=services.counter_lists(cafe),
        today=cafe.today(),
        holds={key: hold for key, (_label, hold) in CARRIERS.items()},
        action_form=ActionForm(),
    )


@bp.get("/")
def index():
    return _page()


@bp.post("/new")
def record():
    form = ParcelForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    parcel = services.record_parcel(
        g.cafe,
        recipient=form.recipient.data,
        phone=form.phone_e164,
        email=form.email.data or "",
        carrier=form.carrier.data,
        keep_until=form.keep_until.data,
        form_key=form.form_key.data,
        actor=current_actor(),
    )
    if parcel.notified_at is not None:
        flash(_("Parcel for %(name)s recorded; they have been told.", name=parcel.recipient), "success")
    elif parcel.phone:
        flash(
            _("Parcel for %(name)s recorded: phone them (see the list below).", name=parcel.recipient),
            "success",
        )
    else:
        flash(
            _("Parcel for %(name)s recorded. Nobody could be told: no contact.", name=parcel.recipient),
            "success",
        )
    return redirect_to(url_for(".index"))


def _parcel_or_404(parcel_id: int):
    parcel = services.get_parcel(g.cafe, parcel_id)
    if parcel is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return parcel


@bp.post("/<int:parcel_id>/collected")
def collected(parcel_id: int):
    parcel = _parcel_or_404(parcel_id)
    if not services.hand_over(g.cafe, parcel, actor=current_actor()):
        flash(_("This parcel is no longer waiting."), "error")
    return redirect_to(url_for(".index"))


@bp.post("/<int:parcel_id>/returned")
def returned(parcel_id: int):
    parcel = _parcel_or_404(parcel_id)
    if not services.return_to_carrier(g.cafe, parcel, actor=current_actor()):
        flash(_("This parcel is no longer waiting."), "error")
    return redirect_to(url_for(".index"))


@bp.post("/return-overdue")
def return_overdue():
    """The carrier's pick-up: every parcel past its deadline goes back, each owner told."""
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.return_overdue(g.cafe, actor=current_actor())
    flash(
        ngettext(
            "%(num)d parcel returned to the carrier; its owner is told when we can.",
            "%(num)d parcels returned to the carrier; their owners are told when we can.",
            count,
        ),
        "success",
    )
    return redirect_to(url_for(".index") + "#gone-heading")


@bp.post("/<int:parcel_id>/phoned")
def phoned(parcel_id: int):
    parcel = _parcel_or_404(parcel_id)
    services.mark_phoned(g.cafe, parcel)
    return redirect_to(url_for(".index") + ("#to-phone" if request.form.get("back") else ""))
