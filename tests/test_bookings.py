"""Digital-help bookings: residents without an account, staff at the counter, the kiosk, the commands."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time as time_module
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from portal.blueprints.bookings import services
from portal.blueprints.bookings.slots import slot_key
from portal.codes import CODE_ALPHABET
from portal.models import (
    AuditEntry,
    AvailabilityRule,
    Booking,
    CafeBookingSettings,
    Closure,
    HelpTopic,
    HoursException,
    Slot,
    utcnow,
)

from .conftest import form_value, text

BASE = "/c/saint-jean-de-cole/help"


@pytest.fixture
def helpdesk(db, team_a):
    """A topic of 30 minutes, one of 60, and a helper every day from 9:00 to 12:00 in 30-minute slots."""
    cafe = team_a.cafe
    topic = HelpTopic(
        cafe=cafe, name="Impôts en ligne", duration_minutes=30, what_to_bring="Votre numéro fiscal"
    )
    long_topic = HelpTopic(cafe=cafe, name="Chercher un emploi", duration_minutes=60, position=1)
    rules = [
        AvailabilityRule(
            cafe=cafe, helper_id=team_a.helper.id, weekday=d, starts=time(9, 0), ends=time(12, 0)
        )
        for d in range(7)
    ]
    # This café opens on public holidays (test_opening_hours tests the ones that close).
    today = cafe.today()
    holidays_open = [
        HoursException(cafe=cafe, day=day, closed=False, opens=time(8), closes=time(20), label="Férié")
        for day in (today + timedelta(days=n) for n in range(-1, 45))
        if cafe.holiday_on(day)
    ]
    db.session.add_all([topic, long_topic, *rules, *holidays_open])
    db.session.commit()
    return SimpleNamespace(
        cafe=cafe, topic=topic, long=long_topic, helper=team_a.helper, team=team_a, rules=rules
    )


def free(helpdesk, topic=None, index=0):
    return services.free_slots(helpdesk.cafe, topic or helpdesk.topic)[index]


def book_url(topic, key=None):
    return f"{BASE}/{topic.id}/book" + (f"?slot={key}" if key else "")


def resident_post(client, helpdesk, slot, topic=None, **data):
    topic = topic or helpdesk.topic
    form = {"slot": slot.key, "name": "Jeanne Martin", "phone": "05 53 12 34 56", **data}
    return client.post(book_url(topic), data=form)


def seats(db, helpdesk, starts_at):
    return db.session.scalar(
        select(Slot.seats_taken).where(Slot.cafe_id == helpdesk.cafe.id, Slot.starts_at == starts_at)
    )


def only_booking(db):
    return db.session.scalars(select(Booking)).one()


# --- residents ---------------------------------------------------------------------------------


def test_topics_then_free_slots_grouped_by_day(any_day, client, helpdesk):
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Impôts en ligne" in page and "Chercher un emploi" in page
    response = client.get(f"{BASE}/{helpdesk.topic.id}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Votre numéro fiscal" in page
    assert free(helpdesk).key in page
    day = free(helpdesk).starts_at.astimezone(helpdesk.cafe.zone)
    assert f"{day.day}" in text(page) and "9 h 30" in text(page)


def test_resident_books_with_a_landline_and_sees_the_confirmation(client, db, helpdesk):
    slot = free(helpdesk)
    response = resident_post(client, helpdesk, slot, age_band="75_plus")
    assert response.status_code == 303
    booking = only_booking(db)
    assert response.location.endswith(f"/help/booking/{booking.code}")
    assert (booking.name, booking.phone, booking.email, booking.age_band) == (
        "Jeanne Martin",
        "+33553123456",
        "",
        "75_plus",
    )
    assert booking.status == "booked" and booking.booked_by_id is None and not booking.overbooked
    assert len(booking.code) == 6 and set(booking.code) <= set(CODE_ALPHABET)
    assert seats(db, helpdesk, slot.starts_at) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Votre rendez-vous est réservé" in page
    assert booking.code in page and "Votre numéro fiscal" in page
    local = slot.starts_at.astimezone(helpdesk.cafe.zone)
    assert f" à {local.hour} h" in text(page)
    assert f"/help/change?code={booking.code}" in page


def test_the_confirmation_is_only_shown_to_the_browser_that_booked(app, client, db, helpdesk):
    resident_post(client, helpdesk, free(helpdesk))
    booking = only_booking(db)
    assert app.test_client().get(f"{BASE}/booking/{booking.code}").status_code == 404


def test_an_email_gets_a_confirmation(client, db, helpdesk, outbox):
    resident_post(client, helpdesk, free(helpdesk), phone="", email="Jeanne@Example.org")
    booking = only_booking(db)
    assert booking.email == "jeanne@example.org" and booking.phone == ""
    assert len(outbox) == 1 and booking.code in str(outbox[0])


def test_international_numbers_are_accepted(client, db, helpdesk):
    assert resident_post(client, helpdesk, free(helpdesk), phone="+32 2 512 34 56").status_code == 303
    assert only_booking(db).phone == "+3225123456"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "12"}, "Ce numéro de téléphone n’est pas valide"),
        ({"phone": "", "email": ""}, "Indiquez un numéro de téléphone ou une adresse e-mail"),
        ({"name": ""}, "Ce champ est requis"),
        ({"phone": "", "email": "not-an-email"}, "Adresse électronique non valide"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed_kept(client, db, helpdesk, data, message):
    response = resident_post(client, helpdesk, free(helpdesk), note="Je viens avec ma fille", **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Je viens avec ma fille" in page
    assert db.session.scalar(select(Booking.id)) is None


def test_unknown_topic_and_another_cafes_topic_are_404(client, db, helpdesk, team_b):
    other = HelpTopic(cafe=team_b.cafe, name="Autre", duration_minutes=30)
    inactive = HelpTopic(cafe=helpdesk.cafe, name="Ancien", duration_minutes=30, active=False)
    db.session.add_all([other, inactive])
    db.session.commit()
    for topic_id in (9999, other.id, inactive.id):
        assert client.get(f"{BASE}/{topic_id}/").status_code == 404
        assert client.get(f"{BASE}/{topic_id}/book?slot={free(helpdesk).key}").status_code == 404


def test_tampered_slot_keys_are_404(client, db, helpdesk, team_b):
    slot = free(helpdesk)
    # a helper of another café, a user who is no helper here, garbage
    for key in (
        slot_key(team_b.helper.id, slot.starts_at),
        slot_key(helpdesk.team.manager.id, slot.starts_at),
        "garbage",
        "",
    ):
        assert client.get(book_url(helpdesk.topic, key)).status_code == 404
        assert (
            client.post(
                book_url(helpdesk.topic), data={"slot": key, "name": "X", "phone": "0553123456"}
            ).status_code
            == 404
        )
    assert db.session.scalar(select(Booking.id)) is None


def test_a_slot_in_the_past_or_off_the_rules_is_refused_with_the_next_free_ones(client, db, helpdesk):
    yesterday = datetime.combine(utcnow().date() - timedelta(days=1), time(9, 0), tzinfo=helpdesk.cafe.zone)
    off_rules = datetime.combine(utcnow().date() + timedelta(days=3), time(15, 0), tzinfo=helpdesk.cafe.zone)
    for moment in (yesterday, off_rules):
        key = slot_key(helpdesk.helper.id, moment.astimezone(UTC))
        response = client.post(
            book_url(helpdesk.topic), data={"slot": key, "name": "Jeanne", "phone": "0553123456"}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Ce créneau ne peut plus être réservé" in page
        assert free(helpdesk).key in page and 'value="Jeanne"' in page
    assert db.session.scalar(select(Booking.id)) is None


def test_within_the_minimum_notice_or_beyond_the_window_is_refused(client, db, helpdesk):
    db.session.add(
        CafeBookingSettings(
            cafe_id=helpdesk.cafe.id, window_days=3, min_notice_hours=48, cancel_notice_hours=4
        )
    )
    db.session.commit()
    slots = services.free_slots(helpdesk.cafe, helpdesk.topic)
    assert all(s.starts_at >= utcnow() + timedelta(hours=48) for s in slots)
    last_day = utcnow().astimezone(helpdesk.cafe.zone).date() + timedelta(days=3)
    assert all(s.starts_at.astimezone(helpdesk.cafe.zone).date() <= last_day for s in slots)
    soon = utcnow() + timedelta(hours=30)
    too_soon = next(
        s
        for s in services.candidate_slots(
            services._periods(helpdesk.cafe, soon.date(), soon.date() + timedelta(days=1)),
            helpdesk.cafe.zone,
            30,
            {},
        )
        if s.starts_at > utcnow() + timedelta(hours=3) and s.starts_at < utcnow() + timedelta(hours=47)
    )
    assert resident_post(client, helpdesk, too_soon).status_code == 422


def test_just_taken_shows_the_next_free_slots_and_keeps_what_was_typed(client, db, helpdesk):
    slot = free(helpdesk)
    assert resident_post(client, helpdesk, slot).status_code == 303
    response = resident_post(client, helpdesk, slot, name="Paul Vidal")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "ce créneau vient d’être pris" in page
    assert 'value="Paul Vidal"' in page
    assert free(helpdesk).key in page and slot.key not in page
    assert client.get(book_url(helpdesk.topic, slot.key)).status_code == 409
    assert db.session.scalar(select(Booking.id).where(Booking.name == "Paul Vidal")) is None


def test_a_long_topic_takes_a_seat_in_every_slot_it_covers(client, db, helpdesk):
    slot = free(helpdesk, helpdesk.long)
    assert len(slot.covered) == 2
    assert resident_post(client, helpdesk, slot, topic=helpdesk.long).status_code == 303
    assert [seats(db, helpdesk, start) for start in slot.covered] == [1, 1]
    second = next(
        s
        for s in services.candidate_slots(
            services._periods(
                helpdesk.cafe, slot.starts_at.date(), slot.starts_at.date() + timedelta(days=1)
            ),
            helpdesk.cafe.zone,
            30,
            {},
        )
        if s.starts_at == slot.covered[1]
    )
    assert resident_post(client, helpdesk, second).status_code == 409


def test_the_database_refuses_more_seats_than_the_capacity(db, helpdesk):
    db.session.add(
        Slot(
            cafe_id=helpdesk.cafe.id,
            helper_id=helpdesk.helper.id,
            starts_at=free(helpdesk).starts_at,
            capacity=1,
            seats_taken=1,
        )
    )
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Slot).values(seats_taken=Slot.seats_taken + 1))
        db.session.commit()
    db.session.rollback()


# --- the concurrency guarantee ------------------------------------------------------------------------


@pytest.fixture(params=["threads", "gunicorn"])
def live(request, app, database_url):
    """A real server on 127.0.0.1: one process with threads, or gunicorn with 4 worker processes."""
    if request.param == "threads":
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_port
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.gunicorn_app:app",
        ],
        cwd=root,
        env={**os.environ, "COMPTOIR_TEST_DB": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time_module.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time_module.monotonic() > deadline or gunicorn.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time_module.sleep(0.2)
        yield port
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine: do not let a slow exit fail the test
            gunicorn.kill()
            gunicorn.wait(timeout=20)


def _post(port: int, path: str, form: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST", path, body=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize("capacity", [1, 3])
def test_twenty_people_at_once_never_exceed_the_seats(db, helpdesk, live, capacity):
    for rule in helpdesk.rules:
        rule.seats = capacity
    db.session.commit()
    slot = free(helpdesk)
    path = book_url(helpdesk.topic)
    barrier = threading.Barrier(20)

    def attempt(n):
        barrier.wait()
        return _post(live, path, {"slot": slot.key, "name": f"Personne {n}", "phone": "0553123456"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [303] * capacity + [409] * (20 - capacity), statuses
    assert all("ce créneau vient d’être pris" in body for status, body in results if status == 409)
    db.session.expire_all()
    assert len(db.session.scalars(select(Booking)).all()) == capacity
    assert seats(db, helpdesk, slot.starts_at) == capacity


@pytest.mark.parametrize("capacity", [1, 3])
def test_five_identical_submits_from_one_browser_make_one_booking(client, db, helpdesk, live, capacity):
    """Issue 9, item 6: the same form sent five times at once is one booking (the key is unique)."""
    for rule in helpdesk.rules:
        rule.seats = capacity
    db.session.commit()
    slot = free(helpdesk)
    key = form_key(client, book_url(helpdesk.topic, slot.key))
    form = {"slot": slot.key, "name": "Jeanne Martin", "phone": "0553123456", "form_key": key}
    path = book_url(helpdesk.topic)
    barrier = threading.Barrier(5)

    def attempt(_n):
        barrier.wait()
        return _post(live, path, form)

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(attempt, range(5)))
    assert [status for status, _ in results] == [303] * 5, results
    db.session.expire_all()
    bookings = db.session.scalars(select(Booking)).all()
    assert len(bookings) == 1 and bookings[0].form_key == key
    assert seats(db, helpdesk, slot.starts_at) == 1


# --- cancel and move ----------------------------------------------------------------------------------


@pytest.fixture
def booked(client, db, helpdesk):
    slot = free(helpdesk)
    resident_post(client, helpdesk, slot, email="jeanne@example.org")
    return SimpleNamespace(booking=only_booking(db), slot=slot)


def find(client, code, contact):
    return client.post(f"{BASE}/change", data={"code": code, "contact": contact})


def test_find_needs_the_code_and_the_matching_phone_or_email(app, db, booked):
    code = booked.booking.code
    for contact in ("05 53 12 34 56", "+33553123456", "JEANNE@example.org"):
        assert find(app.test_client(), code.lower(), contact).status_code == 303
    for wrong_code, contact in (
        (code, "05 53 00 00 00"),
        (code, "paul@example.org"),
        ("ACDEFG", "0553123456"),
        (code, ""),
    ):
        response = find(app.test_client(), wrong_code, contact)
        assert response.status_code == 422
    assert "Aucun rendez-vous" in find(app.test_client(), code, "0600000000").get_data(as_text=True)


def test_another_cafes_code_finds_nothing(app, db, booked, team_b):
    other = app.test_client()
    assert (
        other.post(
            "/c/lagrasse/help/change", data={"code": booked.booking.code, "contact": "0553123456"}
        ).status_code
        == 422
    )


def test_resident_cancels_and_the_seat_is_free_again(client, db, helpdesk, booked):
    find(client, booked.booking.code, "0553123456")
    page = client.get(f"{BASE}/change/booking").get_data(as_text=True)
    assert booked.booking.code in page
    assert client.post(f"{BASE}/change/cancel", data={"confirmed": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "cancelled_by_person"
    assert seats(db, helpdesk, booked.slot.starts_at) == 0
    assert free(helpdesk).key == booked.slot.key


def test_cancel_is_refused_within_the_cafes_notice(client, db, helpdesk, booked):
    db.session.add(
        CafeBookingSettings(
            cafe_id=helpdesk.cafe.id,
            window_days=30,
            min_notice_hours=2,
            cancel_notice_hours=24 * 40,
        )
    )
    db.session.commit()
    find(client, booked.booking.code, "0553123456")
    response = client.post(f"{BASE}/change/cancel", data={"confirmed": "1"})
    assert response.status_code == 422
    assert "trop tard" in response.get_data(as_text=True)
    assert client.post(f"{BASE}/change/move", data={"slot": free(helpdesk, index=3).key}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "booked"


def test_cancel_without_having_found_the_booking_goes_to_the_form(app, db, booked):
    response = app.test_client().post(f"{BASE}/change/cancel")
    assert response.status_code == 303 and response.location.endswith("/help/change")
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "booked"


def test_resident_moves_the_appointment(client, db, helpdesk, booked):
    find(client, booked.booking.code, "jeanne@example.org")
    target = free(helpdesk, index=2)
    response = client.post(f"{BASE}/change/move", data={"slot": target.key})
    assert response.status_code == 303
    db.session.expire_all()
    booking = db.session.get(Booking, booked.booking.id)
    assert booking.starts_at == target.starts_at and booking.status == "booked"
    assert seats(db, helpdesk, booked.slot.starts_at) == 0
    assert seats(db, helpdesk, target.starts_at) == 1


def _move_key(client) -> str:
    page = client.get(f"{BASE}/change/booking").get_data(as_text=True)
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def test_a_second_tap_or_a_replay_of_the_move_form_moves_once(client, db, helpdesk, booked):
    find(client, booked.booking.code, "jeanne@example.org")
    target = free(helpdesk, index=2)
    data = {"slot": target.key, "form_key": _move_key(client)}
    assert client.post(f"{BASE}/change/move", data=data).status_code == 303
    again = client.post(f"{BASE}/change/move", data=data, follow_redirects=True)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "Votre rendez-vous est déplacé." in page and "plus disponible" not in page
    db.session.expire_all()
    booking = db.session.get(Booking, booked.booking.id)
    assert booking.starts_at == target.starts_at and booking.status == "booked"
    assert seats(db, helpdesk, booked.slot.starts_at) == 0
    assert seats(db, helpdesk, target.starts_at) == 1
    # A new page (a new key) can move it again: the key only stops repeats of one form.
    other = free(helpdesk, index=4)
    data = {"slot": other.key, "form_key": _move_key(client)}
    assert client.post(f"{BASE}/change/move", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).starts_at == other.starts_at
    assert seats(db, helpdesk, target.starts_at) == 0


def test_moving_to_a_taken_slot_keeps_the_old_one(app, client, db, helpdesk, booked):
    target = free(helpdesk, index=0)
    resident_post(app.test_client(), helpdesk, target, name="Paul")
    find(client, booked.booking.code, "jeanne@example.org")
    response = client.post(f"{BASE}/change/move", data={"slot": target.key})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).starts_at == booked.slot.starts_at
    assert seats(db, helpdesk, booked.slot.starts_at) == 1
    assert seats(db, helpdesk, target.starts_at) == 1


# --- staff ----------------------------------------------------------------------------------------------


def test_staff_book_for_someone_with_a_landline_and_print_the_slip(any_day, client, auth, db, helpdesk):
    auth.login(helpdesk.team.staff)
    slot = free(helpdesk)
    day = slot.starts_at.astimezone(helpdesk.cafe.zone).date()
    day_page = client.get(f"{BASE}/staff/?date={day.isoformat()}").get_data(as_text=True)
    assert f"staff/book?slot={slot.key}" in day_page
    assert client.get(f"{BASE}/staff/book?slot={slot.key}").status_code == 200
    response = client.post(
        f"{BASE}/staff/book",
        data={
            "slot": slot.key,
            "topic": helpdesk.topic.id,
            "name": "Germaine Roux",
            "phone": "05 53 62 11 22",
        },
    )
    assert response.status_code == 303
    booking = only_booking(db)
    assert booking.booked_by_id == helpdesk.team.staff.id and booking.name == "Germaine Roux"
    assert response.location.endswith(f"/help/staff/bookings/{booking.id}/slip")
    slip = client.get(response.location).get_data(as_text=True)
    assert booking.code in slip and "Votre numéro fiscal" in slip and "Germaine Roux" in slip
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "bookings.book_for_someone")
    ).one()
    assert entry.actor_id == helpdesk.team.staff.id


def test_staff_overbook_only_knowingly_and_it_is_logged(app, client, auth, db, helpdesk):
    slot = free(helpdesk)
    resident_post(app.test_client(), helpdesk, slot)
    auth.login(helpdesk.team.helper)
    data = {"slot": slot.key, "topic": helpdesk.topic.id, "name": "Marcel", "phone": "0553621122"}
    response = client.post(f"{BASE}/staff/book", data=data)
    assert response.status_code == 409
    assert "complet" in response.get_data(as_text=True)
    response = client.post(f"{BASE}/staff/book", data={**data, "overbook": "y"})
    assert response.status_code == 303
    overbooked = db.session.scalars(select(Booking).where(Booking.name == "Marcel")).one()
    assert overbooked.overbooked
    assert seats(db, helpdesk, slot.starts_at) == 1  # the constraint still holds
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "bookings.overbook")).one()


def test_staff_mark_attended_no_show_and_cancel_with_a_reason(client, auth, db, helpdesk, booked):
    auth.login(helpdesk.team.helper)
    url = f"{BASE}/staff/bookings/{booked.booking.id}/mark"
    assert client.post(url, data={"status": "attended"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "attended"
    client.post(url, data={"status": "no_show"})
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "no_show"
    client.post(url, data={"status": "cancelled_by_cafe", "reason": ""})
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "no_show"
    client.post(url, data={"status": "cancelled_by_cafe", "reason": "Aidant malade"})
    db.session.expire_all()
    booking = db.session.get(Booking, booked.booking.id)
    assert (booking.status, booking.cancel_reason) == ("cancelled_by_cafe", "Aidant malade")
    assert seats(db, helpdesk, booked.slot.starts_at) == 0
    client.post(url, data={"status": "attended"})
    db.session.expire_all()
    assert db.session.get(Booking, booked.booking.id).status == "cancelled_by_cafe"
    client.post(url, data={"status": "cancelled_by_person"})
    assert db.session.get(Booking, booked.booking.id).status == "cancelled_by_cafe"
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "bookings.mark_cancelled_by_cafe")
    )


def test_day_view_shows_who_and_the_people_to_phone(any_day, client, auth, db, helpdesk):
    tomorrow_slots = [
        s
        for s in services.free_slots(helpdesk.cafe, helpdesk.topic)
        if s.starts_at.astimezone(helpdesk.cafe.zone).date() == helpdesk.cafe.today() + timedelta(days=1)
    ]
    assert len(tomorrow_slots) >= 2  # the clock is pinned: tomorrow always has free slots
    services.book(
        helpdesk.cafe, helpdesk.topic, tomorrow_slots[0], name="Lucien Landline", phone="+33553621122"
    )
    services.book(
        helpdesk.cafe, helpdesk.topic, tomorrow_slots[1], name="Emma Email", email="emma@example.org"
    )
    auth.login(helpdesk.team.helper)
    today = helpdesk.cafe.today()
    page = client.get(f"{BASE}/staff/?date={today.isoformat()}").get_data(as_text=True)
    to_phone = page.split('id="phone-heading"')[1]
    assert "Lucien Landline" in to_phone and "Emma Email" not in to_phone
    page = client.get(f"{BASE}/staff/?date={(today + timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert "Lucien Landline" in page and "Emma Email" in page and "Impôts en ligne" in page
    # The week view shows Monday to Sunday: tomorrow's week (on a Sunday, the next one).
    tomorrow = today + timedelta(days=1)
    week = client.get(f"{BASE}/staff/week?start={tomorrow.isoformat()}").get_data(as_text=True)
    assert "Lucien Landline" in week


def test_day_view_query_count_does_not_grow_with_the_bookings(client, auth, db, helpdesk, count_queries):
    auth.login(helpdesk.team.staff)
    slots = services.free_slots(helpdesk.cafe, helpdesk.topic)
    day = slots[0].starts_at.astimezone(helpdesk.cafe.zone).date()
    same_day = [s for s in slots if s.starts_at.astimezone(helpdesk.cafe.zone).date() == day]
    counts = []
    for n, slot in enumerate(same_day[:4]):
        services.book(
            helpdesk.cafe,
            helpdesk.topic,
            slot,
            name=f"P{n}",
            phone="+33553621122",
            booked_by=helpdesk.team.staff,
        )
        if n in (0, 3):
            with count_queries() as counter:
                assert client.get(f"{BASE}/staff/?date={day.isoformat()}").status_code == 200
            counts.append(counter.count)
    assert len(counts) == 2 and counts[0] == counts[1], counts


def test_residents_and_anonymous_visitors_cannot_see_the_staff_views(client, auth, db, helpdesk, resident):
    assert client.get(f"{BASE}/staff/").status_code == 302
    auth.login(resident)
    assert client.get(f"{BASE}/staff/").status_code == 403
    assert client.get(f"{BASE}/staff/week").status_code == 403


# --- counter mode ----------------------------------------------------------------------------------------


def test_counter_mode_is_unlocked_by_staff_and_shows_no_staff_data(client, auth, db, helpdesk):
    assert client.get(f"{BASE}/counter/").status_code == 302
    auth.login(helpdesk.team.staff)
    assert client.post(f"{BASE}/counter/start").status_code == 303
    # the staff member is logged out: the tablet is for the public now
    assert client.get(f"{BASE}/staff/").status_code == 302
    page = client.get(f"{BASE}/counter/").get_data(as_text=True)
    assert "Impôts en ligne" in page and "Serveur a" not in page and "counter.js" in page
    slot = free(helpdesk)
    page = client.get(f"{BASE}/counter/{helpdesk.topic.id}/").get_data(as_text=True)
    assert slot.key in page
    response = client.post(
        f"{BASE}/counter/{helpdesk.topic.id}/book", data={"slot": slot.key, "name": "Odette", "phone": "12"}
    )
    assert response.status_code == 422
    response = client.post(
        f"{BASE}/counter/{helpdesk.topic.id}/book",
        data={"slot": slot.key, "name": "Odette", "phone": "05 53 00 11 22"},
    )
    assert response.status_code == 303 and response.location.endswith("/help/counter/done")
    page = client.get(f"{BASE}/counter/done").get_data(as_text=True)
    booking = only_booking(db)
    local = slot.starts_at.astimezone(helpdesk.cafe.zone)
    assert booking.code in page and f" à {local.hour} h" in text(page)
    assert booking.booked_by_id is None and booking.name == "Odette"
    # the next person starts afresh
    assert "Odette" not in client.get(f"{BASE}/counter/").get_data(as_text=True)
    assert client.get(f"{BASE}/counter/done").status_code == 302


def test_leaving_counter_mode_needs_a_staff_login(client, auth, db, helpdesk, resident, team_b):
    auth.login(helpdesk.team.helper)
    client.post(f"{BASE}/counter/start")
    for who in (resident, team_b.manager):
        response = client.post(
            f"{BASE}/counter/exit", data={"email": who.email, "password": "correct-horse-battery"}
        )
        assert response.status_code == 422
    assert (
        client.post(
            f"{BASE}/counter/exit", data={"email": helpdesk.team.helper.email, "password": "wrong"}
        ).status_code
        == 422
    )
    assert client.get(f"{BASE}/counter/").status_code == 200
    response = client.post(
        f"{BASE}/counter/exit",
        data={"email": helpdesk.team.helper.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 303
    assert client.get(f"{BASE}/staff/").status_code == 200
    auth.logout()
    assert client.get(f"{BASE}/counter/").status_code == 302
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["bookings.counter_start", "bookings.counter_exit"]


def test_counter_mode_of_one_cafe_opens_nothing_in_another(client, auth, db, helpdesk, team_b):
    auth.login(helpdesk.team.staff)
    client.post(f"{BASE}/counter/start")
    assert client.get("/c/lagrasse/help/counter/").status_code == 302


# --- commands ---------------------------------------------------------------------------------------------


def _tomorrow_slot(helpdesk, index=0):
    tomorrow = helpdesk.cafe.today() + timedelta(days=1)
    periods = services._periods(helpdesk.cafe, tomorrow, tomorrow)
    return services.candidate_slots(periods, helpdesk.cafe.zone, 30, {})[index]


def test_reminders_go_once_by_email_and_never_to_a_landline(any_day, app, db, helpdesk, outbox):
    services.book(
        helpdesk.cafe, helpdesk.topic, _tomorrow_slot(helpdesk, 0), name="Emma", email="emma@example.org"
    )
    services.book(
        helpdesk.cafe, helpdesk.topic, _tomorrow_slot(helpdesk, 1), name="Lucien", phone="+33553621122"
    )
    services.book(
        helpdesk.cafe, helpdesk.topic, _tomorrow_slot(helpdesk, 2), name="Kévin", phone="+33612345678"
    )
    later = services.free_slots(helpdesk.cafe, helpdesk.topic)[-1]
    services.book(helpdesk.cafe, helpdesk.topic, later, name="Later", email="later@example.org")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s) sent" in result.output
    assert len(outbox) == 1 and "emma@example.org" in str(outbox[0])
    assert "Rappel" in str(outbox[0])
    assert [phone for phone, _ in app.extensions["sms_outbox"]] == ["+33612345678"]
    result = runner.invoke(args=["send-reminders"])
    assert "0 reminder(s) sent" in result.output
    assert len(outbox) == 1 and len(app.extensions["sms_outbox"]) == 1
    db.session.expire_all()
    sent = {b.name: b.reminder_sent_at is not None for b in db.session.scalars(select(Booking))}
    assert sent == {"Emma": True, "Lucien": False, "Kévin": True, "Later": False}


def test_reminders_skip_cancelled_bookings(app, db, helpdesk, outbox):
    booking = services.book(
        helpdesk.cafe, helpdesk.topic, _tomorrow_slot(helpdesk), name="E", email="e@example.org"
    )
    booking.status = "cancelled_by_person"
    db.session.commit()
    assert "0 reminder(s)" in app.test_cli_runner().invoke(args=["send-reminders"]).output
    assert outbox == []


def test_purge_removes_names_and_contacts_but_keeps_the_counts(app, db, helpdesk, team_b):
    old = utcnow() - timedelta(days=400)
    recent = utcnow() - timedelta(days=10)
    month_and_more = utcnow() - timedelta(days=40)

    def add(cafe, when, name):
        booking = Booking(
            cafe_id=cafe.id,
            topic=helpdesk.topic,
            starts_at=when,
            ends_at=when + timedelta(minutes=30),
            name=name,
            phone="+33553621122",
            email="x@example.org",
            note="Note",
            age_band="75_plus",
            code=name[:6].upper(),
            status="attended",
        )
        db.session.add(booking)
        return booking

    add(helpdesk.cafe, old, "OLDAAA")
    add(helpdesk.cafe, recent, "RECENT")
    add(team_b.cafe, month_and_more, "BRECNT")
    team_b.cafe.retention_months = 1  # this café keeps names one month only
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "2 booking(s) and 0 RSVP(s) anonymised" in result.output
    db.session.expire_all()
    rows = {b.code: b for b in db.session.scalars(select(Booking))}
    for code in ("OLDAAA", "BRECNT"):
        b = rows[code]
        assert (b.name, b.phone, b.email, b.note) == ("", "", "", "")
        assert (b.status, b.age_band, b.topic_id) == ("attended", "75_plus", helpdesk.topic.id)
        assert b.anonymised_at is not None
    assert rows["RECENT"].name == "RECENT"
    assert "0 booking(s)" in app.test_cli_runner().invoke(args=["purge-personal-data"]).output


# --- setup and the café page ------------------------------------------------------------------------------


def test_closures_remove_slots(db, helpdesk):
    first = free(helpdesk)
    day = first.starts_at.astimezone(helpdesk.cafe.zone).date()
    db.session.add(Closure(cafe=helpdesk.cafe, helper_id=None, first_day=day, last_day=day, reason="Fermé"))
    db.session.commit()
    assert all(
        s.starts_at.astimezone(helpdesk.cafe.zone).date() != day
        for s in services.free_slots(helpdesk.cafe, helpdesk.topic)
    )


def test_cafe_home_page_lists_the_topics_and_links_to_booking(client, helpdesk):
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    section = page.split('id="help-heading"')[1].split("</section>")[0]
    assert "Impôts en ligne" in section and f"{BASE}/" in section


# --- staff set up the help ---------------------------------------------------------------------------------

SETUP = f"{BASE}/staff/setup"


def test_staff_add_a_topic_a_weekly_opening_an_extra_date_and_a_closure(client, auth, db, team_a):
    auth.login(team_a.staff)
    assert client.get(SETUP).status_code == 200
    assert (
        client.post(
            f"{SETUP}/topics", data={"name": "Atelier tablette", "duration_minutes": "60"}
        ).status_code
        == 303
    )
    topic = db.session.scalars(select(HelpTopic)).one()
    rule = {
        "helper": team_a.helper.id,
        "weekday": "1",
        "starts": "09:30",
        "ends": "12:00",
        "slot_minutes": "30",
        "seats": "1",
    }
    assert client.post(f"{SETUP}/rules", data=rule).status_code == 303
    assert db.session.scalars(select(AvailabilityRule)).one().starts == time(9, 30)
    extra = {
        "helper": team_a.helper.id,
        "day": "2031-12-20",
        "starts": "14:00",
        "ends": "16:00",
        "slot_minutes": "60",
        "seats": "4",
    }
    assert client.post(f"{SETUP}/extras", data=extra).status_code == 303
    closure = {"helper": "0", "first_day": "2031-12-24", "last_day": "2031-12-26", "reason": "Noël"}
    assert client.post(f"{SETUP}/closures", data=closure).status_code == 303
    saved = db.session.scalars(select(Closure)).one()
    assert saved.helper_id is None and saved.reason == "Noël"
    page = client.get(SETUP).get_data(as_text=True)
    assert "Atelier tablette" in page and "Noël" in page and "9 h 30–12 h" in text(page)
    assert client.post(f"{SETUP}/topics/{topic.id}/toggle").status_code == 303
    db.session.expire_all()
    assert not db.session.get(HelpTopic, topic.id).active
    assert client.post(f"{SETUP}/closures/{saved.id}/delete").status_code == 303
    assert db.session.scalar(select(Closure.id)) is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "bookings.add_topic",
        "bookings.add_rule",
        "bookings.add_extra",
        "bookings.add_closure",
        "bookings.toggle_topic",
        "bookings.delete_closure",
    } <= actions


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("topics", {"name": "", "duration_minutes": "2"}),
        ("rules", {"weekday": "1", "starts": "12:00", "ends": "09:00", "slot_minutes": "30", "seats": "1"}),
        ("rules", {"weekday": "9", "starts": "09:00", "ends": "12:00", "slot_minutes": "30", "seats": "0"}),
        ("closures", {"helper": "0", "first_day": "2031-12-24", "last_day": "2031-12-20"}),
        (
            "settings",
            {
                "window_days": "0",
                "min_notice_hours": "-1",
                "cancel_notice_hours": "",
                "retention_months": "x",
            },
        ),
    ],
)
def test_setup_refuses_bad_input(client, auth, db, team_a, url, data):
    auth.login(team_a.manager)
    if "helper" not in data and url in ("rules",):
        data = {**data, "helper": team_a.helper.id}
    response = client.post(f"{SETUP}/{url}", data=data)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    for model in (HelpTopic, AvailabilityRule, Closure, CafeBookingSettings):
        assert db.session.scalar(select(model).limit(1)) is None


def test_setup_refuses_a_helper_from_another_cafe(client, auth, db, team_a, team_b):
    auth.login(team_a.staff)
    rule = {
        "helper": team_b.helper.id,
        "weekday": "1",
        "starts": "09:30",
        "ends": "12:00",
        "slot_minutes": "30",
        "seats": "1",
    }
    assert client.post(f"{SETUP}/rules", data=rule).status_code == 422
    assert db.session.scalar(select(AvailabilityRule.id)) is None


def test_only_managers_change_the_booking_rules(client, auth, db, team_a):
    data = {"window_days": "60", "min_notice_hours": "1", "cancel_notice_hours": "2", "retention_months": "6"}
    auth.login(team_a.staff)
    assert client.post(f"{SETUP}/settings", data=data).status_code == 403
    auth.logout()
    auth.login(team_a.manager)
    assert client.post(f"{SETUP}/settings", data=data).status_code == 303
    settings = db.session.get(CafeBookingSettings, team_a.cafe.id)
    db.session.expire_all()
    assert (settings.window_days, team_a.cafe.retention_months) == (60, 6)


def test_helpers_see_the_day_but_not_the_setup(client, auth, helpdesk):
    auth.login(helpdesk.team.helper)
    assert client.get(f"{BASE}/staff/").status_code == 200
    assert client.get(SETUP).status_code == 403


# --- review: seats are given back once, whatever runs at the same time ------------------------------


def _two_on_one_slot(db, helpdesk):
    for rule in helpdesk.rules:
        rule.seats = 2
    db.session.commit()
    slot = free(helpdesk)
    first = services.book(helpdesk.cafe, helpdesk.topic, slot, name="Jeanne", phone="+33553123456")
    services.book(helpdesk.cafe, helpdesk.topic, free(helpdesk), name="Paul", phone="+33553123457")
    assert seats(db, helpdesk, slot.starts_at) == 2
    return slot, db.session.get(Booking, first.id)


def _cancelled_meanwhile(db, helpdesk, booking, slot):
    """What a second request (a double tap) did and committed between our read and our write."""
    with db.engine.begin() as other:
        other.execute(update(Booking).where(Booking.id == booking.id).values(status="cancelled_by_person"))
        other.execute(
            update(Slot).where(Slot.starts_at == slot.starts_at).values(seats_taken=Slot.seats_taken - 1)
        )


def test_the_losing_tap_of_a_double_tap_on_move_answers_moved(db, helpdesk):
    slot, stale = _two_on_one_slot(db, helpdesk)
    target = free(helpdesk, index=3)
    # The first tap moved it already (recording its form's key); this one read it before.
    with db.engine.begin() as other:
        other.execute(
            update(Booking)
            .where(Booking.id == stale.id)
            .values(starts_at=target.starts_at, ends_at=target.ends_at, move_key="same-form")
        )
        other.execute(
            Slot.__table__.insert().values(
                cafe_id=helpdesk.cafe.id,
                helper_id=helpdesk.helper.id,
                starts_at=target.starts_at,
                capacity=2,
                seats_taken=1,
            )
        )
        other.execute(
            update(Slot).where(Slot.starts_at == slot.starts_at).values(seats_taken=Slot.seats_taken - 1)
        )
    services.move(helpdesk.cafe, stale, target.key, form_key="same-form")  # no error: it is moved
    assert stale.starts_at == target.starts_at
    db.session.expire_all()
    assert seats(db, helpdesk, slot.starts_at) == 1
    assert seats(db, helpdesk, target.starts_at) == 1


def test_a_double_cancel_gives_the_seat_back_once(db, helpdesk):
    slot, stale = _two_on_one_slot(db, helpdesk)
    assert stale.status == "booked"
    _cancelled_meanwhile(db, helpdesk, stale, slot)
    services.cancel_by_person(helpdesk.cafe, stale)
    db.session.expire_all()
    assert seats(db, helpdesk, slot.starts_at) == 1  # Paul still holds his seat


def test_staff_cancel_at_the_same_time_as_the_person_gives_the_seat_back_once(db, helpdesk):
    slot, stale = _two_on_one_slot(db, helpdesk)
    _cancelled_meanwhile(db, helpdesk, stale, slot)
    with pytest.raises(services.NotAllowed):
        services.mark(helpdesk.cafe, stale, "cancelled_by_cafe", "Malade", actor=None)
    db.session.expire_all()
    assert seats(db, helpdesk, slot.starts_at) == 1


def test_a_double_move_takes_one_new_seat_and_gives_the_old_one_back_once(db, helpdesk):
    slot, stale = _two_on_one_slot(db, helpdesk)
    target = free(helpdesk, index=3)
    # The first request moved it already; this one read the booking before that.
    with db.engine.begin() as other:
        other.execute(
            update(Booking)
            .where(Booking.id == stale.id)
            .values(starts_at=target.starts_at, ends_at=target.ends_at)
        )
        other.execute(
            Slot.__table__.insert().values(
                cafe_id=helpdesk.cafe.id,
                helper_id=helpdesk.helper.id,
                starts_at=target.starts_at,
                capacity=2,
                seats_taken=1,
            )
        )
        other.execute(
            update(Slot).where(Slot.starts_at == slot.starts_at).values(seats_taken=Slot.seats_taken - 1)
        )
    with pytest.raises(services.TooLate):
        services.reschedule(helpdesk.cafe, stale, free(helpdesk, index=3))
    db.session.expire_all()
    assert seats(db, helpdesk, slot.starts_at) == 1
    assert seats(db, helpdesk, target.starts_at) == 1


def test_a_double_tap_on_cancel_says_cancelled_not_too_late(client, db, helpdesk, booked):
    find(client, booked.booking.code, "0553123456")
    assert client.post(f"{BASE}/change/cancel", data={"confirmed": "1"}).status_code == 303
    second = client.post(f"{BASE}/change/cancel", follow_redirects=True)
    assert second.status_code == 200
    assert "trop tard" not in second.get_data(as_text=True)
    assert seats(db, helpdesk, booked.slot.starts_at) == 0


# --- review: the seats per slot follow the rules as they are now ------------------------------------


def test_fewer_seats_in_the_rule_are_enforced_by_the_database(db, helpdesk):
    for rule in helpdesk.rules:
        rule.seats = 3
    db.session.commit()
    slot = free(helpdesk)
    first = services.book(helpdesk.cafe, helpdesk.topic, slot, name="Jeanne", phone="+33553123456")
    services.cancel_by_person(helpdesk.cafe, first)  # the slot row stays, with 3 seats
    for rule in db.session.scalars(select(AvailabilityRule)):
        rule.seats = 1
    db.session.commit()
    now_one_seat = services.find_slot(helpdesk.cafe, helpdesk.topic, slot.key)
    assert now_one_seat.capacity == 1
    services.book(helpdesk.cafe, helpdesk.topic, now_one_seat, name="Paul", phone="+33553123457")
    # A second request that checked the slot at the same moment must lose.
    with pytest.raises(services.SlotUnavailable):
        services.book(helpdesk.cafe, helpdesk.topic, now_one_seat, name="Marie", phone="+33553123458")
    assert seats(db, helpdesk, slot.starts_at) == 1


def test_more_seats_in_the_rule_can_be_booked(db, helpdesk):
    slot = free(helpdesk)
    services.book(helpdesk.cafe, helpdesk.topic, slot, name="Jeanne", phone="+33553123456")
    for rule in db.session.scalars(select(AvailabilityRule)):
        rule.seats = 3
    db.session.commit()
    again = services.find_slot(helpdesk.cafe, helpdesk.topic, slot.key)
    assert again.seats_left == 2
    services.book(helpdesk.cafe, helpdesk.topic, again, name="Paul", phone="+33553123457")
    assert seats(db, helpdesk, slot.starts_at) == 2


# --- review: absurd ids, dates and keys are a 404 or the day, never a 500 -------------------------------


def test_slot_keys_at_the_ends_of_time_or_with_huge_ids_are_404(client, db, helpdesk):
    for key in ("1-99991231T2359Z", "1-00010101T0000Z", "9" * 25 + "-20261203T0930Z"):
        assert client.get(book_url(helpdesk.topic, key)).status_code == 404
    assert client.get(f"{BASE}/{'9' * 25}/").status_code == 404


def test_staff_pages_with_dates_at_the_ends_of_time_show_today(client, auth, helpdesk):
    auth.login(helpdesk.team.helper)
    for url in ("staff/?date=9999-12-31", "staff/?date=0001-01-01", "staff/week?start=9999-12-31"):
        assert client.get(f"{BASE}/{url}").status_code == 200, url
    assert client.get(f"{BASE}/staff/week?start=0001-01-01").status_code == 200
    assert client.get(f"{BASE}/staff/bookings/{'9' * 25}/slip").status_code == 404


# --- review: personal pages are kept out of caches and the back/forward cache ---------------------------


def test_pages_with_names_or_contacts_are_not_stored(client, auth, db, helpdesk, booked):
    def no_store(response):
        return "no-store" in response.headers.get("Cache-Control", "")

    code = booked.booking.code
    assert no_store(client.get(f"{BASE}/booking/{code}"))  # the confirmation, in this browser
    bad = client.post(f"{BASE}/change", data={"code": code, "contact": "0600000000"})
    assert bad.status_code == 422 and no_store(bad)
    find(client, code, "0553123456")
    assert no_store(client.get(f"{BASE}/change/booking"))
    typed = resident_post(client, helpdesk, free(helpdesk, index=2), phone="12")
    assert typed.status_code == 422 and no_store(typed)
    auth.login(helpdesk.team.staff)
    for url in ("staff/", "staff/week", f"staff/bookings/{booked.booking.id}/slip", "staff/setup"):
        assert no_store(client.get(f"{BASE}/{url}")), url
    assert no_store(client.get(f"{BASE}/staff/book?slot={free(helpdesk).key}"))
    client.post(f"{BASE}/counter/start")
    page = client.post(
        f"{BASE}/counter/{helpdesk.topic.id}/book",
        data={"slot": free(helpdesk).key, "name": "Odette", "phone": "12"},
    )
    assert page.status_code == 422 and no_store(page)
    # The public lists may be cached.
    assert not no_store(client.get(f"{BASE}/")) and not no_store(client.get(f"{BASE}/{helpdesk.topic.id}/"))


def test_the_day_view_leads_straight_to_booking_for_someone(client, auth, db, helpdesk, booked):
    auth.login(helpdesk.team.helper)
    day = booked.slot.starts_at.astimezone(helpdesk.cafe.zone).date()
    page = client.get(f"{BASE}/staff/?date={day.isoformat()}").get_data(as_text=True)
    assert -1 < page.find('href="#free-heading"') < page.find('id="booked-heading"')


# --- review: a double tap on "book" is one booking, and the person sees it ------------------------------


def form_key(client, url: str) -> str:
    """The key the booking form gives this browser (a hidden field)."""
    key = form_value(client.get(url).get_data(as_text=True), "form_key")
    assert key and len(key) >= 20
    return key


def test_a_second_tap_on_book_shows_the_same_booking(client, db, helpdesk):
    slot = free(helpdesk)  # one seat
    key = form_key(client, book_url(helpdesk.topic, slot.key))
    first = resident_post(client, helpdesk, slot, form_key=key)
    assert first.status_code == 303
    # The second tap arrives with the cookie of before the first answer, and the same form.
    again = resident_post(client.application.test_client(), helpdesk, slot, form_key=key)
    assert again.status_code == 303 and again.location == first.location
    assert len(db.session.scalars(select(Booking)).all()) == 1
    assert seats(db, helpdesk, slot.starts_at) == 1


def test_a_second_tap_on_a_group_slot_takes_no_second_seat(client, db, helpdesk):
    for rule in helpdesk.rules:
        rule.seats = 4
    db.session.commit()
    slot = free(helpdesk)
    key = form_key(client, book_url(helpdesk.topic, slot.key))
    first = resident_post(client, helpdesk, slot, phone="", email="jeanne@example.org", form_key=key)
    again = resident_post(
        client.application.test_client(), helpdesk, slot, phone="", email="Jeanne@example.org", form_key=key
    )
    assert again.status_code == 303 and again.location == first.location
    assert seats(db, helpdesk, slot.starts_at) == 1
    # Someone else, with their own form, is not taken for a second tap.
    other_client = client.application.test_client()
    other_key = form_key(other_client, book_url(helpdesk.topic, slot.key))
    other = resident_post(other_client, helpdesk, slot, name="Paul Martin", form_key=other_key)
    assert other.location != first.location and seats(db, helpdesk, slot.starts_at) == 2


def test_a_stranger_with_the_same_name_and_phone_never_sees_the_booking(client, db, helpdesk):
    """Issue 9, item 2: the second-tap rule recognises the browser, not a name and a phone."""
    slot = free(helpdesk)  # one seat
    key = form_key(client, book_url(helpdesk.topic, slot.key))
    victim = resident_post(client, helpdesk, slot, form_key=key)
    assert victim.status_code == 303
    code = only_booking(db).code
    stranger = client.application.test_client()
    for key in ("", "x" * 24, form_key(stranger, book_url(helpdesk.topic, slot.key))):
        response = resident_post(stranger, helpdesk, slot, form_key=key)
        page = response.get_data(as_text=True)
        assert response.status_code == 409 and "vient d’être pris" in page
        assert code not in page and code not in (response.location or "")
    assert stranger.get(victim.location).status_code == 404
    # On a group slot too: the stranger gets their own booking, never the victim's.
    for rule in helpdesk.rules:
        rule.seats = 3
    db.session.commit()
    slot = free(helpdesk, index=1)
    key = form_key(client, book_url(helpdesk.topic, slot.key))
    resident_post(client, helpdesk, slot, form_key=key)
    first_code = db.session.scalars(select(Booking).where(Booking.form_key == key)).one().code
    response = resident_post(stranger, helpdesk, slot)
    assert response.status_code == 303 and first_code not in response.location
    assert seats(db, helpdesk, slot.starts_at) == 2


def test_a_second_tap_at_the_counter_shows_the_same_booking(client, auth, db, helpdesk):
    auth.login(helpdesk.team.staff)
    client.post(f"{BASE}/counter/start")
    slot = free(helpdesk)
    key = form_key(client, f"{BASE}/counter/{helpdesk.topic.id}/book?slot={slot.key}")
    data = {"slot": slot.key, "name": "Odette", "phone": "05 53 00 11 22", "form_key": key}
    assert client.post(f"{BASE}/counter/{helpdesk.topic.id}/book", data=data).status_code == 303
    again = client.post(f"{BASE}/counter/{helpdesk.topic.id}/book", data=data)
    assert again.status_code == 303 and again.location.endswith("/help/counter/done")
    assert len(db.session.scalars(select(Booking)).all()) == 1


def test_a_second_tap_when_booking_for_someone_does_not_ask_to_overbook(client, auth, db, helpdesk):
    auth.login(helpdesk.team.staff)
    slot = free(helpdesk)  # one seat
    key = form_key(client, f"{BASE}/staff/book?slot={slot.key}")
    data = {
        "slot": slot.key,
        "topic": helpdesk.topic.id,
        "name": "Germaine Roux",
        "phone": "05 53 62 11 22",
        "form_key": key,
    }
    first = client.post(f"{BASE}/staff/book", data=data)
    again = client.post(f"{BASE}/staff/book", data=data)
    assert again.status_code == 303 and again.location == first.location
    assert len(db.session.scalars(select(Booking)).all()) == 1
