"""The same RSVP sent again (double tap, reload, back button) never takes seats twice,
and never shows someone else's answer (issue 9 item 6, issue 13 item 4)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from portal.extensions import db as _db
from portal.models import OccurrenceSeats, Rsvp

from .conftest import post_form as _post
from .conftest import text
from .test_events import BASE, make_event, rsvp_data


def form_key(page: str) -> str:
    match = re.search(r'name="form_key"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="form_key"', page
    )
    assert match, "the RSVP form carries its key"
    return match.group(1)


def seats_taken(event) -> int:
    _db.session.expire_all()
    return sum(row.seats_taken for row in _db.session.query(OccurrenceSeats).filter_by(event_id=event.id))


def test_each_showing_of_the_form_has_its_own_key(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=10)
    first = form_key(client.get(f"{BASE}/events/{event.id}").get_data(as_text=True))
    second = form_key(client.get(f"{BASE}/events/{event.id}").get_data(as_text=True))
    assert first != second and len(first) >= 20


def test_the_same_form_sent_three_times_makes_one_answer(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=10)
    key = form_key(client.get(f"{BASE}/events/{event.id}").get_data(as_text=True))
    data = rsvp_data(event, form_key=key)

    answers = [client.post(f"{BASE}/events/{event.id}/rsvp", data=data) for _ in range(3)]

    assert [a.status_code for a in answers] == [303, 303, 303]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert _db.session.query(Rsvp).count() == 1
    assert seats_taken(event) == 2
    page = client.get(answers[-1].headers["Location"]).get_data(as_text=True)
    assert "Vous aviez déjà répondu pour cette date : voici votre réponse." in text(page)


def test_a_new_form_with_the_same_contact_in_the_same_browser_shows_the_first_answer(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=10)
    first = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, form_key="a" * 32))
    again = client.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, form_key="b" * 32, email="JEANNE@example.org"),
    )
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert _db.session.query(Rsvp).count() == 1 and seats_taken(event) == 2


def test_another_browser_with_the_same_contact_is_told_without_the_code(app, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=10)
    mine, theirs = app.test_client(), app.test_client()
    mine.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, email="", phone="06 12 34 56 78", form_key="c" * 32),
    )
    code = _db.session.query(Rsvp).one().code

    answer = theirs.post(
        f"{BASE}/events/{event.id}/rsvp",
        data=rsvp_data(event, name="Quelqu'un", email="", phone="+33612345678", form_key="d" * 32),
    )

    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "a déjà une place pour cette date" in page
    assert code not in page and f"/events/rsvp/{code}" not in page
    assert _db.session.query(Rsvp).count() == 1 and seats_taken(event) == 2


def test_after_cancelling_the_same_contact_may_answer_again(client, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=10)
    client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, form_key="e" * 32))
    code = _db.session.query(Rsvp).one().code
    client.post(f"{BASE}/events/rsvp/{code}/cancel")
    again = client.post(f"{BASE}/events/{event.id}/rsvp", data=rsvp_data(event, form_key="f" * 32))
    assert again.status_code == 303 and code not in again.headers["Location"]
    assert seats_taken(event) == 2


def test_the_same_form_sent_eight_times_at_once_makes_one_answer(server, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=50)
    url = f"{server}{BASE}/events/{event.id}/rsvp"
    # Different contacts on purpose: only the form's key says they are the same answer.
    barrier = threading.Barrier(8)

    def send(n: int) -> int:
        barrier.wait()
        return _post(url, rsvp_data(event, email=f"p{n}@example.org", form_key="g" * 32))

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(8)))

    assert all(status in (200, 303) for status in statuses), statuses
    _db.session.expire_all()
    assert _db.session.query(Rsvp).count() == 1
    assert seats_taken(event) == 2


def _post_page(url: str, data: dict) -> tuple[int, str]:
    """POST like a browser without cookies (a separate browser each time): status and page."""
    from urllib.error import HTTPError
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    request = Request(url, data=urlencode(data).encode(), method="POST")
    try:
        with urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def _same_contact_at_once(server, race, event, contacts: list[dict]) -> list[tuple[int, str]]:
    url = f"{server}{BASE}/events/{event.id}/rsvp"
    forms = [
        rsvp_data(
            event,
            **{"name": f"Personne {n}", "email": "", "phone": "", "form_key": f"{n:02d}" * 16, **contact},
        )
        for n, contact in enumerate(contacts)
    ]
    return race(lambda data: _post_page(url, data), forms)


def _one_seat_and_the_others_told(answers, event) -> None:
    statuses = [status for status, _page in answers]
    assert statuses.count(200) == 1, statuses  # the winner follows the redirect to their answer
    assert statuses.count(409) == len(answers) - 1, statuses
    for status, page in answers:
        if status == 409:
            # Told like a repeat from another browser: a clear message next to the field, no code.
            assert "a déjà une place pour cette date" in text(page)
            assert "Internal Server Error" not in page and "Erreur" not in text(page)[:200]
    _db.session.expire_all()
    rsvps = _db.session.query(Rsvp).filter_by(event_id=event.id).all()
    assert len(rsvps) == 1
    assert seats_taken(event) == 2
    assert rsvps[0].code not in "".join(page for status, page in answers if status == 409)


def test_two_browsers_with_the_same_email_at_the_same_instant_get_one_seat(server, race, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=50)
    answers = _same_contact_at_once(
        server, race, event, [{"email": "jeanne@example.org"}, {"email": " Jeanne@Example.org "}] * 3
    )
    _one_seat_and_the_others_told(answers, event)


def test_two_browsers_with_the_same_phone_at_the_same_instant_get_one_seat(server, race, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=50)
    answers = _same_contact_at_once(
        server, race, event, [{"phone": "06 12 34 56 78"}, {"phone": "+33612345678"}] * 3
    )
    _one_seat_and_the_others_told(answers, event)


def test_the_same_contact_at_once_on_a_full_date_waits_once(server, race, cafe_a):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=1)
    answers = _same_contact_at_once(
        server, race, event, [{"email": "jeanne@example.org", "waitlist": "1"}] * 6
    )
    statuses = [status for status, _page in answers]
    assert statuses.count(200) == 1 and statuses.count(409) == 5, statuses
    _db.session.expire_all()
    assert _db.session.query(Rsvp).filter_by(event_id=event.id).count() == 1
    assert seats_taken(event) == 0
