"""When a café is open: its usual week, the exceptions staff enter, the public holidays.

One place answers it for the café page, the digital-help slots and the events, so
nothing is ever offered while the door is shut.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .models import Cafe, HoursException


@dataclass
class DayHours:
    day: date
    periods: list[tuple[time, time]]
    exception: HoursException | None
    holiday: str | None = None

    @property
    def closed(self) -> bool:
        return not self.periods

    @property
    def note(self) -> str | None:
        """Why the day is not the usual one: the exception's label or the holiday's name."""
        if self.exception is not None:
            return self.exception.label or None
        return self.holiday


def hours_for_day(cafe: Cafe, day: date) -> DayHours:
    """The opening periods of one date.

    An exception the staff entered wins; then a public holiday closes the café (staff
    who open that day enter it as an exception); then the usual week applies.
    """
    exception = next((e for e in cafe.hours_exceptions if e.day == day), None)
    holiday = cafe.holiday_on(day)
    if exception is not None:
        periods = [] if exception.closed else [(exception.opens, exception.closes)]
        return DayHours(day, periods, exception, holiday)
    if holiday:
        return DayHours(day, [], None, holiday)
    periods = [(h.opens, h.closes) for h in cafe.weekly_hours if h.weekday == day.weekday()]
    return DayHours(day, periods, None)


def opening_intervals(cafe: Cafe, day: date) -> list[tuple[time, time]] | None:
    """When the café is open on `day`, as (opens, closes) local wall times within that date.

    A period running past midnight ends at the end of its day and the part after
    midnight counts on the next. None when the café never gave its usual hours (nothing
    is known, so nothing is ruled out) and the day is neither an exception nor a holiday.
    """
    today = hours_for_day(cafe, day)
    if not cafe.weekly_hours and today.exception is None and not today.holiday:
        return None
    intervals = [(opens, closes if closes > opens else time.max) for opens, closes in today.periods]
    yesterday = hours_for_day(cafe, day - timedelta(days=1))
    intervals += [(time.min, closes) for opens, closes in yesterday.periods if time.min < closes <= opens]
    return sorted(intervals)


def fits_opening_hours(cafe: Cafe, starts: datetime, ends: datetime) -> bool:
    """Whether the café is open from `starts` to `ends` (aware moments) without a break."""
    local_start, local_end = starts.astimezone(cafe.zone), ends.astimezone(cafe.zone)
    if local_end.date() != local_start.date() and local_end.time() != time.min:
        return False
    intervals = opening_intervals(cafe, local_start.date())
    if intervals is None:
        return True
    end_time = time.max if local_end.date() != local_start.date() else local_end.time()
    return any(opens <= local_start.time() and end_time <= closes for opens, closes in intervals)


def is_open_at(cafe: Cafe, moment: datetime) -> bool:
    """Whether the café is open at `moment`, counting periods that run past midnight."""
    local = moment.astimezone(cafe.zone)
    today = hours_for_day(cafe, local.date())
    yesterday = hours_for_day(cafe, local.date() - timedelta(days=1))
    now = local.time()
    for opens, closes in today.periods:
        if opens <= now < closes or (closes <= opens and now >= opens):
            return True
    return any(closes <= opens and now < closes for opens, closes in yesterday.periods)


def weekly_intervals(cafe: Cafe, weekday: int) -> list[tuple[time, time]] | None:
    """The usual hours of a weekday (no exceptions), or None when the café never gave its hours."""
    if not cafe.weekly_hours:
        return None
    return sorted(
        (h.opens, h.closes if h.closes > h.opens else time.max)
        for h in cafe.weekly_hours
        if h.weekday == weekday
    )


def _covered(intervals: list[tuple[time, time]], starts: time, ends: time) -> bool:
    return any(opens <= starts and ends <= closes for opens, closes in intervals)


def describe_intervals(intervals: list[tuple[time, time]]) -> str:
    """'7 h 30–12 h 30, 15 h–19 h' (with the page's own way of writing times)."""
    from .typography import time_range

    return ", ".join(
        time_range(opens, time(0) if closes == time.max else closes) for opens, closes in intervals
    )


def weekday_warning(cafe: Cafe, weekday: int, starts: time, ends: time) -> str | None:
    """What staff should know before adding a weekly opening outside the café's usual hours."""
    from flask_babel import gettext as _

    from .models.cafe import WEEKDAYS

    intervals = weekly_intervals(cafe, weekday)
    if intervals is None or _covered(intervals, starts, ends):
        return None
    day = str(WEEKDAYS[weekday]).lower()
    if not intervals:
        return _("The café is closed on %(day)s: no slot will be offered then.", day=day)
    return _(
        "On %(day)s the café is open %(hours)s: no slot will be offered while it is shut.",
        day=day,
        hours=describe_intervals(intervals),
    )


def day_warning(cafe: Cafe, day: date, starts: time, ends: time) -> str | None:
    """What staff should know before putting something on a date and time the café is shut."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    from .typography import first_of_month

    intervals = opening_intervals(cafe, day)
    if intervals is None or _covered(intervals, starts, ends):
        return None
    hours = hours_for_day(cafe, day)
    when = first_of_month(format_date(day, "EEEE d MMMM"))
    if not intervals:
        if hours.note:
            return _("The café is closed on %(day)s (%(why)s).", day=when, why=hours.note)
        return _("The café is closed on %(day)s.", day=when)
    return _("On %(day)s the café is open %(hours)s only.", day=when, hours=describe_intervals(intervals))


def _outside_hours(cafe: Cafe, starts: datetime, ends: datetime) -> bool:
    """Whether a local (naive) span at the café starts or ends while it is shut."""
    end_time = ends.time() if ends.date() == starts.date() else time.max
    intervals = opening_intervals(cafe, starts.date())
    return intervals is not None and not _covered(intervals, starts.time(), end_time)


SERIES_DATES_NAMED = 12


def series_warning(cafe: Cafe, spans: list[tuple[datetime, datetime]]) -> str | None:
    """What staff should know before a repeating event whose dates (local, naive start and end
    of each occurrence) fall while the café is shut: every such date named, with why."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    from .typography import first_of_month

    outside = [(starts, ends) for starts, ends in spans if _outside_hours(cafe, starts, ends)]
    if not outside:
        return None
    if len(outside) == 1:
        starts, ends = outside[0]
        end_time = ends.time() if ends.date() == starts.date() else time.max
        return day_warning(cafe, starts.date(), starts.time(), end_time)
    named = []
    for starts, _ends in outside[:SERIES_DATES_NAMED]:
        hours = hours_for_day(cafe, starts.date())
        when = first_of_month(format_date(starts.date(), "EEEE d MMMM"))
        if hours.closed:
            why = hours.note or _("closed")
        else:
            why = _("open %(hours)s", hours=describe_intervals(opening_intervals(cafe, starts.date()) or []))
        named.append(f"{when} ({why})")
    dates = ", ".join(named)
    if len(outside) > SERIES_DATES_NAMED:
        dates = _("%(dates)s and %(count)s more", dates=dates, count=len(outside) - SERIES_DATES_NAMED)
    return _(
        "%(count)s dates of the series fall while the café is shut: %(dates)s.",
        count=len(outside),
        dates=dates,
    )


def next_opening(cafe: Cafe, moment: datetime, days: int = 14) -> datetime | None:
    """When the café next opens after `moment` (local, aware), within `days`; None if unknown."""
    local = moment.astimezone(cafe.zone)
    for offset in range(days + 1):
        day = local.date() + timedelta(days=offset)
        intervals = opening_intervals(cafe, day)
        if intervals is None:
            return None
        for opens, _closes in intervals:
            if opens == time.min:
                continue  # the end of yesterday's late night, not an opening
            start = datetime.combine(day, opens, tzinfo=cafe.zone)
            if start > local:
                return start
    return None


def reopening_in_words(cafe: Cafe, moment: datetime) -> str | None:
    """'Opens tomorrow at 7:30' ('Ouvre demain à 7 h 30'), for a café that is shut now."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    from .formatting import format_time_short
    from .typography import first_of_month

    opening = next_opening(cafe, moment)
    if opening is None:
        return None
    today = cafe.local_day(moment)
    at = format_time_short(opening.time())
    if opening.date() == today:
        return _("Opens today at %(time)s", time=at)
    if opening.date() == today + timedelta(days=1):
        return _("Opens tomorrow at %(time)s", time=at)
    if opening.date() < today + timedelta(days=7):
        return _("Opens on %(day)s at %(time)s", day=format_date(opening.date(), "EEEE"), time=at)
    return _(
        "Opens on %(day)s at %(time)s",
        day=first_of_month(format_date(opening.date(), "EEEE d MMMM")),
        time=at,
    )
