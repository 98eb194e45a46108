"""Parcels at the counter: recorded in seconds, owners told, reminded, phoned, then forgotten."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.blueprints.parcels import services
from portal.blueprints.privacy import retention
from portal.models import Parcel, ShopSettings, WeeklyHours
from tests.conftest import form_value

BASE = "/c/saint-jean-de-cole/parcels"
# Monday 7 December 2026, 10:00 in Paris.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def counter(client, auth, db, team_a):
    cafe = team_a.cafe
    db.session.add_all(
        [
            WeeklyHours(cafe_id=cafe.id, weekday=d, opens=time(7, 30), closes=time(19, 0))
            for d in range(6)  # closed on Sundays
        ]
    )
    db.session.commit()
    with time_machine.travel(MONDAY, tick=False) as traveller:
        auth.login(team_a.staff)  # on the pinned clock: a login weeks old would be asked to confirm
        yield traveller


def record(client, **data):
    form = {"recipient": "Jeanne Martin", "carrier": "la_poste", **data}
    return client.post(f"{BASE}/new", data=form)


def only_parcel(db) -> Parcel:
    return db.session.scalars(select(Parcel)).one()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_staff_record_a_parcel_and_the_owner_gets_an_email(app, client, db, counter, outbox):
    response = record(client, email="jeanne@example.org", carrier="mondial_relay", keep_until="2026-12-12")
    assert response.status_code == 303
    parcel = only_parcel(db)
    assert (parcel.recipient, parcel.carrier, parcel.keep_until) == (
        "Jeanne Martin",
        "mondial_relay",
        date(2026, 12, 12),
    )
    assert parcel.notified_at is not None
    mail = outbox[-1]
    assert mail["To"] == "jeanne@example.org"
    body = re.sub(r"\s+", " ", mail.get_content())
    assert (
        "Votre colis vous attend au Café de Saint-Jean-de-Côle jusqu’au samedi 12 décembre, "
        "aux heures d’ouverture : lundi 7 h 30–19 h" in body
    )
    assert "dimanche" not in body
    assert f"{app.config['PUBLIC_BASE_URL']}/c/saint-jean-de-cole/" in body
    page = text_of(client.get(f"{BASE}/"))
    assert "Jeanne Martin" in page and "Prévenu par message" in page


def test_a_double_tap_records_one_parcel_and_sends_one_message(client, db, counter, outbox):
    """Issue 9 item 6 for parcels: the form's own key, unique in the database."""
    key = form_value(client.get(f"{BASE}/").get_data(as_text=True), "form_key")
    assert key and len(key) >= 20
    answers = [record(client, email="jeanne@example.org", form_key=key) for _ in range(3)]
    assert [a.status_code for a in answers] == [303] * 3
    parcel = only_parcel(db)
    assert parcel.recipient == "Jeanne Martin"
    assert [m["To"] for m in outbox] == ["jeanne@example.org"]
    # The next parcel, with the next form, is another parcel.
    other = form_value(client.get(f"{BASE}/").get_data(as_text=True), "form_key")
    assert other != key
    record(client, email="jeanne@example.org", form_key=other)
    assert len(db.session.scalars(select(Parcel)).all()) == 2


def test_the_same_parcel_form_sent_five_times_at_once_records_one(db, team_a, log_in, race, outbox):
    staff = [log_in(team_a.staff) for _ in range(5)]
    data = {
        "recipient": "Jeanne Martin",
        "carrier": "la_poste",
        "email": "jeanne@example.org",
        "form_key": "p" * 24,
    }
    statuses = race(lambda client: client.post(f"{BASE}/new", data=data).status_code, staff)
    assert statuses == [303] * 5
    assert len(db.session.scalars(select(Parcel)).all()) == 1
    assert len(outbox) == 1


def test_the_carriers_usual_hold_is_the_default_deadline(client, db, counter):
    record(client, carrier="mondial_relay", email="a@example.org")
    assert only_parcel(db).keep_until == date(2026, 12, 12)  # 5 days for Mondial Relay


def test_a_mobile_gets_an_sms(app, client, db, counter):
    record(client, phone="06 12 34 56 78")
    assert app.extensions["sms_outbox"][-1][0] == "+33612345678"
    assert "Votre colis vous attend" in app.extensions["sms_outbox"][-1][1]


def test_a_landline_only_owner_is_on_the_people_to_phone_list_until_phoned(client, db, counter, outbox):
    record(client, phone="05 53 12 34 56")
    parcel = only_parcel(db)
    assert parcel.notified_at is None and outbox == []
    page = client.get(f"{BASE}/").get_data(as_text=True)
    to_phone = page[page.index('id="to-phone"') : page.index('id="due-soon-heading"')]
    assert "Jeanne Martin" in to_phone and "05 53 12 34 56" in to_phone
    assert client.post(f"{BASE}/{parcel.id}/phoned").status_code == 303
    page = client.get(f"{BASE}/").get_data(as_text=True)
    to_phone = page[page.index('id="to-phone"') : page.index('id="due-soon-heading"')]
    assert "Jeanne Martin" not in to_phone


def test_bad_input_is_refused_next_to_the_field(client, db, counter):
    response = record(client, recipient="", phone="12")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="recipient-error"' in html and 'id="phone-error"' in html
    assert db.session.scalars(select(Parcel)).all() == []


