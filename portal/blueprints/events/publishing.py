"""What's on, published elsewhere: iCalendar and Atom feeds, and the printed programme
for the café window (with a QR code to the café's page)."""

from datetime import timedelta

import segno
from flask import g, make_response, request
from flask_babel import gettext as _
from markupsafe import Markup

from ...edge import xml_safe
from ...grammar import at_place
from ...htmx import render
from ...models import WEEKDAYS, Event, utcnow
from ...tenancy import get_cafe_owned_or_404
from ...urls import external_url
from ..cafes.services import weekly_table
from . import bp, feeds, services
from .routes import by_day


def _ics_response(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    return _ics_response(feeds.calendar(g.cafe, [event], event.title), f"event-{event.id}.ics")


@bp.get("/events.ics")
def feed_ics():
    return _ics_response(
        feeds.calendar(g.cafe, services.feed_events(g.cafe), g.cafe.name), f"{g.cafe.slug}.ics"
    )


@bp.get("/events.atom")
def feed_atom():
    occurrences = services.occurrences_between(
        g.cafe, utcnow() - timedelta(hours=12), utcnow() + timedelta(days=62)
    )
    seen, entries = set(), []
    for occurrence in occurrences:  # one entry per event, at its next date
        if occurrence.event.id not in seen:
            seen.add(occurrence.event.id)
            entries.append(occurrence)
    updated = max((o.event.updated_at for o in entries), default=g.cafe.updated_at)
    response = render(
        "events/feed.atom.xml",
        entries=entries[:50],
        updated=updated,
        feed_title=_("What’s on %(at_cafe)s", at_cafe=at_place(g.cafe.name)),
    )
    response.set_data(xml_safe(response.get_data(as_text=True)))
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@bp.get("/events/programme")
def programme():
    period = "month" if request.args.get("period") == "month" else "week"
    offset = min(max(request.args.get("offset", 0, type=int), 0), 12)
    first, last, occurrences = services.programme(g.cafe, period, offset)
    cafe_url = external_url("cafe.cafes.home", cafe_slug=g.cafe.slug)
    qr = segno.make(cafe_url, error="m").svg_inline(scale=4, title=_("QR code: %(url)s", url=cafe_url))
    return render(
        "events/programme.html",
        period=period,
        offset=offset,
        first=first,
        last=last,
        days=by_day(occurrences),
        months=[services.programme_window(g.cafe, "month", n)[0] for n in (0, 1)],
        hours=weekly_table(g.cafe),
        weekdays=WEEKDAYS,
        qr=Markup(qr),
        cafe_url=cafe_url,
    )
