"""What the booking pages of every audience share: the topic from the URL, the words for
a slot that cannot be had, and the bookings this browser made."""

from flask import abort, g, session
from flask_babel import gettext as _

from ...models import Booking, HelpTopic
from . import services

MY_BOOKINGS = "help_bookings"  # ids of the bookings made in this browser, to show their confirmation


def topic_or_404(topic_id: int) -> HelpTopic:
    topic = services.get_active_topic(g.cafe, topic_id)
    if topic is None:
        abort(404)
    return topic


def unavailable_message(outcome: str) -> str:
    """Why a slot cannot be had (the one place these words are written)."""
    if outcome == services.TAKEN:
        return _("Sorry, this slot was just taken by someone else. Here are the next free ones.")
    return _("This time can no longer be booked. Here are the next free slots.")


def unavailable_status(outcome: str) -> int:
    return 409 if outcome == services.TAKEN else 422


def remember(booking: Booking) -> None:
    """This browser made (or moved) the booking: it may show its confirmation."""
    ids = [i for i in session.get(MY_BOOKINGS, []) if i != booking.id][-9:]
    session[MY_BOOKINGS] = ids + [booking.id]


def made_here(booking: Booking) -> bool:
    return booking.id in session.get(MY_BOOKINGS, [])
