"""Staff set up the bread: products, prices, daily quantities, the cut-off and the baker's email."""

from decimal import Decimal

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _

from ...access import current_actor
from ...htmx import redirect_to, render
from . import bp, services
from .forms import (
    DayQuantityForm,
    ProductForm,
    SettingsForm,
)
from .helpers import parse_day
from .staff import staff_only


def _setup_page(status=200, settings_form=None, product_form=None):
    cafe = g.cafe
    settings = services.settings_for(cafe)
    if settings_form is None:
        settings_form = SettingsForm(obj=settings, formdata=None)
    if product_form is None:
        product_form = ProductForm(formdata=None, weekdays=list("0123456"), active=True)
    return render(
        "orders/setup.html",
        private=True,
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
        actor=current_actor(),
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
    services.save_product(g.cafe, **_product_values(form), actor=current_actor())
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
            services.save_product(g.cafe, product, **_product_values(form), actor=current_actor())
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
    return render("orders/product.html", private=True, status=status, form=form, product=product)


@bp.post("/staff/stock")
@staff_only
def day_quantity():
    form = DayQuantityForm()
    day = parse_day(request.form.get("date"))
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