def test_the_reminder_goes_the_day_before_the_deadline_once(app, client, db, counter, outbox):
    record(client, email="jeanne@example.org", keep_until="2026-12-09")
    record(client, recipient="Paul", phone="05 53 00 00 00", keep_until="2026-12-09")  # landline: no reminder
    outbox.clear()
    with app.test_request_context():
        assert services.send_reminders() == 0  # Monday: the deadline is Wednesday
        counter.move_to(datetime(2026, 12, 8, 8, 0, tzinfo=UTC))
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert len(outbox) == 1
    assert "demain" in outbox[0].get_content()


def test_the_send_reminders_command_includes_parcels(app, client, db, counter, outbox):
    record(client, email="jeanne@example.org", keep_until="2026-12-08")
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "1 parcel reminder(s) sent." in result.output


def test_the_counter_list_waiting_due_soon_past_the_deadline_collected_and_returned(
    client, db, counter, team_a
):
    record(client, recipient="Due", email="a@example.org", keep_until="2026-12-08")
    record(client, recipient="Later", email="b@example.org", keep_until="2026-12-15")
    record(client, recipient="Late", email="c@example.org", keep_until="2026-12-06")
    record(client, recipient="Taken", email="d@example.org", keep_until="2026-12-15")
    record(client, recipient="Back", email="e@example.org", keep_until="2026-12-06")
    ids = {p.recipient: p.id for p in db.session.scalars(select(Parcel))}
    assert client.post(f"{BASE}/{ids['Taken']}/collected").status_code == 303
    assert client.post(f"{BASE}/{ids['Back']}/returned").status_code == 303
    assert client.post(f"{BASE}/{ids['Taken']}/collected").status_code == 303  # a second tap changes nothing
    lists = services.counter_lists(team_a.cafe)
    assert [p.recipient for p in lists.due_soon] == ["Due"]
    assert [p.recipient for p in lists.waiting] == ["Later"]
    assert [p.recipient for p in lists.to_return] == ["Late"]
    assert [p.recipient for p in lists.collected] == ["Taken"]
    assert lists.collected[0].handed_over_by_id == team_a.staff.id
    assert [p.recipient for p in lists.returned] == ["Back"]
    page = text_of(client.get(f"{BASE}/"))
    assert "remis par Serveur a" in page


def test_personal_data_is_blanked_after_the_retention_period(client, db, counter, team_a):
    db.session.add(ShopSettings(cafe_id=team_a.cafe.id, parcel_retention_days=10))
    db.session.commit()
    record(client, recipient="Taken", email="d@example.org")
    record(client, recipient="Waiting", email="w@example.org", keep_until="2027-01-30")
    taken = db.session.scalars(select(Parcel).where(Parcel.recipient == "Taken")).one()
    client.post(f"{BASE}/{taken.id}/collected")
    # The map-driven retention (purge-personal-data) runs the parcels' rule: (orders, regulars, parcels).
    assert retention.anonymise_shop(team_a.cafe, MONDAY + timedelta(days=9))[2] == 0
    assert retention.anonymise_shop(team_a.cafe, MONDAY + timedelta(days=11))[2] == 1
    db.session.refresh(taken)
    assert (taken.recipient, taken.email, taken.phone) == ("", "", "")
    assert taken.status == "collected" and taken.carrier == "la_poste"
    assert db.session.scalars(select(Parcel).where(Parcel.recipient == "Waiting")).one().email


def test_parcels_are_for_the_cafes_staff_only(client, auth, db, team_a, team_b, resident):
    auth.logout()
    assert client.get(f"{BASE}/").status_code == 302
    for user in (resident, team_b.staff, team_a.helper):
        auth.login(user)
        assert client.get(f"{BASE}/").status_code == 403
        assert client.post(f"{BASE}/new", data={"recipient": "X"}).status_code == 403
        assert client.post(f"{BASE}/1/collected").status_code == 403
        auth.logout()
    assert db.session.scalars(select(Parcel)).all() == []


def test_another_cafes_parcels_are_404(app, client, auth, db, team_a, team_b):
    with app.test_request_context():
        other = services.record_parcel(
            team_b.cafe, recipient="Zéphyrin Autrecafé", email="x@example.org", actor=None
        )
    auth.login(team_a.staff)
    for action in ("collected", "returned", "phoned"):
        assert client.post(f"{BASE}/{other.id}/{action}").status_code == 404
    assert "Zéphyrin" not in client.get(f"{BASE}/").get_data(as_text=True)
    db.session.refresh(other)
    assert other.status == "waiting"


def test_the_counter_list_query_count_does_not_grow(client, db, counter, count_queries):
    record(client, email="a@example.org")
    with count_queries() as few:
        assert client.get(f"{BASE}/").status_code == 200
    for n in range(12):
        record(client, recipient=f"P{n}", phone="05 53 00 00 00")
    first = db.session.scalars(select(Parcel)).first()
    client.post(f"{BASE}/{first.id}/collected")
    with count_queries() as many:
        assert client.get(f"{BASE}/").status_code == 200
    assert many.count == few.count


def test_landline_parcels_are_on_the_digital_help_day_view_for_staff_only(client, auth, db, counter, team_a):
    record(client, recipient="Germaine Roux", phone="05 53 12 34 56")
    page = client.get("/c/saint-jean-de-cole/help/staff/").get_data(as_text=True)
    assert "À appeler pour un colis" in page and "Germaine Roux" in page
    auth.logout()
    auth.login(team_a.helper)
    assert "Germaine Roux" not in client.get("/c/saint-jean-de-cole/help/staff/").get_data(as_text=True)
