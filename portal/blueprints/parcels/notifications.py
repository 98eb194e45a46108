"""What a parcel's owner is told: it has arrived; the day before the deadline, a reminder; and
when it went back to the carrier.

Texts live in templates/parcels/email/; the link to the café's page (its hours) is absolute,
built from the public address.
"""

from babel.dates import format_date
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from ...formatting import format_time_short
from ...models import WEEKDAYS, Cafe
from ...models.shop import Parcel
from ...notify import notify
from ...urls import external_url
from .services import recipient_of


def hours_in_words(cafe: Cafe) -> str:
    """'lundi 7 h 30–13 h, 16 h–19 h ; mardi …' from the café's usual week."""
    days = []
    for weekday, label in enumerate(WEEKDAYS):
        periods = [h for h in cafe.weekly_hours if h.weekday == weekday]
        if periods:
            spans = ", ".join(f"{format_time_short(h.opens)}–{format_time_short(h.closes)}" for h in periods)
            days.append(f"{str(label).lower()} {spans}")
    return " ; ".join(days) if days else _("see the café's page")


def _context(cafe: Cafe, parcel: Parcel) -> dict:
    return {
        "cafe": cafe,
        "parcel": parcel,
        "day": format_date(parcel.keep_until, "EEEE d MMMM", locale=str(get_locale() or "fr")),
        "hours": hours_in_words(cafe),
        "link": external_url("cafe.cafes.home", cafe_slug=cafe.slug),
    }


def send_notice(cafe: Cafe, parcel: Parcel) -> list[str]:
    """'Your parcel is waiting for you at … until …, during opening hours: …'."""
    context = _context(cafe, parcel)
    return notify(
        recipient_of(parcel),
        _("Your parcel is waiting at %(cafe)s", cafe=cafe.name),
        render_template("parcels/email/notice.txt", **context),
        _(
            "Your parcel is waiting for you at %(cafe)s until %(day)s, during opening hours: %(hours)s.",
            cafe=cafe.name,
            day=context["day"],
            hours=context["hours"],
        ),
    )


def send_reminder(cafe: Cafe, parcel: Parcel) -> list[str]:
    """The day before the deadline."""
    context = _context(cafe, parcel)
    return notify(
        recipient_of(parcel),
        _("Reminder: your parcel at %(cafe)s", cafe=cafe.name),
        render_template("parcels/email/reminder.txt", **context),
        _(
            "Reminder: your parcel at %(cafe)s must be collected by tomorrow, %(day)s. Then it goes back.",
            cafe=cafe.name,
            day=context["day"],
        ),
    )


def send_returned(cafe: Cafe, parcel: Parcel) -> list[str]:
    """Not collected in time: it went back to the carrier (and how to get it)."""
    context = _context(cafe, parcel)
    return notify(
        recipient_of(parcel),
        _("Your parcel went back to the carrier (%(cafe)s)", cafe=cafe.name),
        render_template("parcels/email/returned.txt", **context),
        _(
            "%(cafe)s: your parcel was not collected by %(day)s and went back to the carrier "
            "(%(carrier)s). Contact them to get it.",
            cafe=cafe.name,
            day=context["day"],
            carrier=parcel.carrier_label,
        ),
    )
