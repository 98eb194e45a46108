"""What the shop tells people: the order confirmation, a regular whose day could not be met,
and the baker's list at the cut-off.

Texts live in templates/orders/email/; every link in them is absolute, built from the
public address (`external_url`), never from the request.
"""

from datetime import date

from flask import current_app, render_template
from flask_babel import gettext as _

from ...models import Cafe
from ...models.shop import BreadOrder, ShopSettings, StandingOrder
from ...notify import Recipient, notify
from ...phones import is_mobile
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


def regular_recipient(standing: StandingOrder) -> Recipient:
    """Where a regular can be told something: email, or SMS to a mobile (maybe nowhere)."""
    sms = current_app.config["SMS_ENABLED"] and is_mobile(standing.phone)
    return Recipient(email=standing.email, mobile=standing.phone if sms else "")


def send_shortfall(cafe: Cafe, standing: StandingOrder, day: date) -> list[str]:
    """'Your regular order could not be reserved for Tuesday 8 December: not enough bread left.'"""
    recipient = regular_recipient(standing)
    if not recipient.reachable:
        return []  # staff see it on the day list, with the phone number
    words = services.day_in_words(day)
    own_page = external_url("cafe.orders.standing", cafe_slug=cafe.slug, standing_token=standing.token)
    body = render_template(
        "orders/email/shortfall.txt",
        cafe=cafe,
        standing=standing,
        day=words,
        order_link=external_url("cafe.orders.index", cafe_slug=cafe.slug),
        standing_link=own_page,
    )
    return notify(
        recipient,
        _("No bread reserved for %(day)s at %(cafe)s", day=words, cafe=cafe.name),
        body,
        _(
            "%(cafe)s: your regular bread could not be reserved for %(day)s, not enough is left. "
            "Your other days do not change.",
            cafe=cafe.name,
            day=words,
        ),
    )
