"""The printed programme: the days to come by default, the café's hours and phone on the poster."""

from datetime import date, time

from portal.blueprints.events import services
from portal.models import WeeklyHours

from .test_events import make_event

BASE = "/c/saint-jean-de-cole"


def test_the_week_is_the_7_days_from_today_even_on_a_sunday(db, cafe_a):
    sunday = date(2026, 11, 29)
    assert services.programme_window(cafe_a, "week", 0, sunday) == (date(2026, 11, 29), date(2026, 12, 5))
    assert services.programme_window(cafe_a, "week", 1, sunday) == (date(2026, 12, 6), date(2026, 12, 12))


def test_the_month_never_shows_days_gone_by_and_turns_over_in_its_last_week(db, cafe_a):
    assert services.programme_window(cafe_a, "month", 0, date(2026, 12, 10)) == (
        date(2026, 12, 10),
        date(2026, 12, 31),
    )
    assert services.programme_window(cafe_a, "month", 1, date(2026, 12, 10)) == (
        date(2027, 1, 1),
        date(2027, 1, 31),
    )
    # On the last day of a month (and in its last week), the poster is for the month to come.
    assert services.programme_window(cafe_a, "month", 0, date(2026, 11, 30)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert services.programme_window(cafe_a, "month", 0, date(2026, 11, 24)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )


def test_default_programme_shows_the_coming_days(client, db, cafe_a):
    make_event(cafe_a, "Loto", days=1)
    make_event(cafe_a, "Belote", days=6)
    make_event(cafe_a, "Marché", days=8)
    page = client.get(f"{BASE}/events/programme").get_data(as_text=True)
    assert "Loto" in page and "Belote" in page and "Marché" not in page
    assert "Rien de prévu" not in page
    page = client.get(f"{BASE}/events/programme?offset=1").get_data(as_text=True)
    assert "Marché" in page and "Loto" not in page


def test_the_poster_shows_hours_address_and_phone(client, db, cafe_a):
    cafe_a.address = "2 place du Château"
    cafe_a.phone = "+33553620000"
    db.session.add(WeeklyHours(cafe=cafe_a, weekday=1, opens=time(7, 30), closes=time(12, 30)))
    db.session.commit()
    page = client.get(f"{BASE}/events/programme?period=month").get_data(as_text=True)
    poster = page[page.index('class="programme-poster"') :]
    assert "2 place du Château" in poster and "24800 Saint-Jean-de-Côle" in poster
    assert 'class="programme-phone">05 53 62 00 00' in poster
    assert "7\u00a0h\u00a030\u2060–\u206012\u00a0h\u00a030" in poster and "Fermé" in poster


def _booking_on(db, cafe, topic, helper, day, name):
    from datetime import datetime, timedelta

    from portal.models import Booking

    starts = datetime.combine(day, time(10), tzinfo=cafe.zone)
    db.session.add(
        Booking(
            cafe_id=cafe.id,
            topic=topic,
            helper_id=helper.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            name=name,
            phone="+33553000000",
            code=name[:6].upper(),
            status="booked",
        )
    )


def _week_page(client, query=""):
    import re

    page = client.get(f"{BASE}/help/staff/week{query}").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    return page, heading


def test_the_staff_week_is_monday_to_sunday_and_turns_over_on_saturday_afternoon(
    client, auth, db, team_a, clock
):
    from datetime import datetime

    from portal.models import HelpTopic

    cafe = team_a.cafe
    topic = HelpTopic(cafe=cafe, name="Impôts en ligne", duration_minutes=30)
    db.session.add(topic)
    _booking_on(db, cafe, topic, team_a.helper, date(2026, 11, 23), "Lucie Lundi")  # Monday
    _booking_on(db, cafe, topic, team_a.helper, date(2026, 11, 29), "Denise Dimanche")  # Sunday
    _booking_on(db, cafe, topic, team_a.helper, date(2026, 11, 30), "Marcel Lundi")  # next Monday
    db.session.commit()
    # On Wednesday: Monday 23 to Sunday 29, days gone by included.
    clock.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=cafe.zone))
    auth.login(team_a.helper)
    page, heading = _week_page(client)
    assert heading == "Semaine du lundi 23 novembre au dimanche 29 novembre"
    assert "Lucie Lundi" in page and "Denise Dimanche" in page and "Marcel Lundi" not in page
    assert 'aria-current="date">Mercredi 25 novembre</a>' in page

    # Saturday morning: still this week. Saturday afternoon and Sunday: the coming week.
    clock.move_to(datetime(2026, 11, 28, 11, 0, tzinfo=cafe.zone))
    auth.logout()
    auth.login(team_a.helper)  # a staff session asks for the password again after hours
    assert _week_page(client)[1] == "Semaine du lundi 23 novembre au dimanche 29 novembre"
    for moment in (datetime(2026, 11, 28, 14, 0), datetime(2026, 11, 29, 10, 0)):
        clock.move_to(moment.replace(tzinfo=cafe.zone))
        auth.logout()
        auth.login(team_a.helper)
        page, heading = _week_page(client)
        assert heading == "Semaine du lundi 30 novembre au dimanche 6 décembre"
        assert "Marcel Lundi" in page and "Denise Dimanche" not in page

    # Previous and next are plain links to real weeks; any day names its week.
    assert '<a href="/c/saint-jean-de-cole/help/staff/week?start=2026-11-23" rel="prev">' in page
    assert '<a href="/c/saint-jean-de-cole/help/staff/week?start=2026-12-07" rel="next">' in page
    page, heading = _week_page(client, "?start=2026-11-23")
    assert heading == "Semaine du lundi 23 novembre au dimanche 29 novembre"
    assert "Denise Dimanche" in page and "Semaine en cours" in page
    assert _week_page(client, "?start=2026-11-26")[1] == heading
    assert "Semaine en cours" not in _week_page(client)[0]
