"""Expanding an event into its occurrences, DST-safe.

A series is expanded in the café's local wall time (a weekly belote at 20:00 stays at
20:00 after the clock change), then each occurrence is converted to UTC. Occurrences
are named by their original start in UTC; overrides cancel or move single ones.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from ...models import Event, EventOccurrenceOverride, Recurrence

# The longest a series may run, whichever way it ends.
MAX_OCCURRENCES = 200
MAX_SPAN = timedelta(days=731)


@dataclass
class Occurrence:
    event: Event
    original_start: datetime  # UTC, as the rule produced it: the occurrence's name
    starts_at: datetime  # UTC, after any move
    ends_at: datetime
    cancelled: bool = False
    reason: str = ""
    moved: bool = False

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled or self.event.is_cancelled

    @property
    def cancel_reason(self) -> str:
        return self.event.cancel_reason if self.event.is_cancelled else self.reason


def occurrence_key(moment: datetime) -> str:
    """'20261127T1900Z': an occurrence's name in URLs and forms."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def parse_occurrence_key(key: str) -> datetime | None:
    """The UTC start named by `occurrence_key`, or None if it is not one.

    Years far from now are refused too: arithmetic near year 1 or 9999 overflows.
    """
    try:
        moment = datetime.strptime(key or "", "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment if 1970 <= moment.year <= 2200 else None


def to_utc(local_naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as UTC; a time skipped by the spring change moves forward."""
    aware = local_naive.replace(tzinfo=zone)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local_naive:
        # 02:30 does not exist on the last Sunday of March: take the same time an hour later.
        utc = (local_naive + timedelta(hours=1)).replace(tzinfo=zone).astimezone(UTC)
    return utc


def local_naive(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def build_rule(event: Event, zone: ZoneInfo) -> rrule | None:
    """The event's rule in local wall time, or None for a one-off event."""
    if event.recurrence in (None, Recurrence.NONE):
        return None
    start = local_naive(event.starts_at, zone)
    until = None
    if event.repeat_until is not None:
        until = datetime.combine(event.repeat_until, time(23, 59, 59))
    count = min(event.repeat_count, MAX_OCCURRENCES) if event.repeat_count else None
    if until is None and count is None:
        count = MAX_OCCURRENCES  # the database forbids it; never loop forever anyway
    if event.recurrence == Recurrence.MONTHLY:
        nth = event.monthly_week or nth_weekday_of_month(start)
        # A 5th Friday only exists in some months: the others are skipped, not shifted.
        by = weekday(start.weekday(), nth)
        return rrule(MONTHLY, dtstart=start, byweekday=by, until=until, count=count)
    interval = 2 if event.recurrence == Recurrence.BIWEEKLY else 1
    return rrule(WEEKLY, dtstart=start, interval=interval, until=until, count=count)


def nth_weekday_of_month(day: datetime) -> int:
    """1 for the first Friday of its month, 2 for the second…"""
    return (day.day - 1) // 7 + 1


def rule_starts(event: Event, zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Original UTC starts produced by the rule between `start` and `end` (UTC, end excluded)."""
    rule = build_rule(event, zone)
    if rule is None:
        return [event.starts_at] if start <= event.starts_at < end else []
    # A day of margin each side: the window is in UTC, the rule in wall time.
    local_from = local_naive(start, zone) - timedelta(days=1)
    local_to = local_naive(end, zone) + timedelta(days=1)
    starts = (to_utc(moment, zone) for moment in rule.between(local_from, local_to, inc=True))
    return [moment for moment in starts if start <= moment < end]


def is_rule_occurrence(event: Event, zone: ZoneInfo, original_start: datetime) -> bool:
    """Whether `original_start` (UTC) is one of the event's occurrences."""
    return original_start in rule_starts(
        event, zone, original_start - timedelta(minutes=1), original_start + timedelta(minutes=1)
    )


def all_starts(event: Event, zone: ZoneInfo) -> list[datetime]:
    """Every original UTC start of the event (at most MAX_OCCURRENCES)."""
    rule = build_rule(event, zone)
    if rule is None:
        return [event.starts_at]
    return [to_utc(moment, zone) for moment in list(rule)[:MAX_OCCURRENCES]]


def expand(
    event: Event,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    overrides: list[EventOccurrenceOverride] | None = None,
    include_cancelled: bool = True,
) -> list[Occurrence]:
    """The event's occurrences whose (possibly moved) start is in [start, end), by start.

    `overrides` defaults to the event's own; cancelled occurrences are kept (shown struck
    out, with their reason) unless `include_cancelled` is False.
    """
    if overrides is None:
        overrides = event.overrides
    by_start = {o.original_start: o for o in overrides}
    duration = event.ends_at - event.starts_at
    originals = set(rule_starts(event, zone, start, end))
    # Occurrences moved into the window from outside it.
    for override in overrides:
        if (
            not override.cancelled
            and override.new_starts_at is not None
            and start <= override.new_starts_at < end
            and override.original_start not in originals
            and is_rule_occurrence(event, zone, override.original_start)
        ):
            originals.add(override.original_start)
    result = []
    for original in sorted(originals):
        occurrence = Occurrence(event, original, original, original + duration)
        override = by_start.get(original)
        if override is not None:
            if override.cancelled:
                occurrence.cancelled = True
                occurrence.reason = override.reason
            elif override.new_starts_at is not None:
                occurrence.starts_at = override.new_starts_at
                occurrence.ends_at = override.new_ends_at
                occurrence.moved = True
                occurrence.reason = override.reason
        if not start <= occurrence.starts_at < end:
            continue
        if occurrence.is_cancelled and not include_cancelled:
            continue
        result.append(occurrence)
    result.sort(key=lambda o: (o.starts_at, o.event.id or 0))
    return result


def find_occurrence(event: Event, zone: ZoneInfo, original_start: datetime) -> Occurrence | None:
    """The occurrence named by its original start, with its override applied; None if no such one."""
    if not is_rule_occurrence(event, zone, original_start):
        return None
    duration = event.ends_at - event.starts_at
    occurrence = Occurrence(event, original_start, original_start, original_start + duration)
    for override in event.overrides:
        if override.original_start == original_start:
            if override.cancelled:
                occurrence.cancelled = True
            elif override.new_starts_at is not None:
                occurrence.starts_at, occurrence.ends_at = override.new_starts_at, override.new_ends_at
                occurrence.moved = True
            occurrence.reason = override.reason
    return occurrence
