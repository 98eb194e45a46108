"""The café's clock and region everywhere: a Réunion café reads local numbers the local way,
its residents' +262 mobiles get SMS for events as for bookings, and English emails are English."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.blueprints.bookings import services as bookings
from portal.blueprints.events.recurrence import occurrence_key
from portal.extensions import db as _db
from portal.models import AvailabilityRule, Booking, Event, EventCategory, HelpTopic, Notice, Role, Rsvp
from portal.models.board import ModerationMode, ModerationSettings

from .conftest import make_cafe, make_user, words

CILAOS = "/c/cilaos"
LOCAL_MOBILE = "0692 12 34 56"
E164_MOBILE = "+262692123456"


@pytest.fixture
def cilaos(app, outbox):
    cafe = make_cafe(
        "cilaos", "Cilaos", "97413", "La Réunion", name="Le Ti Comptoir", timezone="Indian/Reunion"
    )
    manager = make_user("manager@cilaos.re", "Manager Cilaos", Role.MANAGER, cafe)
    return cafe, manager


def _log_in(client, user):
    client.post("/account/login", data={"email": user.email, "password": "correct-horse-battery"})


def _event(cafe, **extra) -> Event:
    start = cafe.now().replace(hour=19, minute=0, second=0, microsecond=0) + timedelta(days=3)
    event = Event(
        cafe=cafe,
        title="Séga au café",
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(hours=2)).astimezone(UTC),
        category=EventCategory.CONCERT,
        rsvp_enabled=True,
        capacity=20,
        **extra,
    )
    _db.session.add(event)
    _db.session.commit()
    return event


def test_the_cafe_knows_its_phone_region_and_clock(cilaos):
    cafe, _manager = cilaos
    assert cafe.phone_region == "RE"
    assert cafe.now().utcoffset() == timedelta(hours=4)
    assert cafe.today() == datetime.now(UTC).astimezone(cafe.zone).date()


def test_a_cilaos_resident_books_help_with_a_local_mobile(client, cilaos):
    cafe, manager = cilaos
    topic = HelpTopic(cafe=cafe, name="Impôts en ligne", duration_minutes=30)
    rules = [
        AvailabilityRule(cafe=cafe, helper_id=manager.id, weekday=d, starts=time(9), ends=time(12))
        for d in range(7)
    ]
    _db.session.add_all([topic, *rules])
    _db.session.commit()
    slot = bookings.free_slots(cafe, topic)[0]
    response = client.post(
        f"{CILAOS}/help/{topic.id}/book",
        data={"slot": slot.key, "name": "Josiane Hoarau", "phone": LOCAL_MOBILE},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    booking = _db.session.scalars(select(Booking)).one()
    assert booking.phone == E164_MOBILE
    assert bookings.recipient_of(booking).mobile == E164_MOBILE
    # The person finds it again by typing the number the same local way.
    assert bookings.find_booking(cafe, booking.code, LOCAL_MOBILE) == booking


def test_a_cilaos_rsvp_with_a_local_mobile_is_accepted_and_gets_the_sms(app, client, cilaos, outbox):
    cafe, _manager = cilaos
    event = _event(cafe)
    response = client.post(
        f"{CILAOS}/events/{event.id}/rsvp",
        data={
            "occurrence": occurrence_key(event.starts_at),
            "name": "Josiane",
            "email": "",
            "phone": LOCAL_MOBILE,
            "party_size": "2",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    rsvp = _db.session.scalars(select(Rsvp)).one()
    assert rsvp.phone == E164_MOBILE
    # Like a help booking, a +262 mobile gets the SMS (it used to be +336/+337 only).
    assert [phone for phone, _text in app.extensions["sms_outbox"]] == [E164_MOBILE]


def test_a_mainland_landline_gets_no_event_sms(app, client, cafe_a):
    event = _event(cafe_a)
    client.post(
        f"/c/{cafe_a.slug}/events/{event.id}/rsvp",
        data={
            "occurrence": occurrence_key(event.starts_at),
            "name": "Jeanne",
            "email": "",
            "phone": "05 53 12 34 56",
            "party_size": "1",
        },
    )
    assert _db.session.scalars(select(Rsvp)).one().phone == "+33553123456"
    assert app.extensions.get("sms_outbox", []) == []


def test_a_cilaos_notice_takes_a_local_mobile(client, cilaos):
    cafe, _manager = cilaos
    resident = make_user("josiane@example.re", "Josiane")
    _db.session.add(ModerationSettings(cafe_id=cafe.id, mode=ModerationMode.POST))
    _db.session.commit()
    _log_in(client, resident)
    response = client.post(
        f"{CILAOS}/board/new",
        data={
            "title": "Donne letchis",
            "body": "Un grand panier de letchis du jardin.",
            "category": "give_away",
            "expires_on": (cafe.today() + timedelta(days=10)).isoformat(),
            "relay_contact": "y",
            "contact_phone": LOCAL_MOBILE,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert _db.session.scalars(select(Notice)).one().contact_phone == E164_MOBILE


def test_the_cilaos_cafe_profile_takes_a_local_number(client, cilaos):
    cafe, manager = cilaos
    _log_in(client, manager)
    response = client.post(
        f"{CILAOS}/manage/profile",
        data={
            "name": "Le Ti Comptoir",
            "address": "",
            "phone": "0262 31 12 34",
            "email": "",
            "description": "",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(type(cafe), cafe.id).phone == "+262262311234"
    assert "0262 31 12 34" in client.get(f"{CILAOS}/").get_data(as_text=True)


def test_english_rsvp_emails_say_at_not_a(client, cafe_a, outbox):
    client.post("/preferences/language", data={"lang": "en", "next": "/"})
    event = _event(cafe_a)
    client.post(
        f"/c/{cafe_a.slug}/events/{event.id}/rsvp",
        data={
            "occurrence": occurrence_key(event.starts_at),
            "name": "Jane",
            "email": "jane@example.org",
            "phone": "",
            "party_size": "1",
        },
    )
    body = outbox[-1].get_content()
    assert " at 19:00" in body and " à " not in body
    assert cafe_a.local(event.starts_at).strftime("%A") in body  # "Wednesday", not "mercredi"


def test_french_rsvp_emails_keep_saying_a(client, cafe_a, outbox):
    event = _event(cafe_a)
    client.post(
        f"/c/{cafe_a.slug}/events/{event.id}/rsvp",
        data={
            "occurrence": occurrence_key(event.starts_at),
            "name": "Jeanne",
            "email": "jeanne@example.org",
            "phone": "",
            "party_size": "1",
        },
    )
    assert " à 19 h" in words(outbox[-1].get_content())
