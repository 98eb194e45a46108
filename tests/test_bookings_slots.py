"""Free-slot computation: pure functions, no database."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from portal.blueprints.bookings.slots import (
    bookable_slots,
    candidate_slots,
    expand_periods,
    group_by_day,
    parse_slot_key,
    slot_key,
)

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
TUE, THU, SAT, SUN, MON = 1, 3, 5, 6, 0


def rule(weekday, starts, ends, helper=1, slot=30, seats=1, valid_from=None, valid_until=None):
    return SimpleNamespace(
        helper_id=helper,
        weekday=weekday,
        starts=starts,
        ends=ends,
        slot_minutes=slot,
        seats=seats,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def extra(day, starts, ends, helper=1, slot=30, seats=1):
    return SimpleNamespace(
        helper_id=helper, day=day, starts=starts, ends=ends, slot_minutes=slot, seats=seats
    )


def closure(first, last, helper=None):
    return SimpleNamespace(helper_id=helper, first_day=first, last_day=last)


def local_times(slots, zone=PARIS):
    return [s.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for s in slots]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Tuesday 1 December 2026 to Monday 7 December 2026
WEEK = (date(2026, 12, 1), date(2026, 12, 7))


def test_weekly_rules_give_slots_every_slot_length_until_the_end():
    periods = expand_periods(
        [rule(TUE, time(9, 30), time(12, 0)), rule(THU, time(14, 0), time(17, 0), slot=60)], [], [], *WEEK
    )
    slots = candidate_slots(periods, PARIS, None, {})
    assert local_times(slots) == [
        "2026-12-01 09:30",
        "2026-12-01 10:00",
        "2026-12-01 10:30",
        "2026-12-01 11:00",
        "2026-12-01 11:30",
        "2026-12-03 14:00",
        "2026-12-03 15:00",
        "2026-12-03 16:00",
    ]
    assert slots[0].starts_at == utc(2026, 12, 1, 8, 30)  # winter: UTC+1
    assert slots[0].ends_at == utc(2026, 12, 1, 9, 0)


def test_a_period_that_does_not_divide_evenly_drops_the_last_partial_slot():
    periods = expand_periods([rule(TUE, time(9, 0), time(10, 45), slot=30)], [], [], *WEEK)
    assert local_times(candidate_slots(periods, PARIS, None, {}))[-1] == "2026-12-01 10:00"


def test_topic_duration_cuts_slots_and_needs_consecutive_free_seats():
    periods = expand_periods([rule(TUE, time(9, 0), time(11, 0))], [], [], *WEEK)
    slots = candidate_slots(periods, PARIS, 60, {})
    assert local_times(slots) == ["2026-12-01 09:00", "2026-12-01 09:30", "2026-12-01 10:00"]
    assert len(slots[0].covered) == 2
    assert slots[0].ends_at == utc(2026, 12, 1, 9, 0)  # 10:00 local
    # 9:30 taken: neither 9:00 nor 9:30 can host a one-hour topic any more
    taken = {(1, utc(2026, 12, 1, 8, 30)): 1}
    left = {
        local: s.seats_left
        for local, s in zip(local_times(slots), candidate_slots(periods, PARIS, 60, taken), strict=True)
    }
    assert left == {"2026-12-01 09:00": 0, "2026-12-01 09:30": 0, "2026-12-01 10:00": 1}


def test_seats_per_slot_for_group_workshops():
    periods = expand_periods([rule(TUE, time(14, 0), time(16, 0), slot=120, seats=6)], [], [], *WEEK)
    taken = {(1, utc(2026, 12, 1, 13, 0)): 5}
    [slot] = candidate_slots(periods, PARIS, None, taken)
    assert (slot.capacity, slot.seats_left) == (6, 1)
    now = utc(2026, 11, 20, 12, 0)
    assert bookable_slots(periods, PARIS, None, taken, now, 30, 2) == [slot]
    assert bookable_slots(periods, PARIS, None, taken, now, 30, 2, party_size=2) == []
    taken[(1, utc(2026, 12, 1, 13, 0))] = 6
    assert bookable_slots(periods, PARIS, None, taken, now, 30, 2) == []


def test_validity_dates_of_a_rule():
    rules = [rule(TUE, time(9, 0), time(10, 0), valid_from=date(2026, 12, 8), valid_until=date(2026, 12, 15))]
    periods = expand_periods(rules, [], [], date(2026, 12, 1), date(2026, 12, 31))
    assert [p.day for p in periods] == [date(2026, 12, 8), date(2026, 12, 15)]


def test_extra_openings_add_slots_and_closures_remove_them():
    rules = [rule(TUE, time(9, 0), time(10, 0), helper=1), rule(TUE, time(9, 0), time(10, 0), helper=2)]
    extras = [
        extra(date(2026, 12, 5), time(10, 0), time(11, 0), helper=2),
        extra(date(2027, 1, 9), time(10, 0), time(11, 0)),
    ]
    periods = expand_periods(rules, extras, [], *WEEK)
    assert sorted((p.day, p.helper_id) for p in periods) == [
        (date(2026, 12, 1), 1),
        (date(2026, 12, 1), 2),
        (date(2026, 12, 5), 2),
    ]
    # helper 1 is away on Tuesday; the whole café is closed on Saturday
    closures = [
        closure(date(2026, 11, 30), date(2026, 12, 1), helper=1),
        closure(date(2026, 12, 5), date(2026, 12, 5)),
    ]
    periods = expand_periods(rules, extras, closures, *WEEK)
    assert [(p.day, p.helper_id) for p in periods] == [(date(2026, 12, 1), 2)]


def test_two_helpers_at_the_same_time_are_two_slots():
    rules = [rule(TUE, time(9, 0), time(9, 30), helper=1), rule(TUE, time(9, 0), time(9, 30), helper=2)]
    slots = candidate_slots(
        expand_periods(rules, [], [], *WEEK), PARIS, None, {(1, utc(2026, 12, 1, 8, 0)): 1}
    )
    assert [(s.helper_id, s.seats_left) for s in slots] == [(1, 0), (2, 1)]


def test_minimum_notice_and_booking_window():
    rules = [rule(d, time(10, 0), time(11, 0), slot=60) for d in range(7)]
    periods = expand_periods(rules, [], [], date(2026, 12, 1), date(2026, 12, 31))
    now = utc(2026, 12, 1, 7, 30)  # 8:30 in Paris
    slots = bookable_slots(periods, PARIS, None, {}, now, window_days=3, min_notice_hours=2)
    # today 10:00 is only 1 h 30 away; the window ends on the 4th (local date)
    assert local_times(slots) == ["2026-12-02 10:00", "2026-12-03 10:00", "2026-12-04 10:00"]
    slots = bookable_slots(periods, PARIS, None, {}, now, window_days=3, min_notice_hours=1)
    assert local_times(slots)[0] == "2026-12-01 10:00"


def test_slots_in_the_past_are_never_bookable():
    periods = expand_periods([rule(TUE, time(9, 0), time(12, 0))], [], [], *WEEK)
    now = utc(2026, 12, 1, 10, 5)  # 11:05 in Paris
    assert local_times(bookable_slots(periods, PARIS, None, {}, now, 30, 0)) == ["2026-12-01 11:30"]


def test_spring_clock_change_keeps_local_times():
    # Last Sunday of March 2027: clocks go from 2:00 to 3:00 in Paris.
    rules = [rule(d, time(10, 0), time(10, 30)) for d in (SAT, SUN, MON)]
    periods = expand_periods(rules, [], [], date(2027, 3, 27), date(2027, 3, 29))
    slots = candidate_slots(periods, PARIS, None, {})
    assert local_times(slots) == ["2027-03-27 10:00", "2027-03-28 10:00", "2027-03-29 10:00"]
    assert [s.starts_at for s in slots] == [
        utc(2027, 3, 27, 9, 0),
        utc(2027, 3, 28, 8, 0),
        utc(2027, 3, 29, 8, 0),
    ]


def test_autumn_clock_change_keeps_local_times():
    # Last Sunday of October 2027: clocks go from 3:00 back to 2:00 in Paris.
    rules = [rule(d, time(10, 0), time(10, 30)) for d in (SAT, SUN, MON)]
    periods = expand_periods(rules, [], [], date(2027, 10, 30), date(2027, 11, 1))
    slots = candidate_slots(periods, PARIS, None, {})
    assert local_times(slots) == ["2027-10-30 10:00", "2027-10-31 10:00", "2027-11-01 10:00"]
    assert [s.starts_at for s in slots] == [
        utc(2027, 10, 30, 8, 0),
        utc(2027, 10, 31, 9, 0),
        utc(2027, 11, 1, 9, 0),
    ]
    assert all(s.ends_at - s.starts_at == (slots[0].ends_at - slots[0].starts_at) for s in slots)


def test_booking_window_counts_days_across_the_clock_change():
    rules = [rule(d, time(10, 0), time(10, 30)) for d in range(7)]
    periods = expand_periods(rules, [], [], date(2027, 3, 26), date(2027, 4, 5))
    now = utc(2027, 3, 26, 12, 0)
    slots = bookable_slots(periods, PARIS, None, {}, now, window_days=3, min_notice_hours=0)
    assert local_times(slots) == ["2027-03-27 10:00", "2027-03-28 10:00", "2027-03-29 10:00"]


def test_an_overseas_cafe_uses_its_own_zone():
    periods = expand_periods([rule(TUE, time(9, 0), time(9, 30))], [], [], *WEEK)
    [slot] = candidate_slots(periods, REUNION, None, {})
    assert slot.starts_at == utc(2026, 12, 1, 5, 0)  # UTC+4, no DST
    assert group_by_day([slot], REUNION) == [(date(2026, 12, 1), [slot])]


def test_slot_keys_round_trip_and_reject_garbage():
    moment = utc(2026, 12, 1, 8, 30)
    assert parse_slot_key(slot_key(7, moment)) == (7, moment)
    for bad in ["", "x", "7-", "a-20261201T0830Z", "7-2026-12-01", "7-20261301T0830Z", None]:
        assert parse_slot_key(bad) is None
