"""Double taps on the noticeboard (issue 9 item 6): the same form sent again, even several
times at once, posts one notice and sends the author one reply; the form's key decides, in
the database."""

from sqlalchemy import select

from portal.models import Notice, NoticeReply
from tests.conftest import form_value, make_user
from tests.test_noticeboard import BOARD, add_notice, form


def _key(client, url: str) -> str:
    key = form_value(client.get(url).get_data(as_text=True), "form_key")
    assert key and len(key) >= 20, f"{url}: the form carries its own key"
    return key


def test_a_notice_sent_three_times_is_posted_once(client, auth, db, cafe_a, resident):
    auth.login(resident)
    key = _key(client, BOARD + "new")
    answers = [client.post(BOARD + "new", data=form(form_key=key)) for _ in range(3)]
    assert [a.status_code for a in answers] == [303] * 3
    assert len({a.headers["Location"] for a in answers}) == 1
    assert db.session.scalar(select(Notice)).title == "Donne vélo enfant"
    assert len(db.session.scalars(select(Notice)).all()) == 1
    # A new form is a new notice.
    client.post(BOARD + "new", data=form(form_key=_key(client, BOARD + "new"), title="Donne armoire"))
    assert len(db.session.scalars(select(Notice)).all()) == 2


def test_a_notice_sent_five_times_at_once_is_posted_once(db, cafe_a, resident, log_in, race):
    browsers = [log_in(resident) for _ in range(5)]
    data = form(form_key="n" * 24)
    statuses = race(lambda browser: browser.post(BOARD + "new", data=data).status_code, browsers)
    assert statuses == [303] * 5
    assert len(db.session.scalars(select(Notice)).all()) == 1


def test_someone_else_sending_the_same_key_gets_their_own_notice(db, cafe_a, resident, log_in):
    mine, theirs = log_in(resident), log_in(make_user("voisine@example.org", "Marie Voisine"))
    key = _key(mine, BOARD + "new")
    first = mine.post(BOARD + "new", data=form(form_key=key))
    other = theirs.post(BOARD + "new", data=form(form_key=key, title="Cherche tondeuse"))
    # The key is one per form and person: another person's copy of it never opens the first
    # notice; they post their own.
    assert other.status_code == 303 and other.headers["Location"] != first.headers["Location"]
    assert sorted(n.title for n in db.session.scalars(select(Notice))) == [
        "Cherche tondeuse",
        "Donne vélo enfant",
    ]


def test_a_counter_notice_sent_twice_is_posted_once(client, auth, db, cafe_a, team_a):
    auth.login(team_a.staff)
    key = _key(client, BOARD + "counter")
    data = form(on_behalf_of="Mme Dupuis", form_key=key)
    del data["relay_contact"]
    answers = [client.post(BOARD + "counter", data=data) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert len(db.session.scalars(select(Notice)).all()) == 1


def test_a_reply_sent_twice_emails_the_author_once(client, auth, db, cafe_a, resident, outbox, log_in, race):
    notice = add_notice(cafe_a, resident, relay_contact=True)
    sender = make_user("voisine@example.org", "Marie Voisine")
    auth.login(sender)
    key = _key(client, f"{BOARD}{notice.id}")
    data = {"message": "Bonjour, le vélo est-il encore là ?", "form_key": key}
    assert [client.post(f"{BOARD}{notice.id}/reply", data=data).status_code for _ in range(2)] == [303, 303]
    assert len(outbox) == 1
    # And four at once, from the same form in other connections.
    data = {**data, "form_key": "m" * 24}
    url = f"{BOARD}{notice.id}/reply"
    statuses = race(
        lambda b: b.post(url, data=data).status_code,
        [log_in(sender) for _ in range(4)],
    )
    assert statuses == [303] * 4
    assert len(outbox) == 2
    assert len(db.session.scalars(select(NoticeReply)).all()) == 2
