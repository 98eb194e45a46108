"""A café's public page: details, hours with exceptions, services, contact."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.blueprints.cafes.services import hours_for_day, is_open_at, local_now
from portal.models import CafeService, HoursException, WeeklyHours, utcnow

from .conftest import text


@pytest.fixture
def open_cafe(db, cafe_a):
    cafe_a.address = "2 place du Château"
    cafe_a.phone = "+33553620000"
    cafe_a.email = "contact@example.org"
    cafe_a.description = "Le café du village."
    cafe_a.services = [CafeService(key="post_relay"), CafeService(key="bread_depot")]
    cafe_a.weekly_hours = [
        WeeklyHours(weekday=d, opens=time(8, 0), closes=time(12, 30)) for d in range(7)
    ] + [WeeklyHours(weekday=4, opens=time(18, 0), closes=time(1, 0))]  # Friday night until 1 am
    db.session.commit()
    return cafe_a


def test_cafe_page_shows_details_hours_services_and_contact(client, open_cafe):
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert "<h1>Café de Saint-Jean-de-Côle</h1>" in page
    assert "2 place du Château" in page
    assert 'href="tel:+33553620000"' in page and "05 53 62 00 00" in page
    assert "contact@example.org" in page
    assert "Le café du village." in page
    assert "8 h–12 h 30" in text(page)
    assert "Relais poste" in page and "Dépôt de pain" in page


def test_cafe_page_has_room_for_events_bookings_and_notices(client, open_cafe):
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    for heading in ('id="events-heading"', 'id="help-heading"', 'id="board-heading"'):
        assert heading in page


def test_exceptional_closure_replaces_the_usual_hours(client, db, open_cafe):
    tomorrow = local_now(open_cafe).date() + timedelta(days=1)
    db.session.add(HoursException(cafe=open_cafe, day=tomorrow, closed=True, label="Assomption"))
    db.session.commit()
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert "Assomption" in page
    assert hours_for_day(open_cafe, tomorrow).closed


def test_special_hours_for_a_fete(db, open_cafe):
    fete = date(2030, 7, 14)
    db.session.add(
        HoursException(cafe=open_cafe, day=fete, closed=False, opens=time(10), closes=time(2), label="Fête")
    )
    db.session.commit()
    day = hours_for_day(open_cafe, fete)
    assert day.periods == [(time(10), time(2))]
    # Open at 1 am the night after the fête, closed again at 3 am.
    assert is_open_at(open_cafe, datetime(2030, 7, 14, 23, 0, tzinfo=UTC))  # 01:00 in Paris (UTC+2)
    assert not is_open_at(open_cafe, datetime(2030, 7, 15, 1, 0, tzinfo=UTC))  # 03:00 in Paris


def test_open_now_follows_the_cafe_time_zone(db, open_cafe):
    # Thursday 2030-01-10, 10:00 in Paris is 09:00 UTC: open (8:00–12:30).
    assert is_open_at(open_cafe, datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    # 13:00 in Paris: the lunch closure.
    assert not is_open_at(open_cafe, datetime(2030, 1, 10, 12, 0, tzinfo=UTC))
    open_cafe.timezone = "Indian/Reunion"  # UTC+4: 09:00 UTC is 13:00 there
    assert not is_open_at(open_cafe, datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    assert is_open_at(open_cafe, datetime(2030, 1, 10, 5, 0, tzinfo=UTC))


def test_period_running_past_midnight_counts_on_the_next_morning(open_cafe):
    # Friday 2030-01-11 18:00–01:00 in Paris (UTC+1): open at 00:30 on Saturday.
    assert is_open_at(open_cafe, datetime(2030, 1, 11, 23, 30, tzinfo=UTC))
    assert not is_open_at(open_cafe, datetime(2030, 1, 12, 0, 30, tzinfo=UTC))  # 01:30


def test_open_status_is_shown(client, open_cafe):
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    expected = "Ouvert en ce moment" if is_open_at(open_cafe, utcnow()) else "Fermé en ce moment"
    assert expected in page


def test_unknown_cafe_is_404(client, cafe_a):
    response = client.get("/c/no-such-cafe/")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_closed_cafe_is_404_for_the_public_but_visible_to_the_network(
    client, db, auth, cafe_a, admin, team_a
):
    cafe_a.closed_at = utcnow()
    db.session.commit()
    assert client.get("/c/saint-jean-de-cole/").status_code == 404
    auth.login(team_a.manager)
    assert client.get("/c/saint-jean-de-cole/").status_code == 404
    auth.logout()
    auth.login(admin)
    response = client.get("/c/saint-jean-de-cole/")
    assert response.status_code == 200
    assert "seule l’équipe du réseau" in response.get_data(as_text=True).replace("'", "’")


@pytest.mark.parametrize("who", ["helper", "staff", "moderator", "manager"])
def test_staff_see_the_link_to_their_staff_area(client, auth, team_a, who):
    auth.login(getattr(team_a, who))
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert 'href="/c/saint-jean-de-cole/manage/"' in page


def test_residents_and_other_cafes_staff_do_not_see_the_staff_link(client, auth, team_a, team_b, resident):
    assert "/manage/" not in client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    auth.login(resident)
    assert "/manage/" not in client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    auth.logout()
    auth.login(team_b.manager)
    assert "/manage/" not in client.get("/c/saint-jean-de-cole/").get_data(as_text=True)


def test_cafe_page_query_count_is_small(client, open_cafe, count_queries):
    client.get("/c/saint-jean-de-cole/")
    with count_queries() as counter:
        client.get("/c/saint-jean-de-cole/")
    # café, services, weekly hours, exceptions; this week's events and their date changes;
    # help topics; the latest notices and their authors
    assert counter.count <= 9


def test_cafe_page_offers_shortcuts_to_its_sections(client, open_cafe):
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert 'aria-label="Sur cette page"' in page
    for target in ("events-heading", "help-heading", "board-heading", "hours-heading"):
        assert f'href="#{target}"' in page and f'id="{target}"' in page
