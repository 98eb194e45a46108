"""Calendar feeds: iCalendar (RFC 5545, with VTIMEZONE, RRULE, EXDATE, RECURRENCE-ID) and Atom."""

from datetime import datetime, time

import icalendar

from ...edge import one_line
from ...models import Cafe, Event, EventStatus, Recurrence
from ...urls import external_url
from .recurrence import local_naive, to_utc
from .timezones import vtimezone


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


def _location(cafe: Cafe, event: Event) -> str:
    if event.at_cafe:
        town = f"{cafe.postcode} {cafe.village}".strip()
        return ", ".join(part for part in (cafe.name, cafe.address, town) if part)
    return event.place


def _add_details(component: icalendar.Event, cafe: Cafe, event: Event, page_url: str) -> None:
    """What every VEVENT of the event carries, a moved date's included: calendar apps show
    an override on its own, so it needs its place, status and category too."""
    component.add("uid", _uid(cafe, event))
    component.add("dtstamp", event.updated_at or event.created_at)
    component.add("summary", event.title)
    component.add("location", _location(cafe, event))
    component.add("url", page_url)
    component.add("categories", [event.category.label])
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")


def _vevent(cafe: Cafe, event: Event, page_url: str) -> list[icalendar.Event]:
    vevent = icalendar.Event()
    _add_details(vevent, cafe, event, page_url)
    vevent.add("dtstart", _local(event.starts_at, cafe))
    vevent.add("dtend", _local(event.ends_at, cafe))
    description = event.description
    if event.is_cancelled and event.cancel_reason:
        description = f"{event.cancel_reason}\n\n{description}"
    if description:
        vevent.add("description", description)
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
            _add_details(moved, cafe, event, page_url)
            moved.add("recurrence-id", _local(override.original_start, cafe))
            moved.add("dtstart", _local(override.new_starts_at, cafe))
            moved.add("dtend", _local(override.new_ends_at, cafe))
            description = f"{override.reason}\n\n{event.description}".strip()
            if description:
                moved.add("description", description)
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
    # The zone's rules over the events' years (and a few after, for series still running).
    years = [e.starts_at.year for e in events] or [cal_year()]
    # Before the events that use it, as calendar programs write it.
    cal.subcomponents.insert(0, vtimezone(cafe.timezone, min(years), max(years) + 3))
    return cal.to_ical()
