"""What bookings tell people: the confirmation of an online booking and the reminder the day before.

Texts live in templates/bookings/email/; sending goes through portal.notify.
"""

from flask_babel import gettext as _

from ...formatting import when_in_words
from ...grammar import at_place
from ...messages import render_text
from ...models import Booking, Cafe
from ...notify import Recipient, notify
from ...urls import external_url


def booking_confirmed(cafe: Cafe, booking: Booking) -> None:
    """An email with the code and the link to cancel or move, when the person gave an address."""
    if not booking.email:
        return
    when = when_in_words(cafe, booking.starts_at)
    body = render_text(
        "bookings/email/confirmation.txt",
        cafe=cafe,
        booking=booking,
        when=when,
        link=external_url("cafe.bookings.find", cafe_slug=cafe.slug, code=booking.code),
    )
    notify(
        Recipient(email=booking.email),
        _("Digital help %(at_cafe)s: %(when)s", at_cafe=at_place(cafe.name), when=when),
        body,
    )


def reminder(cafe: Cafe, booking: Booking, recipient: Recipient) -> None:
    """Tomorrow's appointment, by email and/or SMS."""
    when = when_in_words(cafe, booking.starts_at)
    notify(
        recipient,
        _("Reminder: digital help %(at_cafe)s, %(when)s", at_cafe=at_place(cafe.name), when=when),
        render_text("bookings/email/reminder.txt", cafe=cafe, booking=booking, when=when),
        _(
            "Reminder: digital help %(when)s %(at_cafe)s. Code %(code)s.",
            when=when,
            at_cafe=at_place(cafe.name),
            code=booking.code,
        ),
    )
