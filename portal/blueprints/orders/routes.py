"""Bread orders: residents order without an account (/c/<slug>/bread/), change or cancel by link."""

from datetime import date

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import current_actor
from ...extensions import db, limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from . import bp, services
from .forms import (
    ContactForm,
)
from .helpers import parse_day, read_quantities
from .services import OrderRefused


def _order_page(template, *, day, status=200, **context):
    """The order form of one collection day (or, when it closed, a choice of open days)."""
    cafe = g.cafe
    open_day = services.collection_day(cafe, day) if day else None
    context.setdefault("form", ContactForm())
    context["form"].issue_key()
    context.setdefault("quantities", {})
    context.setdefault("errors", {})
    alternatives = context.pop("alternatives", None)
    if open_day is None and alternatives is None:
        alternatives = services.open_days(cafe)
    products = open_day.products if open_day else services.active_products(cafe)
    return render(
        template,
        # What a resident typed (their name, their phone) comes back on a refused order.
        private=request.method == "POST",
        status=status,
        day=day,
        open_day=open_day,
        products=products,
        left=open_day.left if open_day else {},
        alternatives=alternatives or [],
        headline=services.collect_headline(cafe, day) if day else "",
        price=services.price,
        **context,
    )


# --- residents --------------------------------------------------------------------------------------


@bp.get("/")
def index():
    cafe = g.cafe
    days = services.open_days(cafe)
    return render(
        "orders/index.html",
        days=days,
        headlines={d.day: services.collect_headline(cafe, d.day) for d in days},
        has_products=bool(days) or bool(services.active_products(cafe)),
    )


@bp.get("/<day>/")
def day(day: str):
    wanted = parse_day(day)
    if wanted is None:
        abort(404)
    problem = None
    if services.collection_day(g.cafe, wanted) is None:
        reason = services.closed_because(g.cafe, wanted)
        problem = (
            _("No bread on %(day)s: %(reason)s.", day=services.day_in_words(wanted), reason=reason)
            if reason
            else _("Orders for %(day)s are closed. Choose another day:", day=services.day_in_words(wanted))
        )
    return _order_page("orders/day.html", day=wanted, problem=problem)


def _refused(refused: OrderRefused, day: date, form, quantities, template="orders/day.html", **context):
    """Say why the order could not be taken, keep what was typed, and offer what can be had."""
    cafe = g.cafe
    if refused.reason == "stock":
        short = [
            p for p in services.active_products(cafe) if quantities.get(p.id, 0) > refused.left.get(p.id, 0)
        ]
        names = ", ".join(
            _("%(num)d %(product)s", num=refused.left.get(p.id, 0), product=p.name) for p in short
        )
        problem = _(
            "Sorry, not enough left for %(day)s: only %(left)s. Change the quantities or choose another day.",
            day=services.day_in_words(day),
            left=names,
        )
        return _order_page(
            template, day=day, status=409, form=form, quantities=quantities, problem=problem, **context
        )
    if refused.reason == "closed":
        reason = services.closed_because(cafe, day)
        problem = (
            _("No bread on %(day)s: %(reason)s.", day=services.day_in_words(day), reason=reason)
            if reason
            else _(
                "Orders for %(day)s closed on %(cutoff)s. Your order was not taken: "
                "choose another day below.",
                day=services.day_in_words(day),
                cutoff=services.cutoff_in_words(cafe, day),
            )
        )
        return _order_page(
            template,
            day=None,
            status=409,
            form=form,
            quantities=quantities,
            problem=problem,
            alternatives=services.open_days(cafe),
            **context,
        )
    problem = _("Choose at least one item.")
    return _order_page(
        template, day=day, status=422, form=form, quantities=quantities, problem=problem, **context
    )


@bp.post("/order")
@limiter.limit("20 per 10 minutes")
def place():
    cafe = g.cafe
    form = ContactForm()
    wanted = parse_day(request.form.get("day"))
    quantities, errors = read_quantities(services.active_products(cafe))
    valid = form.validate_on_submit()
    if wanted is None:
        return _order_page(
            "orders/day.html",
            day=None,
            status=422,
            form=form,
            quantities=quantities,
            errors=errors,
            problem=_("Choose the day you will collect your bread."),
            alternatives=services.open_days(cafe),
        )
    if not valid or errors:
        return _order_page(
            "orders/day.html", day=wanted, status=422, form=form, quantities=quantities, errors=errors
        )
    try:
        order, _placed = services.take_order(
            cafe,
            wanted,
            quantities,
            form.person(),
            form_key=form.form_key.data,
            confirm=True,
            actor=current_actor(),
        )
    except OrderRefused as refused:
        return _refused(refused, wanted, form, quantities)
    return redirect_to(url_for(".order", order_token=order.token, new=1))


def _order_or_404(token: str):
    order = services.order_by_token(g.cafe, token)
    if order is None:
        abort(404)
    return order


def _show_order(order, status=200, **context):
    cafe = g.cafe
    return render(
        "orders/order.html",
        private=True,
        status=status,
        order=order,
        headline=services.collect_headline(cafe, order.day),
        cutoff=services.cutoff_in_words(cafe, order.day),
        can_change=services.can_change(cafe, order),
        products=[p for p in services.active_products(cafe) if p.sold_on(order.day)],
        left=services.stock_left(cafe, order.day),
        mine={line.product_id: line.quantity for line in order.lines},
        price=services.price,
        action_form=ActionForm(),
        **context,
    )


@bp.get("/o/<order_token>")
def order(order_token: str):
    return _show_order(_order_or_404(order_token), new=request.args.get("new") == "1")


@bp.post("/o/<order_token>/change")
def change(order_token: str):
    token = order_token
    order = _order_or_404(token)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    products = [p for p in services.active_products(g.cafe) if p.sold_on(order.day)]
    quantities, errors = read_quantities(products)
    if errors:
        return _show_order(order, status=422, errors=errors, typed=quantities)
    try:
        services.change_order(g.cafe, order, quantities)
    except OrderRefused as refused:
        db.session.expire_all()
        order = _order_or_404(token)
        messages = {
            "closed": _(
                "Orders for this day are closed: it can no longer be changed. Call the café if needed."
            ),
            "stock": _("Sorry, not that many left. Your order is unchanged."),
            "empty": _("To order nothing, cancel the order."),
            "changed": _("This order was changed meanwhile. Here it is as it stands."),
        }
        return _show_order(order, status=409, problem=messages[refused.reason], typed=quantities)
    flash(_("Your order is changed."), "success")
    return redirect_to(url_for(".order", order_token=token))


@bp.post("/o/<order_token>/cancel")
def cancel(order_token: str):
    token = order_token
    order = _order_or_404(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_order(g.cafe, order, actor=current_actor())
    except OrderRefused:
        db.session.expire_all()
        return _show_order(
            _order_or_404(token),
            status=409,
            problem=_(
                "Orders for this day are closed: it can no longer be cancelled. Call the café if needed."
            ),
        )
    flash(_("Your order is cancelled."), "success")
    return redirect_to(url_for(".order", order_token=token))


@bp.context_processor
def shop_words():
    from ...models import WEEKDAYS

    return {"WEEKDAYS": WEEKDAYS, "headline_of": lambda day: services.collect_headline(g.cafe, day)}
