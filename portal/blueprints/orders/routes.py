"""Bread orders: residents order without an account (/c/<slug>/bread/), staff run the counter."""

from datetime import date, timedelta
from decimal import Decimal

from flask import abort, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import Check, cafe_role, counter_mode, requires
from ...extensions import db, limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Role
from . import bp, notifications, services
from .forms import (
    MAX_PER_PRODUCT,
    ContactForm,
    CounterOrderForm,
    DayQuantityForm,
    PauseForm,
    ProductForm,
    SettingsForm,
    StaffOrderForm,
    StandingOrderForm,
)
from .services import OrderRefused

staff_only = requires(cafe_role(Role.STAFF))
# The products and the stock of a day are public; every other page shows or takes a name.
CACHEABLE = {"cafe.orders.index", "cafe.orders.day"}


@bp.after_request
def personal_pages_are_not_stored(response):
    if request.endpoint not in CACHEABLE:
        response.headers["Cache-Control"] = "no-store"
    return response


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _read_quantities(products) -> tuple[dict[int, int], dict[int, str]]:
    """The quantity typed for each product (empty is 0), and an error per bad one."""
    quantities, errors = {}, {}
    for product in products:
        raw = (request.form.get(f"q-{product.id}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > MAX_PER_PRODUCT:
            errors[product.id] = _("Type a number from 0 to %(max)d.", max=MAX_PER_PRODUCT)
            continue
        if int(raw):
            quantities[product.id] = int(raw)
    return quantities, errors


def _order_page(template, *, day, status=200, **context):
    """The order form of one collection day (or, when it closed, a choice of open days)."""
    cafe = g.cafe
    open_day = services.collection_day(cafe, day) if day else None
    context.setdefault("form", ContactForm())
    context.setdefault("quantities", {})
    context.setdefault("errors", {})
    alternatives = context.pop("alternatives", None)
    if open_day is None and alternatives is None:
        alternatives = services.open_days(cafe)
    products = open_day.products if open_day else services.active_products(cafe)
    return render(
        template,
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
    wanted = _parse_day(day)
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
    wanted = _parse_day(request.form.get("day"))
    quantities, errors = _read_quantities(services.active_products(cafe))
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
    person = form.person()
    order = services.same_order(cafe, wanted, quantities, **person)
    if order is None:
        try:
            order = services.place_order(cafe, wanted, quantities, **person)
        except OrderRefused as refused:
            again = services.same_order(cafe, wanted, quantities, **person)
            if again is None:
                return _refused(refused, wanted, form, quantities)
            order = again
        else:
            notifications.send_confirmation(cafe, order)
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
    quantities, errors = _read_quantities(products)
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
        services.cancel_order(g.cafe, order)
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


# --- standing orders ---------------------------------------------------------------------------------


@bp.route("/regular", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", methods=["POST"], per_method=True)
def regular():
    cafe = g.cafe
    form = StandingOrderForm()
    products = services.active_products(cafe)
    quantities, errors = _read_quantities(products) if request.method == "POST" else ({}, {})
    problem = None
    if request.method == "POST" and form.validate_on_submit() and not errors:
        if not quantities:
            problem = _("Choose at least one item.")
        else:
            standing = services.create_standing_order(
                cafe, weekdays="".join(form.weekdays.data), quantities=quantities, **form.person()
            )
            return redirect_to(url_for(".standing", standing_token=standing.token, new=1))
    status = 422 if request.method == "POST" else 200
    return render(
        "orders/regular.html",
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
        status=status,
        standing=standing,
        upcoming=upcoming,
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
    services.pause_standing_order(g.cafe, standing, form.first_day.data, form.last_day.data)
    flash(_("Paused: no bread on those days."), "success")
    return redirect_to(url_for(".standing", standing_token=token))


@bp.post("/r/<standing_token>/pauses/<int:pause_id>/delete")
def unpause(standing_token: str, pause_id: int):
    token = standing_token
    standing = _standing_or_404(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not services.remove_pause(g.cafe, standing, pause_id):
        abort(404)
    flash(_("The pause is removed."), "success")
    return redirect_to(url_for(".standing", standing_token=token))


@bp.post("/r/<standing_token>/stop")
def stop(standing_token: str):
    token = standing_token
    standing = _standing_or_404(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.stop_standing_order(g.cafe, standing)
    flash(_("Your regular order is stopped."), "success")
    return redirect_to(url_for(".standing", standing_token=token))


# --- the counter ----------------------------------------------------------------------------------------


def _staff_day() -> date:
    return _parse_day(request.values.get("date")) or g.cafe.today()


@bp.get("/staff/")
@staff_only
def staff_day():
    cafe = g.cafe
    day = _staff_day()
    return render(
        "orders/staff_day.html",
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
    return render("orders/baker.html", day=day, listing=services.day_list(g.cafe, day))


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
        services.cancel_order(g.cafe, order, by=current_user)
    except OrderRefused:
        flash(_("This order can no longer be cancelled."), "error")
    return redirect_to(url_for(".staff_day", date=order.day.isoformat()))


@bp.post("/staff/close")
@staff_only
def close_day():
    day = _parse_day(request.form.get("date"))
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
    wanted = _parse_day(request.values.get("day")) or (days[0].day if days else None)
    products = services.active_products(cafe)
    quantities, errors = _read_quantities(products) if request.method == "POST" else ({}, {})
    problem = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit() and not errors and wanted is not None:
            person = form.person()
            try:
                order = services.same_order(cafe, wanted, quantities, **person) or services.place_order(
                    cafe, wanted, quantities, ordered_by=current_user, **person
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
                notifications.send_confirmation(cafe, order)
                flash(
                    _("Order %(code)s recorded for %(name)s.", code=order.code, name=order.name),
                    "success",
                )
                return redirect_to(url_for(".staff_day", date=order.day.isoformat()) + f"#order-{order.id}")
    return render(
        "orders/staff_order.html",
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


def _setup_page(status=200, settings_form=None, product_form=None):
    cafe = g.cafe
    settings = services.settings_for(cafe)
    if settings_form is None:
        settings_form = SettingsForm(obj=settings, formdata=None)
    if product_form is None:
        product_form = ProductForm(formdata=None, weekdays=list("0123456"), active=True)
    return render(
        "orders/setup.html",
        status=status,
        settings_form=settings_form,
        product_form=product_form,
        products=services.all_products(cafe),
        price=services.price,
    )


@bp.get("/staff/setup")
@staff_only
def setup():
    return _setup_page()


@bp.post("/staff/settings")
@staff_only
def save_settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _setup_page(422, settings_form=form)
    services.save_settings(
        g.cafe,
        cutoff_days_before=form.cutoff_days_before.data,
        cutoff_time=form.cutoff_time.data,
        collect_from=form.collect_from.data,
        closing_time=form.closing_time.data,
        days_ahead=form.days_ahead.data,
        baker_email=(form.baker_email.data or "").strip().lower(),
        parcel_retention_days=form.parcel_retention_days.data,
    )
    flash(_("Settings saved."), "success")
    return redirect_to(url_for(".setup"))


def _product_values(form: ProductForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "price_cents": int((form.price.data * Decimal(100)).to_integral_value()),
        "daily_quantity": form.daily_quantity.data,
        "weekdays": "".join(sorted(form.weekdays.data)),
        "active": form.active.data,
    }


@bp.post("/staff/products")
@staff_only
def add_product():
    form = ProductForm()
    if not form.validate_on_submit():
        return _setup_page(422, product_form=form)
    services.save_product(g.cafe, **_product_values(form))
    flash(_("Product added."), "success")
    return redirect_to(url_for(".setup"))


@bp.route("/staff/products/<int:product_id>", methods=["GET", "POST"])
@staff_only
def edit_product(product_id: int):
    product = services.get_product(g.cafe, product_id)
    if product is None:
        abort(404)
    if request.method == "POST":
        form = ProductForm()
        if form.validate_on_submit():
            services.save_product(g.cafe, product, **_product_values(form))
            flash(_("Product saved."), "success")
            return redirect_to(url_for(".setup"))
    else:
        form = ProductForm(
            formdata=None,
            name=product.name,
            price=Decimal(product.price_cents) / 100,
            daily_quantity=product.daily_quantity,
            weekdays=list(product.weekdays),
            active=product.active,
        )
    status = 422 if request.method == "POST" else 200
    return render("orders/product.html", status=status, form=form, product=product)


@bp.post("/staff/stock")
@staff_only
def day_quantity():
    form = DayQuantityForm()
    day = _parse_day(request.form.get("date"))
    if day is None or not form.validate_on_submit():
        flash(_("Type the quantity delivered, from 0."), "error")
        return redirect_to(url_for(".staff_day", date=(day or g.cafe.today()).isoformat()))
    product = services.get_product(g.cafe, form.product.data)
    if product is None:
        abort(404)
    if services.set_day_quantity(g.cafe, product, day, form.quantity.data):
        flash(_("Quantity saved."), "success")
    else:
        flash(_("More than that is already ordered: the quantity was not lowered."), "error")
    return redirect_to(url_for(".staff_day", date=day.isoformat()))


@bp.context_processor
def shop_words():
    from ...models import WEEKDAYS

    return {"WEEKDAYS": WEEKDAYS, "headline_of": lambda day: services.collect_headline(g.cafe, day)}


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
        days=days,
        headlines={d.day: services.collect_headline(cafe, d.day) for d in days},
    )


@bp.route("/counter/<day>/", methods=["GET", "POST"])
@counter_view
def counter_order(day: str):
    cafe = g.cafe
    wanted = _parse_day(day)
    if wanted is None:
        abort(404)
    open_day = services.collection_day(cafe, wanted)
    if open_day is None:
        flash(_("Orders for this day are closed. Choose another day."), "error")
        return redirect_to(url_for(".counter"))
    form = CounterOrderForm()
    quantities, errors = _read_quantities(open_day.products) if request.method == "POST" else ({}, {})
    problem = None
    if request.method == "POST" and form.validate_on_submit() and not errors:
        person = form.person()
        try:
            order = services.same_order(cafe, wanted, quantities, **person) or services.place_order(
                cafe, wanted, quantities, **person
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
    return render(
        "orders/counter_order.html",
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
        order=order,
        headline=services.collect_headline(g.cafe, order.day),
        price=services.price,
    )
