"""A café's home page."""

from flask import g

from ...htmx import render
from ...models import utcnow
from ...opening_hours import reopening_in_words
from ..bookings.services import active_topics
from ..events.services import this_week
from ..noticeboard.services import latest as latest_notices
from . import bp
from .services import is_open_at, next_seven_days, upcoming_exceptions


@bp.get("/")
def home():
    cafe = g.cafe
    now = utcnow()
    open_now = is_open_at(cafe, now)
    return render(
        "cafes/home.html",
        week=next_seven_days(cafe),
        exceptions=upcoming_exceptions(cafe),
        open_now=open_now,
        reopens=None if open_now else reopening_in_words(cafe, now),
        notices=latest_notices(cafe, 3),
        events=this_week(cafe),
        help_topics=active_topics(cafe),
    )
