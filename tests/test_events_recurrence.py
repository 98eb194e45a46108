"""Recurrence: expanded in the café's wall time (DST-safe), exceptions, month ends, until/count."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from portal.blueprints.events.recurrence import (
    all_starts,
    expand,
    find_occurrence,
    occurrence_key,
    parse_occurrence_key,
    to_utc,
)
from portal.models import Event, EventOccurrenceOverride, Recurrence

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")


def local(*args, zone=PARIS) -> datetime:
    return to_utc(datetime(*args), zone)


def make_event(start: datetime, hours: float = 3, **rule) -> Event:
    event = Event(id=1, title="Belote", starts_at=start, ends_at=start + timedelta(hours=hours), **rule)
    event.overrides = []
    return event


def wall_times(occurrences, zone=PARIS):
    return [o.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for o in occurrences]


def window(year=2026):
    return datetime(year - 1, 1, 1, tzinfo=UTC), datetime(year + 2, 1, 1, tzinfo=UTC)


def test_weekly_event_stays_at_20h_across_the_autumn_clock_change():
    # 2026-10-25: Paris goes back from UTC+2 to UTC+1.
    event = make_event(local(2026, 10, 15, 20, 0), recurrence=Recurrence.WEEKLY, repeat_count=4)
    occurrences = expand(event, PARIS, *window())
    assert wall_times(occurrences) == [
        "2026-10-15 20:00",
        "2026-10-22 20:00",
        "2026-10-29 20:00",
        "2026-11-05 20:00",
    ]
    assert [o.starts_at.hour for o in occurrences] == [18, 18, 19, 19]  # in UTC
    assert all(o.ends_at - o.starts_at == timedelta(hours=3) for o in occurrences)


def test_weekly_event_stays_at_20h_across_the_spring_clock_change():
    event = make_event(local(2026, 3, 19, 20, 0), recurrence=Recurrence.WEEKLY, repeat_until=date(2026, 4, 2))
    occurrences = expand(event, PARIS, *window())
    assert wall_times(occurrences) == ["2026-03-19 20:00", "2026-03-26 20:00", "2026-04-02 20:00"]
    assert [o.starts_at.hour for o in occurrences] == [19, 19, 18]


def test_a_time_that_does_not_exist_on_the_spring_sunday_moves_an_hour_later():
    # 2026-03-29 02:30 does not exist in Paris.
    moment = to_utc(datetime(2026, 3, 29, 2, 30), PARIS)
    assert moment.astimezone(PARIS).strftime("%H:%M") == "03:30"


def test_a_zone_without_dst_is_plain():
    event = make_event(local(2026, 10, 15, 18, 0, zone=REUNION), recurrence=Recurrence.WEEKLY, repeat_count=3)
    assert [o.starts_at.hour for o in expand(event, REUNION, *window())] == [14, 14, 14]


def test_every_other_week_with_until_includes_the_last_day():
    event = make_event(
        local(2026, 1, 5, 14, 0), recurrence=Recurrence.BIWEEKLY, repeat_until=date(2026, 2, 16)
    )
    assert wall_times(expand(event, PARIS, *window())) == [
        "2026-01-05 14:00",
        "2026-01-19 14:00",
        "2026-02-02 14:00",
        "2026-02-16 14:00",
    ]


def test_count_limits_the_series():
    event = make_event(local(2026, 1, 5, 14, 0), recurrence=Recurrence.WEEKLY, repeat_count=10)
    assert len(all_starts(event, PARIS)) == 10
    assert len(expand(event, PARIS, *window())) == 10


def test_monthly_fifth_friday_skips_months_without_one():
    # 2026: Fridays the 29th/30th/31st: January 30, May 29, July 31, October 30.
    event = make_event(
        local(2026, 1, 30, 19, 0),
        recurrence=Recurrence.MONTHLY,
        monthly_week=5,
        repeat_until=date(2026, 12, 31),
    )
    assert wall_times(expand(event, PARIS, *window())) == [
        "2026-01-30 19:00",
        "2026-05-29 19:00",
        "2026-07-31 19:00",
        "2026-10-30 19:00",
    ]


def test_monthly_last_saturday_follows_month_ends():
    event = make_event(
        local(2026, 1, 31, 8, 0), recurrence=Recurrence.MONTHLY, monthly_week=-1, repeat_count=4
    )
    assert wall_times(expand(event, PARIS, *window())) == [
        "2026-01-31 08:00",
        "2026-02-28 08:00",
        "2026-03-28 08:00",
        "2026-04-25 08:00",
    ]


def test_monthly_second_tuesday_from_the_start_date():
    event = make_event(local(2026, 2, 10, 10, 0), recurrence=Recurrence.MONTHLY, repeat_count=3)
    assert wall_times(expand(event, PARIS, *window())) == [
        "2026-02-10 10:00",
        "2026-03-10 10:00",
        "2026-04-14 10:00",
    ]


def test_a_cancelled_occurrence_keeps_its_reason_and_the_others_are_untouched():
    event = make_event(local(2026, 10, 15, 20, 0), recurrence=Recurrence.WEEKLY, repeat_count=3)
    second = local(2026, 10, 22, 20, 0)
    event.overrides = [EventOccurrenceOverride(original_start=second, cancelled=True, reason="Salle prise")]
    occurrences = expand(event, PARIS, *window())
    assert [o.is_cancelled for o in occurrences] == [False, True, False]
    assert occurrences[1].cancel_reason == "Salle prise"
    assert len(expand(event, PARIS, *window(), include_cancelled=False)) == 2


def test_a_moved_occurrence_shows_at_its_new_time_and_keeps_its_name():
    event = make_event(local(2026, 10, 15, 20, 0), recurrence=Recurrence.WEEKLY, repeat_count=3)
    second = local(2026, 10, 22, 20, 0)
    new_start = local(2026, 10, 24, 15, 0)
    event.overrides = [
        EventOccurrenceOverride(
            original_start=second, new_starts_at=new_start, new_ends_at=new_start + timedelta(hours=2)
        )
    ]
    occurrences = expand(event, PARIS, *window())
    assert wall_times(occurrences) == ["2026-10-15 20:00", "2026-10-24 15:00", "2026-10-29 20:00"]
    assert occurrences[1].moved and occurrences[1].original_start == second
    # Moved into a window the original start is outside of: still found.
    only = expand(event, PARIS, local(2026, 10, 24, 0, 0), local(2026, 10, 25, 0, 0))
    assert [o.original_start for o in only] == [second]
    # And moved out of the window of its original day: not there any more.
    assert expand(event, PARIS, local(2026, 10, 22, 0, 0), local(2026, 10, 23, 0, 0)) == []


def test_window_bounds_and_one_off_events():
    event = make_event(local(2026, 6, 1, 20, 0))
    assert len(expand(event, PARIS, local(2026, 6, 1, 0, 0), local(2026, 6, 2, 0, 0))) == 1
    assert expand(event, PARIS, local(2026, 6, 2, 0, 0), local(2026, 6, 3, 0, 0)) == []
    assert all_starts(event, PARIS) == [event.starts_at]


def test_find_occurrence_refuses_a_time_that_is_not_one():
    event = make_event(local(2026, 10, 15, 20, 0), recurrence=Recurrence.WEEKLY, repeat_count=3)
    assert find_occurrence(event, PARIS, local(2026, 10, 29, 20, 0)) is not None
    assert find_occurrence(event, PARIS, local(2026, 10, 29, 21, 0)) is None
    assert find_occurrence(event, PARIS, local(2026, 11, 5, 20, 0)) is None  # past the count


def test_occurrence_keys_round_trip():
    moment = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert occurrence_key(moment) == "20261127T1900Z"
    assert parse_occurrence_key("20261127T1900Z") == moment
    assert parse_occurrence_key("nonsense") is None
    assert parse_occurrence_key(None) is None
