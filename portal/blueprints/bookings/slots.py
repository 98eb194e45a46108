"""Free slots, computed without the database: pure functions, easy to test hard.

Free slots = weekly rules + extra openings − closures, cut to the café's opening hours
(its week, its exceptions and the public holidays) − seats already taken, inside
the booking window and after the minimum notice, cut by the topic's duration.
Everything is expanded in the café's wall time, then converted to UTC, so a
10:00 slot stays at 10:00 local time across the clock changes.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrule

from ...models.types import day_in

MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Period:
    """One helper's opening on one date, in local wall time."""

    helper_id: int
    day: date
    starts: time
    ends: time
    slot_minutes: int
    seats: int


@dataclass(frozen=True)
class FreeSlot:
    helper_id: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC: the end of the last slot the topic needs
    capacity: int
    seats_left: int
    covered: tuple[datetime, ...]  # the UTC start of every slot the booking takes a seat in

    @property
    def key(self) -> str:
        return slot_key(self.helper_id, self.starts_at)


def slot_key(helper_id: int, starts_at: datetime) -> str:
    """A slot's name in URLs and forms: '<helper id>-<UTC start as 20261203T0930Z>'."""
    return f"{helper_id}-{starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def parse_slot_key(key: str) -> tuple[int, datetime] | None:
    """(helper id, aware UTC start) from a slot key, or None if it is malformed."""
    helper, _, when = (key or "").partition("-")
    try:
        starts_at = datetime.strptime(when, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
        helper_id = int(helper)
    except ValueError:
        return None
    # An id the database can hold, a year where date arithmetic cannot overflow.
    if not 0 < helper_id <= MAX_ID or not 1970 <= starts_at.year <= 2200:
        return None
    return helper_id, starts_at


def _closed(closures: Iterable, helper_id: int, day: date) -> bool:
    return any(
        c.first_day <= day <= c.last_day and (c.helper_id is None or c.helper_id == helper_id)
        for c in closures
    )


def expand_periods(
    rules: Iterable, extras: Iterable, closures: Iterable, first_day: date, last_day: date
) -> list[Period]:
    """The opening periods from first_day to last_day (included), closures removed."""
    rules, extras, closures = list(rules), list(extras), list(closures)
    periods = []
    if first_day <= last_day:
        for moment in rrule(
            DAILY, dtstart=datetime.combine(first_day, time()), until=datetime.combine(last_day, time())
        ):
            day = moment.date()
            for rule in rules:
                if rule.weekday != day.weekday():
                    continue
                if rule.valid_from and day < rule.valid_from or rule.valid_until and day > rule.valid_until:
                    continue
                periods.append(
                    Period(rule.helper_id, day, rule.starts, rule.ends, rule.slot_minutes, rule.seats)
                )
    for extra in extras:
        if first_day <= extra.day <= last_day:
            periods.append(
                Period(extra.helper_id, extra.day, extra.starts, extra.ends, extra.slot_minutes, extra.seats)
            )
    return [p for p in periods if not _closed(closures, p.helper_id, p.day)]


def clip_to_opening(
    periods: Iterable[Period], opening: Callable[[date], list[tuple[time, time]] | None]
) -> list[Period]:
    """The parts of the periods when the café is open: a helper never waits at a shut door.

    `opening(day)` gives the café's (opens, closes) intervals that day, or None when its
    hours are unknown (then the period is kept whole). Each part keeps the period's slot
    grid (a 14 h rule in a café that opens at 14 h 15 starts at 14 h 30), so slots stay
    on the times staff chose.
    """
    clipped = []
    cache: dict[date, list[tuple[time, time]] | None] = {}
    for period in periods:
        if period.day not in cache:
            cache[period.day] = opening(period.day)
        intervals = cache[period.day]
        if intervals is None:
            clipped.append(period)
            continue
        step = timedelta(minutes=period.slot_minutes)
        period_start = datetime.combine(period.day, period.starts)
        period_end = datetime.combine(period.day, period.ends)
        for opens, closes in intervals:
            start = max(period_start, datetime.combine(period.day, opens))
            # Back on the period's grid.
            behind = (start - period_start) % step
            if behind:
                start += step - behind
            end = min(period_end, datetime.combine(period.day, closes))
            if start + step <= end:
                clipped.append(
                    Period(
                        period.helper_id,
                        period.day,
                        start.time(),
                        end.time(),
                        period.slot_minutes,
                        period.seats,
                    )
                )
    return clipped


def _to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0: an ambiguous wall time (the autumn night) is taken the first time round.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def period_starts(period: Period) -> list[time]:
    """The local start times of the slots of a period: every slot_minutes, ending by its end."""
    starts = []
    step = timedelta(minutes=period.slot_minutes)
    current = datetime.combine(period.day, period.starts)
    end = datetime.combine(period.day, period.ends)
    while current + step <= end:
        starts.append(current.time())
        current += step
    return starts


def candidate_slots(
    periods: Iterable[Period],
    zone: ZoneInfo,
    duration_minutes: int | None,
    taken: Mapping[tuple[int, datetime], int],
) -> list[FreeSlot]:
    """Every start where the topic fits in the period, with the seats left (maybe 0).

    A topic longer than the slot length needs consecutive slots: it takes a seat in
    each, and the seats left are those of the fullest one. `taken` maps
    (helper id, UTC start) to the seats already taken.
    """
    slots: dict[tuple[int, datetime], FreeSlot] = {}
    for period in periods:
        starts = period_starts(period)
        needed = max(1, math.ceil((duration_minutes or period.slot_minutes) / period.slot_minutes))
        for index in range(len(starts) - needed + 1):
            covered = tuple(_to_utc(period.day, at, zone) for at in starts[index : index + needed])
            last_end = datetime.combine(period.day, starts[index + needed - 1]) + timedelta(
                minutes=period.slot_minutes
            )
            ends_at = _to_utc(last_end.date(), last_end.time(), zone)
            left = min(period.seats - taken.get((period.helper_id, start), 0) for start in covered)
            key = (period.helper_id, covered[0])
            if key not in slots:
                slots[key] = FreeSlot(
                    period.helper_id, covered[0], ends_at, period.seats, max(left, 0), covered
                )
    return sorted(slots.values(), key=lambda s: (s.starts_at, s.helper_id))


def bookable_slots(
    periods: Iterable[Period],
    zone: ZoneInfo,
    duration_minutes: int | None,
    taken: Mapping[tuple[int, datetime], int],
    now: datetime,
    window_days: int,
    min_notice_hours: int,
    party_size: int = 1,
) -> list[FreeSlot]:
    """The slots a resident may book now: seats left, after the notice, within the window."""
    earliest = now + timedelta(hours=min_notice_hours)
    last_day = day_in(zone, now) + timedelta(days=window_days)
    return [
        s
        for s in candidate_slots(periods, zone, duration_minutes, taken)
        if s.seats_left >= party_size
        and s.starts_at >= earliest
        and day_in(zone, s.starts_at) <= last_day
    ]


def group_by_day(slots: Iterable[FreeSlot], zone: ZoneInfo) -> list[tuple[date, list[FreeSlot]]]:
    """Slots grouped by their local date, in order."""
    days: dict[date, list[FreeSlot]] = {}
    for slot in slots:
        days.setdefault(day_in(zone, slot.starts_at), []).append(slot)
    return list(days.items())
