"""RSVP under real parallel requests: the seats taken never exceed the capacity (SQLite and PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from portal.blueprints.events.recurrence import occurrence_key
from portal.extensions import db as _db
from portal.models import Event, EventCategory, OccurrenceSeats, Recurrence, Rsvp, RsvpStatus, utcnow
from tests.conftest import post_form as post


@pytest.mark.parametrize("party", [1, 2])
def test_parallel_rsvps_never_overbook(server, cafe_a, party):
    start = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    event = Event(
        cafe=cafe_a,
        title="Concert",
        category=EventCategory.CONCERT,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        rsvp_enabled=True,
        capacity=7,
        recurrence=Recurrence.WEEKLY,
        repeat_count=3,
    )
    _db.session.add(event)
    _db.session.commit()
    event_id = event.id
    url = f"{server}/c/saint-jean-de-cole/events/{event_id}/rsvp"
    attempts = 24

    def answer(n: int) -> int:
        return post(
            url,
            {
                "occurrence": occurrence_key(start),
                "name": f"Personne {n}",
                "email": f"p{n}@example.org",
                "party_size": str(party),
            },
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(answer, range(attempts)))

    _db.session.expire_all()
    going = _db.session.query(Rsvp).filter_by(event_id=event_id, status=RsvpStatus.GOING).all()
    seats = _db.session.query(OccurrenceSeats).filter_by(event_id=event_id).one()
    accepted = 7 // party
    assert sum(r.party_size for r in going) == seats.seats_taken == accepted * party <= 7
    assert statuses.count(200) == accepted  # urlopen followed the 303 to the answer page
    assert statuses.count(409) == attempts - accepted, statuses  # "full": the waiting list is offered
