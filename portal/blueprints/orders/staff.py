"""The counter: the baker's day list, ticking collected orders, closing, ordering for someone."""

from datetime import date, timedelta

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import cafe_role, current_actor, requires
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Role
from . import bp, services
from .forms import (
    StaffOrderForm,
)
from .helpers import parse_day, read_quantities
from .services import OrderRefused

staff_only = requires(cafe_role(Role.STAFF))

# --- the counter ----------------------------------------------------------------------------------------


def _staff_day() -> date:
    return parse_day(request.values.get("date")) or g.cafe.today()


@bp.get("/staff/")
@staff_only
def staff_day():
    cafe = g.cafe
    day = _staff_day()
    return render(
        "orders/staff_day.html",
        private=True,
        day=day,
        listing=services.day_list(cafe, day),
        stock=services.day_stock(cafe, day),
        cutoff=services.cutoff_in_words(cafe, day),
        closed=services.closed_because(cafe, day),
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        price=services.price,
        action_form=ActionForm(),
    )


@bp.get("/staff/baker")
@staff_only
def baker():
    day = _staff_day()
    return render("orders/baker.html", private=True, day=day, listing=services.day_list(g.cafe, day))


def _staff_order_or_404(order_id: int):
    order = services.get_order(g.cafe, order_id)
    if order is None:
        abort(404)
    return order


@bp.post("/staff/orders/<int:order_id>/collected")
@staff_only
def collected(order_id: int):
    order = _staff_order_or_404(order_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    undo = request.form.get("undo") == "1"
    if not services.mark_collected(g.cafe, order, current_user, collected=not undo):
        flash(_("This order changed meanwhile: here is the list as it stands."), "error")
    return redirect_to(url_for(".staff_day", date=order.day.isoformat()) + f"#order-{order.id}")


@bp.post("/staff/orders/<int:order_id>/cancel")
@staff_only
def staff_cancel(order_id: int):
    order = _staff_order_or_404(order_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_order(g.cafe, order, by=current_user, actor=current_actor())
    except OrderRefused:
        flash(_("This order can no longer be cancelled."), "error")
    return redirect_to(url_for(".staff_day", date=order.day.isoformat()))


@bp.post("/staff/close")
@staff_only
def close_day():
    day = parse_day(request.form.get("date"))
    if day is None or not ActionForm().validate_on_submit():
        abort(400)
    marked = services.close_day(g.cafe, day)
    flash(ngettext_marked(marked), "success")
    return redirect_to(url_for(".staff_day", date=day.isoformat()))


def ngettext_marked(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)d order marked not collected.", "%(num)d orders marked not collected.", count)


@bp.route("/staff/order", methods=["GET", "POST"])
@staff_only
def staff_order():
    cafe = g.cafe
    form = StaffOrderForm()
    days = services.open_days(cafe)
    wanted = parse_day(request.values.get("day")) or (days[0].day if days else None)
    products = services.active_products(cafe)
    quantities, errors = read_quantities(products) if request.method == "POST" else ({}, {})
    problem = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit() and not errors and wanted is not None:
            try:
                order, _placed = services.take_order(
                    cafe,
                    wanted,
                    quantities,
                    form.person(),
                    form_key=form.form_key.data,
                    ordered_by=current_user,
                    confirm=True,
                    actor=current_actor(),
                )
            except OrderRefused as refused:
                status = 409 if refused.reason in ("stock", "closed") else 422
                problem = {
                    "stock": _("Not enough left for that day. Change the quantities or the day."),
                    "closed": _("Orders for that day are closed. Choose another day."),
                    "empty": _("Choose at least one item."),
                }.get(refused.reason, _("Choose at least one item."))
                days = services.open_days(cafe)
            else:
                flash(
                    _("Order %(code)s recorded for %(name)s.", code=order.code, name=order.name),
                    "success",
                )
                return redirect_to(url_for(".staff_day", date=order.day.isoformat()) + f"#order-{order.id}")
    form.issue_key()
    return render(
        "orders/staff_order.html",
        private=True,
        status=status,
        form=form,
        days=days,
        day=wanted,
        products=products,
        quantities=quantities,
        errors=errors,
        problem=problem,
        headlines={d.day: services.collect_headline(cafe, d.day) for d in days},
        price=services.price,
    )
