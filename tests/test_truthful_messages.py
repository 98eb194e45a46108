"""Messages that tell the truth: why a slot is 'full', the contact a notice's author chose."""

from datetime import datetime, time, timedelta

from portal.blueprints.bookings import services
from portal.blueprints.bookings.slots import slot_key

from .test_bookings import BASE, helpdesk  # noqa: F401  (fixture)


def test_a_long_topic_running_into_the_next_booking_says_why_and_offers_times_that_fit(
    client,
    auth,
    db,
    helpdesk,  # noqa: F811
):
    cafe = helpdesk.cafe
    day = cafe.today() + timedelta(days=2)
    while cafe.holiday_on(day):
        day += timedelta(days=1)

    def key(hour, minute=0):
        starts = datetime.combine(day, time(hour, minute), tzinfo=cafe.zone)
        return slot_key(helpdesk.helper.id, starts)

    half_past_ten = services.find_slot(cafe, helpdesk.topic, key(10, 30), staff=True)
    services.book(cafe, helpdesk.topic, half_past_ten, name="Paul", phone="+33553000000")
    auth.login(helpdesk.team.helper)
    # The day view says 10 h has a seat…
    page = client.get(f"{BASE}/staff/?date={day.isoformat()}").get_data(as_text=True)
    assert key(10) in page
    # …and for a 60-minute topic, the answer says why it does not fit, and where it does.
    response = client.post(
        f"{BASE}/staff/book",
        data={"slot": key(10), "topic": str(helpdesk.long.id), "name": "Odette", "phone": "05 53 00 11 22"},
    )
    page = response.get_data(as_text=True).replace("\u00a0", " ")
    assert response.status_code == 409
    assert "10 h est libre, mais « Chercher un emploi » dure 60 minutes et 10 h 30 est déjà pris." in page
    fitting = page[page.index("Les heures de ce jour où il y a la place") :]
    fitting = fitting[: fitting.index("</ul>")]
    assert f"slot={key(9)}&amp;topic={helpdesk.long.id}" in fitting
    assert f"slot={key(11)}&amp;topic={helpdesk.long.id}" in fitting
    assert f"slot={key(9, 30)}&amp;" in fitting  # 9 h 30–10 h 30 fits too
    assert f"slot={key(10)}&amp;" not in fitting and f"slot={key(10, 30)}&amp;" not in fitting
    # Following one of them keeps the topic chosen.
    page = client.get(f"{BASE}/staff/book?slot={key(11)}&topic={helpdesk.long.id}").get_data(as_text=True)
    assert f'<option selected value="{helpdesk.long.id}">' in page


def test_an_author_waiting_for_moderation_sees_the_contact_they_chose(client, auth, db, cafe_a, resident):
    from portal.models import NoticeStatus

    from .test_noticeboard import add_notice

    notice = add_notice(cafe_a, resident, status=NoticeStatus.PENDING, relay_contact=True)
    auth.login(resident)
    page = client.get(f"/c/saint-jean-de-cole/board/{notice.id}").get_data(as_text=True)
    assert "Demandez au comptoir" not in page
    assert "vous écrire par le site" in page or "écrire par le site" in page


def test_the_moderation_count_follows_the_decisions(client, auth, db, team_a, resident):
    from portal.models import NoticeStatus

    from .test_noticeboard import add_notice

    notices = [
        add_notice(team_a.cafe, resident, title=f"Annonce {n}", status=NoticeStatus.PENDING) for n in range(4)
    ]
    auth.login(team_a.moderator)
    page = client.get("/c/saint-jean-de-cole/moderation/").get_data(as_text=True)
    assert "4 annonces à examiner" in page.replace("\u00a0", " ")
    response = client.post(
        f"/c/saint-jean-de-cole/moderation/notices/{notices[0].id}/approve", headers={"HX-Request": "true"}
    )
    fragment = response.get_data(as_text=True).replace("\u00a0", " ")
    assert 'id="queue-heading"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "3 annonces à examiner" in fragment
