"""VTIMEZONE components written the way widely-read calendars expect them.

A zone with a yearly rule (Europe/Paris: last Sunday of March and of October) becomes one
STANDARD and one DAYLIGHT observance, each with an RRULE; a zone without a rule gets one
RDATE property per transition, each on its own line (ical.js, which Thunderbird uses, reads
only the first value of a comma-separated RDATE); a zone without transitions (Indian/Reunion)
gets a single STANDARD observance.
"""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at_utc: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool

    @property
    def local_start(self) -> datetime:
        """The wall-clock moment of the change, read in the offset before it (RFC 5545)."""
        return (self.at_utc + self.offset_from).replace(tzinfo=None)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset()


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every change of UTC offset between 1 January of `first_year` and the end of `last_year`."""
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)
    before = _offset(zone, moment)
    while moment < end:
        following = moment + step
        after = _offset(zone, following)
        if after != before:
            low, high = moment, following  # the change happens in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            found.append(Transition(high, before, after, local.tzname() or "", bool(local.dst())))
            before = after
        moment = following
    return found


def _yearly_rule(group: list[Transition], last_year: int) -> dict | None:
    """An RRULE (FREQ=YEARLY;BYMONTH;BYDAY) reproducing `group`, or None if there is none."""
    starts = [t.local_start for t in group]
    first = starts[0]
    years = [s.year for s in starts]
    if len(starts) < 2 or years != list(range(years[0], years[0] + len(years))):
        return None
    if any((s.month, s.time(), s.weekday()) != (first.month, first.time(), first.weekday()) for s in starts):
        return None
    weekday = WEEKDAY_CODES[first.weekday()]
    if all(s.day + 7 > month_calendar.monthrange(s.year, s.month)[1] for s in starts):
        byday = f"-1{weekday}"
    elif len({(s.day - 1) // 7 for s in starts}) == 1:
        byday = f"{(first.day - 1) // 7 + 1}{weekday}"
    else:
        return None
    rule = {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": byday}
    if years[-1] < last_year:  # the zone stopped changing its clocks
        rule["UNTIL"] = group[-1].at_utc.replace(tzinfo=UTC)
    return rule


def _observance(group: list[Transition], last_year: int) -> icalendar.cal.Component:
    first = group[0]
    observance = icalendar.TimezoneDaylight() if first.is_dst else icalendar.TimezoneStandard()
    observance.add("dtstart", first.local_start)
    observance.add("tzoffsetfrom", first.offset_from)
    observance.add("tzoffsetto", first.offset_to)
    if first.name:
        observance.add("tzname", first.name)
    rule = _yearly_rule(group, last_year)
    if rule is not None:
        observance.add("rrule", rule)
    else:
        for transition in group[1:]:
            observance.add("rdate", transition.local_start)
    return observance


def vtimezone(zone_name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of `zone_name`, valid for events from `first_year` to `last_year`."""
    zone = ZoneInfo(zone_name)
    component = icalendar.Timezone()
    component.add("tzid", zone_name)
    changes = transitions(zone, first_year - 1, last_year)
    if not changes:
        moment = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
        standard = icalendar.TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", moment.utcoffset())
        standard.add("tzoffsetto", moment.utcoffset())
        standard.add("tzname", moment.tzname())
        component.add_component(standard)
        return component
    groups: dict[tuple, list[Transition]] = {}
    for change in changes:
        groups.setdefault((change.is_dst, change.offset_from, change.offset_to, change.name), []).append(
            change
        )
    for group in groups.values():
        component.add_component(_observance(group, last_year))
    return component
