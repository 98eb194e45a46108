"""Staff publishing an event: a double tap (or three taps at once) publishes one event, and a
copy made from another event's page is a new event (issue 9 item 6: the form's key decides)."""

from portal.extensions import db as _db
from portal.models import Event
from tests.conftest import form_value
from tests.test_events import BASE, event_form, make_event

NEW = f"{BASE}/events/manage/new"


def _key(client, url: str) -> str:
    key = form_value(client.get(url).get_data(as_text=True), "form_key")
    assert key and len(key) >= 20, f"{url}: the form carries its own key"
    return key


def test_publishing_twice_makes_one_event(client, auth, team_a):
    auth.login(team_a.staff)
    key = _key(client, NEW)
    answers = [client.post(NEW, data=event_form(form_key=key)) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _db.session.query(Event).count() == 1
    client.post(NEW, data=event_form(form_key=_key(client, NEW), title="Belote"))
    assert _db.session.query(Event).count() == 2


def test_three_taps_at_once_make_one_event(team_a, log_in, race):
    staff = [log_in(team_a.staff) for _ in range(3)]
    data = event_form(form_key="e" * 24)
    statuses = race(lambda client: client.post(NEW, data=data).status_code, staff)
    assert statuses == [303] * 3
    _db.session.expire_all()
    assert _db.session.query(Event).count() == 1


def test_a_copy_has_its_own_key(client, auth, team_a):
    source = make_event(team_a.cafe, "Atelier tablette")
    auth.login(team_a.staff)
    key = _key(client, f"{BASE}/events/manage/{source.id}/duplicate")
    client.post(NEW, data=event_form(title="Atelier tablette", copied_from=str(source.id), form_key=key))
    assert _db.session.query(Event).count() == 2
