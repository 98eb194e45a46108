"""Calendar feeds: iCalendar (RFC 5545, with VTIMEZONE, RRULE, EXDATE, RECURRENCE-ID) and Atom."""

from datetime import date, datetime, time

import icalendar

from ...edge import one_line
from ...models import Cafe, Event, EventStatus, Recurrence
from ...urls import external_url
from .recurrence import local_naive, to_utc


def cal_year() -> int:
    return datetime.now().year


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _uid(cafe: Cafe, event: Event) -> str:
    return f"event-{event.id}@{cafe.slug}.comptoir"


def _local(moment: datetime, cafe: Cafe) -> datetime:
    return moment.astimezone(cafe.zone)


def _rrule(cafe: Cafe, event: Event) -> dict:
    rule: dict = {}
    if event.recurrence == Recurrence.MONTHLY:
        start = local_naive(event.starts_at, cafe.zone)
        nth = event.monthly_week or ((start.day - 1) // 7 + 1)
        rule["FREQ"] = "MONTHLY"
        rule["BYDAY"] = f"{nth}{WEEKDAY_CODES[start.weekday()]}"
    else:
        rule["FREQ"] = "WEEKLY"
        if event.recurrence == Recurrence.BIWEEKLY:
            rule["INTERVAL"] = 2
    if event.repeat_until is not None:
        # With a zoned DTSTART, UNTIL must be in UTC (RFC 5545 3.3.10).
        rule["UNTIL"] = to_utc(datetime.combine(event.repeat_until, time(23, 59, 59)), cafe.zone)
    if event.repeat_count is not None:
        rule["COUNT"] = event.repeat_count
    return rule


def _vevent(cafe: Cafe, event: Event, page_url: str) -> list[icalendar.Event]:
    vevent = icalendar.Event()
    vevent.add("uid", _uid(cafe, event))
    vevent.add("dtstamp", event.updated_at or event.created_at)
    vevent.add("dtstart", _local(event.starts_at, cafe))
    vevent.add("dtend", _local(event.ends_at, cafe))
    vevent.add("summary", event.title)
    description = event.description
    if event.is_cancelled and event.cancel_reason:
        description = f"{event.cancel_reason}\n\n{description}"
    if description:
        vevent.add("description", description)
    vevent.add(
        "location",
        f"{cafe.name}, {cafe.address} {cafe.postcode} {cafe.village}".strip()
        if event.at_cafe
        else event.place,
    )
    vevent.add("url", page_url)
    vevent.add("categories", [event.category.label])
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    components = [vevent]
    if event.is_recurring:
        vevent.add("rrule", _rrule(cafe, event))
        cancelled = [_local(o.original_start, cafe) for o in event.overrides if o.cancelled]
        if cancelled:
            vevent.add("exdate", cancelled)
        for override in event.overrides:
            if override.cancelled or override.new_starts_at is None:
                continue
            moved = icalendar.Event()
            moved.add("uid", _uid(cafe, event))
            moved.add("dtstamp", event.updated_at or event.created_at)
            moved.add("recurrence-id", _local(override.original_start, cafe))
            moved.add("dtstart", _local(override.new_starts_at, cafe))
            moved.add("dtend", _local(override.new_ends_at, cafe))
            moved.add("summary", event.title)
            if override.reason:
                moved.add("description", f"{override.reason}\n\n{event.description}".strip())
            moved.add("url", page_url)
            components.append(moved)
    return components


def calendar(cafe: Cafe, events: list[Event], name: str) -> bytes:
    """An iCalendar document with the events and the VTIMEZONE they need."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Comptoir//Village cafés//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # An X- property is not escaped: a line break in a café's or event's name would end it.
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", cafe.timezone)
    for event in events:
        page = external_url("cafe.events.detail", cafe_slug=cafe.slug, event_id=event.id)
        for component in _vevent(cafe, event, page):
            cal.add_component(component)
    # The zone's rules over the events' years only, not the library's default 1970–2038.
    years = [e.starts_at.year for e in events] or [cal_year()]
    cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 3, 1, 1))
    return cal.to_ical()
