"""Nothing is offered while the café is shut: its week, its exceptions, the public holidays."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from portal.blueprints.bookings import services
from portal.blueprints.bookings.slots import Period, clip_to_opening
from portal.models import AvailabilityRule, HelpTopic, HoursException, Role, WeeklyHours, utcnow
from portal.opening_hours import hours_for_day, opening_intervals
from portal.public_holidays import subdivision_of

from .conftest import make_cafe, make_user

BASE = "/c/saint-jean-de-cole/help"


def local_days(cafe, slots):
    return {s.starts_at.astimezone(cafe.zone).date() for s in slots}


def local_times(cafe, slots, day):
    return [
        s.starts_at.astimezone(cafe.zone).time()
        for s in slots
        if s.starts_at.astimezone(cafe.zone).date() == day
    ]


def week_hours(cafe, periods):
    return [
        WeeklyHours(cafe=cafe, weekday=d, opens=opens, closes=closes)
        for d in range(7)
        for opens, closes in periods
    ]


@pytest.fixture
def helpdesk(db, team_a):
    """A café open 7 h 30–12 h 30 and 15 h–19 h every day; a helper 9 h–17 h every day, 30-min slots."""
    cafe = team_a.cafe
    topic = HelpTopic(cafe=cafe, name="Impôts en ligne", duration_minutes=30)
    long_topic = HelpTopic(cafe=cafe, name="Dossier CAF", duration_minutes=90, position=1)
    rules = [
        AvailabilityRule(cafe=cafe, helper_id=team_a.helper.id, weekday=d, starts=time(9), ends=time(17))
        for d in range(7)
    ]
    db.session.add_all(
        [topic, long_topic, *rules, *week_hours(cafe, [(time(7, 30), time(12, 30)), (time(15), time(19))])]
    )
    db.session.commit()
    return SimpleNamespace(cafe=cafe, topic=topic, long=long_topic, helper=team_a.helper, team=team_a)


def noon_utc(day: date) -> datetime:
    return datetime.combine(day, time(6), tzinfo=UTC)


# --- pure ------------------------------------------------------------------------------------------


def test_periods_are_cut_to_the_opening_hours_on_their_own_grid():
    period = Period(1, date(2026, 12, 3), time(9), time(17), 30, 1)
    hours = {date(2026, 12, 3): [(time(7, 30), time(12, 30)), (time(15, 10), time(19))]}
    parts = clip_to_opening([period], hours.get)
    assert [(p.starts, p.ends) for p in parts] == [(time(9), time(12, 30)), (time(15, 30), time(17))]
    # Unknown hours rule nothing out; a shut day rules everything out.
    assert clip_to_opening([period], lambda day: None) == [period]
    assert clip_to_opening([period], lambda day: []) == []


def test_french_public_holidays_by_region(db):
    assert subdivision_of("24800") is None
    assert subdivision_of("97400") == "974" and subdivision_of("", "RE") == "974"
    assert subdivision_of("57000") == "57" and subdivision_of("67000") == "6AE"
    mainland = make_cafe("thiviers", "Thiviers", "24800", "Dordogne")
    reunion = make_cafe("cilaos", "Cilaos", "97413", "La Réunion", timezone="Indian/Reunion")
    assert mainland.holiday_on(date(2026, 12, 25)) == "Noël"
    assert mainland.holiday_on(date(2026, 12, 20)) is None
    assert reunion.holiday_on(date(2026, 12, 20)) == "Abolition de l'esclavage"
    assert hours_for_day(reunion, date(2026, 12, 20)).closed
    assert hours_for_day(reunion, date(2026, 12, 20)).note == "Abolition de l'esclavage"


def test_an_exception_opens_a_public_holiday(db, cafe_a):
    christmas = date(2026, 12, 25)
    db.session.add_all(week_hours(cafe_a, [(time(8), time(12))]))
    db.session.commit()
    assert opening_intervals(cafe_a, christmas) == []
    db.session.add(
        HoursException(
            cafe=cafe_a, day=christmas, closed=False, opens=time(9), closes=time(11), label="Noël au café"
        )
    )
    db.session.commit()
    assert opening_intervals(cafe_a, christmas) == [(time(9), time(11))]


# --- slots --------------------------------------------------------------------------------------------


def test_no_slot_during_the_lunch_closing_nor_a_long_topic_across_it(db, helpdesk):
    cafe = helpdesk.cafe
    day = date(2026, 12, 3)  # a Thursday
    slots = services.free_slots(cafe, helpdesk.topic, now=noon_utc(day - timedelta(days=1)))
    times = local_times(cafe, slots, day)
    assert times[0] == time(9) and times[-1] == time(16, 30)
    assert not [t for t in times if time(12, 30) <= t < time(15)]
    long_times = local_times(
        cafe, services.free_slots(cafe, helpdesk.long, now=noon_utc(day - timedelta(days=1))), day
    )
    assert long_times == [time(9), time(9, 30), time(10), time(10, 30), time(11), time(15), time(15, 30)]


def test_no_slot_on_an_exceptional_closing_nor_a_weekly_closed_day(db, helpdesk):
    cafe = helpdesk.cafe
    tuesday = date(2026, 12, 8)
    db.session.add(HoursException(cafe=cafe, day=tuesday, closed=True, label="Fermeture exceptionnelle"))
    # Closed on Mondays: no weekly hours that day.
    for hours in [h for h in cafe.weekly_hours if h.weekday == 0]:
        db.session.delete(hours)
    db.session.commit()
    days = local_days(cafe, services.free_slots(cafe, helpdesk.topic, now=noon_utc(date(2026, 12, 1))))
    assert tuesday not in days and date(2026, 12, 7) not in days
    assert date(2026, 12, 9) in days


def test_no_slot_on_public_holidays_mainland_and_reunion(db, helpdesk):
    cafe = helpdesk.cafe
    now = noon_utc(date(2026, 12, 18))
    days = local_days(cafe, services.free_slots(cafe, helpdesk.topic, now=now))
    assert date(2026, 12, 25) not in days and date(2026, 12, 20) in days and date(2026, 12, 24) in days

    reunion = make_cafe("cilaos", "Cilaos", "97413", "La Réunion", timezone="Indian/Reunion")
    helper = make_user("aidant.cilaos@example.org", "Aidant Cilaos", Role.HELPER, reunion)
    topic = HelpTopic(cafe=reunion, name="Ameli", duration_minutes=30)
    rules = [
        AvailabilityRule(cafe=reunion, helper_id=helper.id, weekday=d, starts=time(9), ends=time(12))
        for d in range(7)
    ]
    db.session.add_all([topic, *rules])
    db.session.commit()
    days = local_days(reunion, services.free_slots(reunion, topic, now=now))
    assert date(2026, 12, 20) not in days and date(2026, 12, 25) not in days and date(2026, 12, 21) in days


def test_topic_page_and_counter_never_offer_a_closed_day(client, auth, db, helpdesk):
    cafe = helpdesk.cafe
    closed_day = cafe.today() + timedelta(days=2)
    db.session.add(HoursException(cafe=cafe, day=closed_day, closed=True, label="Fermeture exceptionnelle"))
    db.session.commit()
    open_day = cafe.today() + timedelta(days=3)
    slots = services.free_slots(cafe, helpdesk.topic)
    assert closed_day not in local_days(cafe, slots)
    page = client.get(f"{BASE}/{helpdesk.topic.id}/").get_data(as_text=True)
    if any(cafe.holiday_on(open_day + timedelta(days=n)) for n in range(2)):
        pytest.skip("a public holiday next to the test days")
    for slot in slots:
        assert slot.key in page or slot.starts_at.astimezone(cafe.zone).date() != open_day
    assert not [
        s for s in page.split('value="')[1:] if s.startswith(f"{helpdesk.helper.id}-{closed_day:%Y%m%d}")
    ]
    assert f"{helpdesk.helper.id}-{closed_day:%Y%m%d}" not in page
    # Counter step 2.
    auth.login(helpdesk.team.staff)
    client.post(f"{BASE}/counter/start")
    auth.logout()
    page = client.get(f"{BASE}/counter/{helpdesk.topic.id}/").get_data(as_text=True)
    assert f"{helpdesk.helper.id}-{closed_day:%Y%m%d}" not in page
    assert "-" + f"{closed_day:%Y%m%d}" not in page
    # And a slot key typed by hand for that day is refused.
    nine = datetime.combine(closed_day, time(9), tzinfo=cafe.zone).astimezone(UTC)
    key = f"{helpdesk.helper.id}-{nine:%Y%m%dT%H%MZ}"
    with pytest.raises(services.SlotUnavailable):
        services.find_slot(cafe, helpdesk.topic, key, now=utcnow())


# --- staff are warned ---------------------------------------------------------------------------------


def test_a_weekly_opening_while_the_cafe_is_shut_asks_to_confirm(client, auth, db, helpdesk):
    auth.login(helpdesk.team.staff)
    form = {
        "helper": str(helpdesk.helper.id),
        "weekday": "3",
        "starts": "14:00",
        "ends": "17:00",
        "slot_minutes": "30",
        "seats": "1",
    }
    response = client.post(f"{BASE}/staff/setup/rules", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "le café est ouvert 7 h 30–12 h 30, 15 h–19 h" in page.replace("\u00a0", " ").replace("\u2060", "")
    assert 'name="outside_hours_ok"' in page and 'value="14:00"' in page
    assert db.session.query(AvailabilityRule).filter_by(weekday=3).count() == 1
    response = client.post(f"{BASE}/staff/setup/rules", data={**form, "outside_hours_ok": "y"})
    assert response.status_code == 303
    assert db.session.query(AvailabilityRule).filter_by(weekday=3).count() == 2
    # The list says it too, next to each opening: the 7 rules of 9 h–17 h span the lunch closing.
    page = client.get(f"{BASE}/staff/setup").get_data(as_text=True)
    assert page.count('class="warning"') == 8
    # Inside the hours: no question asked.
    response = client.post(f"{BASE}/staff/setup/rules", data={**form, "weekday": "4", "starts": "15:00"})
    assert response.status_code == 303


def test_an_extra_date_on_a_public_holiday_asks_to_confirm(client, auth, db, helpdesk):
    auth.login(helpdesk.team.staff)
    form = {"helper": str(helpdesk.helper.id), "day": "2026-12-25", "starts": "09:00", "ends": "11:00"}
    form |= {"slot_minutes": "30", "seats": "1"}
    page = client.post(f"{BASE}/staff/setup/extras", data=form).get_data(as_text=True)
    assert "Le café est fermé le vendredi 25 décembre (Noël)" in page.replace("\u00a0", " ")
    assert (
        client.post(f"{BASE}/staff/setup/extras", data={**form, "outside_hours_ok": "y"}).status_code == 303
    )


def test_an_event_at_the_cafe_while_it_is_shut_asks_to_confirm(client, auth, db, helpdesk):
    from .test_events import event_form

    auth.login(helpdesk.team.staff)
    day = helpdesk.cafe.today() + timedelta(days=9)
    while helpdesk.cafe.holiday_on(day):
        day += timedelta(days=1)
    form = event_form(day=day.isoformat(), start_time="20:00", end_time="23:00")
    response = client.post("/c/saint-jean-de-cole/events/manage/new", data=form)
    page = response.get_data(as_text=True).replace("\u00a0", " ").replace("\u2060", "")
    assert response.status_code == 422 and "n’est ouvert que 7 h 30–12 h 30, 15 h–19 h" in page
    assert (
        client.post(
            "/c/saint-jean-de-cole/events/manage/new", data={**form, "outside_hours_ok": "y"}
        ).status_code
        == 303
    )
    # Somewhere else: the café's hours don't matter.
    elsewhere = {**form, "place_kind": "elsewhere", "place": "Salle des fêtes", "title": "Bal"}
    assert client.post("/c/saint-jean-de-cole/events/manage/new", data=elsewhere).status_code == 303


def test_closed_now_says_when_the_cafe_reopens(app, client, db, cafe_a):
    from portal.opening_hours import reopening_in_words

    db.session.add_all(week_hours(cafe_a, [(time(7, 30), time(12, 30)), (time(15), time(19))]))
    db.session.add(HoursException(cafe=cafe_a, day=cafe_a.today(), closed=True, label="Inventaire"))
    db.session.commit()
    with app.test_request_context():
        sunday_night = datetime(2026, 12, 6, 22, tzinfo=cafe_a.zone)
        assert reopening_in_words(cafe_a, sunday_night) == "Ouvre demain à 7\u00a0h\u00a030"
        lunch = datetime(2026, 12, 7, 13, tzinfo=cafe_a.zone)
        assert reopening_in_words(cafe_a, lunch) == "Ouvre aujourd’hui à 15\u00a0h"
        christmas_eve = datetime(2026, 12, 24, 20, tzinfo=cafe_a.zone)
        assert reopening_in_words(cafe_a, christmas_eve) == "Ouvre samedi à 7\u00a0h\u00a030"
    if cafe_a.holiday_on(cafe_a.today() + timedelta(days=1)):
        pytest.skip("tomorrow is a public holiday")
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert "Fermé en ce moment · Ouvre demain à 7\u00a0h\u00a030" in page


def test_a_repeating_event_names_every_date_that_falls_while_the_cafe_is_shut(
    client, auth, db, helpdesk, clock
):
    """Not only the first date: every occurrence of the series is checked."""
    from .test_events import event_form

    stock_taking = HoursException(cafe=helpdesk.cafe, day=date(2026, 12, 11), closed=True, label="Inventaire")
    db.session.add(stock_taking)
    db.session.commit()
    auth.login(helpdesk.team.staff)
    # Fridays 16 h–18 h from 4 December, four times: the 11th is closed for stock-taking, the
    # 25th is Christmas; the first date is fine.
    form = event_form(
        day="2026-12-04", start_time="16:00", end_time="18:00", recurrence="weekly", repeat_count="4"
    )
    response = client.post("/c/saint-jean-de-cole/events/manage/new", data=form)
    page = response.get_data(as_text=True).replace("\u00a0", " ").replace("\u2060", "")
    assert response.status_code == 422
    assert (
        "2 dates de la série tombent quand le café est fermé : vendredi 11 décembre (Inventaire), "
        "vendredi 25 décembre (Noël)." in page
    )
    assert "4 décembre (" not in page and "18 décembre (" not in page
    # A single date out of the hours is named the usual way.
    only_christmas = {**form, "day": "2026-12-18", "repeat_count": "2"}
    page = client.post("/c/saint-jean-de-cole/events/manage/new", data=only_christmas).get_data(as_text=True)
    assert "Le café est fermé le vendredi 25 décembre (Noël)." in page.replace("\u00a0", " ")
    # A series ending by a date, running into the lunch closing on one day only.
    db.session.add(
        HoursException(
            cafe=helpdesk.cafe, day=date(2026, 12, 15), closed=False, opens=time(7, 30), closes=time(17)
        )
    )
    db.session.commit()
    until = {**form, "day": "2026-12-01", "repeat_count": "", "repeat_until": "2026-12-22"}
    page = client.post("/c/saint-jean-de-cole/events/manage/new", data=until).get_data(as_text=True)
    page = page.replace("\u00a0", " ").replace("\u2060", "")
    assert "Le mardi 15 décembre, le café n’est ouvert que 7 h 30–17 h." in page
    # Staff may keep the series anyway.
    confirmed = client.post("/c/saint-jean-de-cole/events/manage/new", data={**form, "outside_hours_ok": "y"})
    assert confirmed.status_code == 303
