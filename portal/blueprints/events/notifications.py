"""What events tell people: their RSVP (seat, waiting list, a seat freed for them) and changes
to a date they answered (cancelled, moved). Texts in templates/events/email/; sent by portal.notify."""

from flask_babel import gettext as _

from ...formatting import when_in_words
from ...messages import render_line, render_text
from ...models import Cafe, Rsvp, RsvpStatus
from ...notify import Recipient, notify
from ...phones import is_mobile
from ...urls import external_url


def _recipient(rsvp: Rsvp) -> Recipient:
    """Email when given; SMS to any mobile, mainland or overseas (+262 as +336)."""
    return Recipient(email=rsvp.email, mobile=rsvp.phone if is_mobile(rsvp.phone) else "")


def rsvp_confirmed(cafe: Cafe, rsvp: Rsvp, occurrence, promoted: bool = False) -> None:
    title = occurrence.event.title
    if rsvp.status == RsvpStatus.WAITLIST:
        subject = _("Waiting list: %(title)s", title=title)
    elif promoted:
        subject = _("A seat is free for you: %(title)s", title=title)
    else:
        subject = _("See you there: %(title)s", title=title)
    when = when_in_words(cafe, occurrence.starts_at)
    context = dict(cafe=cafe, rsvp=rsvp, occurrence=occurrence, when=when, subject=subject)
    link = external_url("cafe.events.my_rsvp", cafe_slug=cafe.slug, code=rsvp.code)
    notify(
        _recipient(rsvp),
        subject,
        render_text("events/email/rsvp.txt", link=link, **context),
        sms_text=render_line("events/email/rsvp_sms.txt", **context),
    )


def attendees_told(cafe: Cafe, rsvps, subject: str, reason: str) -> None:
    """Everyone who answered hears of a cancellation or a new date."""
    body = render_text("events/email/change.txt", cafe=cafe, subject=subject, reason=reason)
    for rsvp in rsvps:
        notify(_recipient(rsvp), subject, body)
