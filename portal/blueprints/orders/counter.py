"""Counter mode: the café's tablet takes a bread order in three big steps, without a login."""

from flask import abort, flash, g, request, session, url_for
from flask_babel import gettext as _

from ...access import Check, cafe_role, counter_mode, current_actor, requires
from ...htmx import redirect_to, render
from ...models import Role
from . import bp, services
from .forms import (
    CounterOrderForm,
)
from .helpers import parse_day, read_quantities
from .services import OrderRefused

# --- counter mode: the café's tablet, three big steps, no login -------------------------------------

# The tablet a staff member put in counter mode, or the team themselves (who may log in first).
_counter_or_team = counter_mode | cafe_role(Role.HELPER)
counter_view = requires(Check(_counter_or_team.name, _counter_or_team.test, needs_login=True))
COUNTER_LAST = "counter_bread_last"


@bp.get("/counter/")
@counter_view
def counter():
    cafe = g.cafe
    session.pop(COUNTER_LAST, None)
    days = [d for d in services.open_days(cafe) if d.any_left]
    return render(
        "orders/counter_days.html",
        private=True,
        days=days,
        headlines={d.day: services.collect_headline(cafe, d.day) for d in days},
    )


@bp.route("/counter/<day>/", methods=["GET", "POST"])
@counter_view
def counter_order(day: str):
    cafe = g.cafe
    wanted = parse_day(day)
    if wanted is None:
        abort(404)
    open_day = services.collection_day(cafe, wanted)
    if open_day is None:
        flash(_("Orders for this day are closed. Choose another day."), "error")
        return redirect_to(url_for(".counter"))
    form = CounterOrderForm()
    quantities, errors = read_quantities(open_day.products) if request.method == "POST" else ({}, {})
    problem = None
    if request.method == "POST" and form.validate_on_submit() and not errors:
        try:
            order, _placed = services.take_order(
                cafe, wanted, quantities, form.person(), form_key=form.form_key.data, actor=current_actor()
            )
        except OrderRefused as refused:
            if refused.reason == "closed":
                flash(_("Orders for this day are closed. Choose another day."), "error")
                return redirect_to(url_for(".counter"))
            problem = (
                _("Sorry, not that many left. Change the quantities.")
                if refused.reason == "stock"
                else _("Choose at least one item.")
            )
            open_day = services.collection_day(cafe, wanted) or open_day
        else:
            session[COUNTER_LAST] = order.id
            return redirect_to(url_for(".counter_done"))
    status = 200 if request.method == "GET" else 422
    form.issue_key()
    return render(
        "orders/counter_order.html",
        private=True,
        status=status,
        form=form,
        day=wanted,
        products=open_day.products,
        left=open_day.left,
        quantities=quantities,
        errors=errors,
        problem=problem,
        headline=services.collect_headline(cafe, wanted),
        price=services.price,
    )


@bp.get("/counter/done")
@counter_view
def counter_done():
    order_id = session.get(COUNTER_LAST)
    order = services.get_order(g.cafe, order_id) if order_id else None
    if order is None:
        return redirect_to(url_for(".counter"))
    return render(
        "orders/counter_done.html",
        private=True,
        order=order,
        headline=services.collect_headline(g.cafe, order.day),
        price=services.price,
    )
