"""Standing orders: the same bread on chosen days, paused for holidays (/c/<slug>/bread/regular)."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import current_actor
from ...extensions import limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from . import bp, services
from .forms import (
    PauseForm,
    StandingOrderForm,
)
from .helpers import read_quantities

# --- standing orders ---------------------------------------------------------------------------------


@bp.route("/regular", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", methods=["POST"], per_method=True)
def regular():
    cafe = g.cafe
    form = StandingOrderForm()
    products = services.active_products(cafe)
    quantities, errors = read_quantities(products) if request.method == "POST" else ({}, {})
    problem = None
    if request.method == "POST" and form.validate_on_submit() and not errors:
        if not quantities:
            problem = _("Choose at least one item.")
        else:
            standing = services.create_standing_order(
                cafe,
                weekdays="".join(form.weekdays.data),
                quantities=quantities,
                form_key=form.form_key.data,
                **form.person(),
            )
            return redirect_to(url_for(".standing", standing_token=standing.token, new=1))
    status = 422 if request.method == "POST" else 200
    form.issue_key()
    return render(
        "orders/regular.html",
        private=request.method == "POST",
        status=status,
        form=form,
        products=products,
        quantities=quantities,
        errors=errors,
        problem=problem,
        price=services.price,
    )


def _standing_or_404(token: str):
    standing = services.standing_by_token(g.cafe, token)
    if standing is None:
        abort(404)
    return standing


def _show_standing(standing, status=200, pause_form=None, **context):
    cafe = g.cafe
    upcoming = services.standing_upcoming(cafe, standing)
    return render(
        "orders/standing.html",
        private=True,
        status=status,
        standing=standing,
        upcoming=upcoming,
        short=services.shortfalls(cafe, standing=standing, since=cafe.today()),
        headlines={o.day: services.collect_headline(cafe, o.day) for o in upcoming},
        pause_form=pause_form or PauseForm(),
        action_form=ActionForm(),
        price=services.price,
        **context,
    )


@bp.get("/r/<standing_token>")
def standing(standing_token: str):
    return _show_standing(_standing_or_404(standing_token), new=request.args.get("new") == "1")


@bp.post("/r/<standing_token>/pause")
def pause(standing_token: str):
    token = standing_token
    standing = _standing_or_404(token)
    form = PauseForm()
    if not form.validate_on_submit():
        return _show_standing(standing, status=422, pause_form=form)
    services.pause_standing_order(
        g.cafe, standing, form.first_day.data, form.last_day.data, actor=current_actor()
    )
    flash(_("Paused: no bread on those days."), "success")
    return redirect_to(url_for(".standing", standing_token=token))


@bp.post("/r/<standing_token>/pauses/<int:pause_id>/delete")
def unpause(standing_token: str, pause_id: int):
    token = standing_token
    standing = _standing_or_404(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not services.remove_pause(g.cafe, standing, pause_id, actor=current_actor()):
        abort(404)
    flash(_("The pause is removed."), "success")
    return redirect_to(url_for(".standing", standing_token=token))


@bp.post("/r/<standing_token>/stop")
def stop(standing_token: str):
    token = standing_token
    standing = _standing_or_404(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.stop_standing_order(g.cafe, standing, actor=current_actor())
    flash(_("Your regular order is stopped."), "success")
    return redirect_to(url_for(".standing", standing_token=token))
