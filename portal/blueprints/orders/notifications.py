"""What the shop tells people: the order confirmation, and the baker's list at the cut-off.

Texts live in templates/orders/email/; every link in them is absolute, built from the
public address (`external_url`), never from the request.
"""

from flask import render_template
from flask_babel import gettext as _

from ...models import Cafe
from ...models.shop import BreadOrder, ShopSettings
from ...notify import Recipient, notify
from ...urls import external_url
from . import services


def send_confirmation(cafe: Cafe, order: BreadOrder) -> list[str]:
    """Email the order (code, day, total, change link) to a person who gave an address."""
    if not order.email:
        return []
    context = {
        "cafe": cafe,
        "order": order,
        "headline": services.collect_headline(cafe, order.day),
        "cutoff": services.cutoff_in_words(cafe, order.day),
        "total": services.price(order.total_cents),
        "price": services.price,
        "link": external_url("cafe.orders.order", cafe_slug=cafe.slug, order_token=order.token),
    }
    return notify(
        Recipient(email=order.email),
        _("Your bread at %(cafe)s: %(day)s", cafe=cafe.name, day=services.day_in_words(order.day)),
        render_template("orders/email/confirmation.txt", **context),
    )


def send_baker_list(cafe: Cafe, settings: ShopSettings, listing: services.DayList) -> list[str]:
    """The day's totals per product, for the baker, at the cut-off."""
    body = render_template(
        "orders/email/baker_list.txt",
        cafe=cafe,
        listing=listing,
        day=services.day_in_words(listing.day),
        link=external_url("cafe.orders.baker", cafe_slug=cafe.slug, date=listing.day.isoformat()),
    )
    return notify(
        Recipient(email=settings.baker_email),
        _("Bread for %(cafe)s, %(day)s", cafe=cafe.name, day=services.day_in_words(listing.day)),
        body,
    )
