"""The iCalendar feeds as two independent calendar clients read them, over a whole year.

ical.js (the library Thunderbird's calendar is built on) and node-ical (its own parser and
rrule-temporal, nothing shared with ical.js) must find exactly the dates and times the
portal's own pages list, through both DST changes in a mainland café and in La Réunion
(no DST), with cancelled and moved dates.
"""

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from portal.blueprints.events import services
from portal.blueprints.events.recurrence import to_utc
from portal.extensions import db
from portal.models import Event, EventCategory, EventOccurrenceOverride, Recurrence

from .conftest import make_cafe

ROOT = Path(__file__).resolve().parent.parent
NODE_CLIENTS = (ROOT / "node_modules/ical.js", ROOT / "node_modules/node-ical")
YEAR_START = datetime(2026, 12, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 12, 1, tzinfo=UTC)


def needs_node_clients():
    if shutil.which("node") is None or not all(p.exists() for p in NODE_CLIENTS):
        pytest.fail("node and the npm packages ical.js and node-ical are needed (make test installs them)")


def local(zone: str, *parts) -> datetime:
    return to_utc(datetime(*parts), ZoneInfo(zone))


def add_event(cafe, title, start, hours=2, **extra) -> Event:
    event = Event(
        cafe=cafe,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        category=extra.pop("category", EventCategory.CARDS),
        **extra,
    )
    db.session.add(event)
    db.session.commit()
    return event


def a_year_of_events(cafe) -> None:
    """A weekly evening game, a monthly morning market, a one-off, a cancelled and a moved date."""
    zone = cafe.timezone
    belote = add_event(
        cafe, "Belote", local(zone, 2026, 12, 3, 18, 0), recurrence=Recurrence.WEEKLY, repeat_count=60
    )
    add_event(
        cafe,
        "Marché",
        local(zone, 2026, 12, 5, 8, 30),
        hours=4,
        category=EventCategory.MARKET,
        recurrence=Recurrence.MONTHLY,
        repeat_until=date(2027, 12, 31),
    )
    add_event(cafe, "Concert d’été", local(zone, 2027, 7, 14, 21, 0))
    cancelled = local(zone, 2027, 3, 25, 18, 0)
    moved = local(zone, 2027, 4, 1, 18, 0)
    belote.overrides = [
        EventOccurrenceOverride(cafe_id=cafe.id, original_start=cancelled, cancelled=True, reason="Salle"),
        EventOccurrenceOverride(
            cafe_id=cafe.id,
            original_start=moved,
            new_starts_at=moved + timedelta(days=1, hours=1),
            new_ends_at=moved + timedelta(days=1, hours=3),
            reason="Jeudi férié",
        ),
    ]
    db.session.commit()


def by_date(occurrences) -> list[list[str]]:
    return sorted(occurrences, key=lambda pair: (pair[1], pair[0]))


def portal_dates(cafe) -> list[list[str]]:
    occurrences = services.occurrences_between(cafe, YEAR_START, YEAR_END, include_cancelled=False)
    return by_date(
        [o.event.title, o.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")] for o in occurrences
    )


def client_dates(script_name: str, feed: bytes, tmp_path) -> list[list[str]]:
    """What a JavaScript calendar client (tests/js/) finds in `feed` over the year."""
    needs_node_clients()
    path = tmp_path / "feed.ics"
    path.write_bytes(feed)
    script = ROOT / "tests/js" / script_name
    output = subprocess.run(
        ["node", str(script), str(path), YEAR_START.isoformat(), YEAR_END.isoformat()],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)


@pytest.mark.parametrize("zone", ["Europe/Paris", "Indian/Reunion"])
def test_two_calendar_clients_agree_with_the_portal_over_a_year(app, client, tmp_path, zone):
    cafe = make_cafe("village", "Village", "24800", "Dordogne", timezone=zone)
    a_year_of_events(cafe)
    feed = client.get("/c/village/events.ics").data
    expected = portal_dates(cafe)
    assert len(expected) > 60
    # Summer 2027 in Paris: 18:00 is 16:00 UTC, the market's 08:30 is 06:30 UTC.
    if zone == "Europe/Paris":
        assert ["Belote", "2027-06-03T16:00:00.000Z"] in expected
        assert ["Marché", "2027-07-03T06:30:00.000Z"] in expected
        assert ["Belote", "2027-04-02T17:00:00.000Z"] in expected  # the moved date
    assert client_dates("ical_occurrences.cjs", feed, tmp_path) == expected
    assert client_dates("node_ical_occurrences.cjs", feed, tmp_path) == expected


def test_one_event_file_reads_the_same_in_ical_js(app, client, tmp_path):
    cafe = make_cafe("village", "Village", "24800", "Dordogne")
    market = add_event(
        cafe,
        "Marché",
        local("Europe/Paris", 2026, 12, 5, 8, 30),
        recurrence=Recurrence.MONTHLY,
        repeat_until=date(2027, 12, 31),
    )
    feed = client.get(f"/c/village/events/{market.id}.ics").data
    dates = client_dates("ical_occurrences.cjs", feed, tmp_path)
    assert ["Marché", "2027-05-01T06:30:00.000Z"] in dates  # 08:30 in summer, not 09:30
    assert ["Marché", "2027-01-02T07:30:00.000Z"] in dates


def test_time_zones_are_written_as_observances_with_rules(app, client):
    cafe = make_cafe("village", "Village", "24800", "Dordogne")
    add_event(
        cafe,
        "Belote",
        local("Europe/Paris", 2026, 12, 3, 18),
        recurrence=Recurrence.WEEKLY,
        repeat_count=20,
    )
    text = client.get("/c/village/events.ics").get_data(as_text=True)
    zone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in zone
    assert "," not in "".join(line for line in zone.splitlines() if line.startswith("RDATE"))


def test_a_moved_date_keeps_its_place_status_and_category_and_tells_subscribers(app, client):
    cafe = make_cafe("village", "Village", "24800", "Dordogne", address="2 place du Château")
    belote = add_event(
        cafe,
        "Belote",
        local("Europe/Paris", 2026, 12, 3, 18),
        recurrence=Recurrence.WEEKLY,
        repeat_count=20,
    )
    before = belote.updated_at
    original = belote.starts_at + timedelta(days=7)
    with app.test_request_context():
        services.move_occurrence(
            cafe,
            belote,
            original,
            original + timedelta(days=1),
            original + timedelta(days=1, hours=2),
            "",
            actor=None,
        )
    assert belote.updated_at > before
    calendar = icalendar.Calendar.from_ical(client.get("/c/village/events.ics").data)
    moved = next(e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e)
    assert "2 place du Château" in str(moved["LOCATION"])
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert moved["CATEGORIES"].cats
    assert moved.decoded("DTSTAMP").astimezone(UTC) == belote.updated_at.astimezone(UTC).replace(
        microsecond=0
    )
