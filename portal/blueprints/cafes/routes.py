"""A café's home page."""

from flask import g

from ...htmx import render
from ...models import utcnow
from ..bookings.services import active_topics
from ..events.services import this_week
from ..noticeboard.services import latest as latest_notices
from . import bp
from .services import is_open_at, next_seven_days, upcoming_exceptions


@bp.get("/")
def home():
    cafe = g.cafe
    return render(
        "cafes/home.html",
        week=next_seven_days(cafe),
        exceptions=upcoming_exceptions(cafe),
        open_now=is_open_at(cafe, utcnow()),
        notices=latest_notices(cafe, 3),
        events=this_week(cafe),
        help_topics=active_topics(cafe),
    )
