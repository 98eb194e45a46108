"""Messages go through the outbox: recorded with what they announce, sent once, off the request path.

A booking or an RSVP succeeds whether the mail server or Redis is up or not; its message is
kept and sent later, once; failed attempts are retried with a growing wait; after the last
one the message is listed for the café's staff and the network team, who can try it again.
"""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import outbox as sender
from portal.extensions import db as _db
from portal.models import Booking, OutboxMessage, OutboxStatus, Rsvp, utcnow
from portal.notify import Recipient, notify
from tests import test_bookings, test_orders
from tests.conftest import make_user
from tests.redis_server import RedisServer
from tests.test_bookings import free, resident_post
from tests.test_events import make_event, rsvp_data

EVENTS = "/c/saint-jean-de-cole/events"
helpdesk = test_bookings.helpdesk  # a fixture: a topic and a helper every day
bakery = test_orders.bakery  # a fixture: a café selling bread


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail_server_down(app) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())


def mail_server_back(app) -> None:
    app.config["MAIL_BACKEND"] = "memory"


def messages() -> list[OutboxMessage]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_booking_succeeds_and_its_mail_is_kept_when_the_mail_server_is_down(
    app, client, db, helpdesk, outbox
):
    mail_server_down(app)
    response = resident_post(client, helpdesk, free(helpdesk), phone="", email="jeanne@example.org")
    assert response.status_code == 303
    booking = db.session.scalars(select(Booking)).one()
    assert "Votre rendez-vous est réservé" in client.get(response.location).get_data(as_text=True)
    [message] = messages()
    assert message.email == "jeanne@example.org" and booking.code in message.body
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.cafe_id == helpdesk.cafe.id
    assert outbox == []

    mail_server_back(app)
    assert sender.deliver_due(utcnow()) == 0  # not due yet: it waits its backoff
    assert sender.deliver_due(utcnow() + timedelta(minutes=2)) == 1
    assert sender.deliver_due(utcnow() + timedelta(hours=2)) == 0  # sent once
    assert len(outbox) == 1 and booking.code in outbox[0].get_content()
    assert messages()[0].status == OutboxStatus.SENT


def test_an_rsvp_succeeds_when_redis_is_down_and_its_mail_goes_out_later(app, client, cafe_a, outbox):
    app.config.update(OUTBOX_INLINE=False, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    started = time.monotonic()
    response = client.post(f"{EVENTS}/{event.id}/rsvp", data=rsvp_data(event))
    assert response.status_code == 303
    assert time.monotonic() - started < 5  # Redis being down costs at most its connect timeout
    rsvp = _db.session.scalars(select(Rsvp)).one()
    [message] = messages()
    assert message.status == OutboxStatus.PENDING and message.attempts == 0 and rsvp.code in message.body
    assert outbox == []
    # The worker's sweep (it polls the database whatever Redis does) sends it, once.
    assert sender.deliver_due(utcnow()) == 1
    assert sender.deliver_due(utcnow()) == 0
    assert len(outbox) == 1 and rsvp.code in outbox[0].get_content()


def test_the_message_belongs_to_the_transaction_of_what_it_announces(app, cafe_a, outbox):
    app.config["OUTBOX_INLINE"] = False  # nothing sent: look at the rows only
    app.config["EMBEDDED_WORKER"] = False
    event = make_event(cafe_a)
    event.title = "Changé"
    notify(Recipient(email="a@example.org"), "Annulé", "Le concert est annulé")
    assert _db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # flushed with the change
    _db.session.rollback()  # what it announced did not happen: no message either
    assert messages() == []

    event.title = "Changé"
    notify(Recipient(email="a@example.org"), "Changé", "Nouveau titre")
    _db.session.commit()
    assert [m.subject for m in messages()] == ["Changé"]


def test_sent_once_even_when_two_senders_race(app, cafe_a, outbox):
    app.config.update(OUTBOX_INLINE=False, EMBEDDED_WORKER=False)
    notify(Recipient(email="a@example.org"), "Rappel", "Demain")
    _db.session.commit()
    [message] = messages()
    assert sender.deliver(message.id) is True
    assert sender.deliver(message.id) is False
    assert len(app.extensions["mail_outbox"]) == 1


def test_retries_back_off_then_fail_for_good_and_staff_see_it(
    app, client, auth, team_a, team_b, admin, outbox
):
    app.config.update(OUTBOX_MAX_ATTEMPTS=4, OUTBOX_RETRY_SECONDS=60, OUTBOX_RETRY_MAX_SECONDS=150)
    mail_server_down(app)
    from flask import g

    with app.test_request_context():
        g.cafe = team_a.cafe
        notify(Recipient(email="jeanne@example.org"), "Votre atelier", "À jeudi")
        _db.session.commit()
    now = messages()[0].created_at  # the first attempt came right after the commit
    waits = []
    for _ in range(3):
        [message] = messages()
        assert message.status == OutboxStatus.PENDING
        waits.append(round((message.next_attempt_at - now).total_seconds(), -1))
        now = message.next_attempt_at + timedelta(seconds=1)
        assert sender.deliver_due(now) == 0
    [message] = messages()
    assert waits == [60, 120, 150]  # doubling, capped at OUTBOX_RETRY_MAX_SECONDS
    assert message.status == OutboxStatus.FAILED and message.attempts == 4
    assert sender.deliver_due(now + timedelta(days=1)) == 0  # given up: no more attempts

    auth.login(team_a.staff)
    page = client.get("/c/saint-jean-de-cole/manage/messages/").get_data(as_text=True)
    assert "Votre atelier" in page and "jeanne@example.org" in page and "ConnectionRefusedError" in page
    assert "Messages non envoyés" in client.get("/c/saint-jean-de-cole/manage/").get_data(as_text=True)
    # Another café's staff see neither the message nor a way to it.
    auth.logout()
    auth.login(team_b.staff)
    assert "Votre atelier" not in client.get("/c/lagrasse/manage/messages/").get_data(as_text=True)
    assert client.get("/c/saint-jean-de-cole/manage/messages/").status_code == 403
    assert client.post(f"/c/lagrasse/manage/messages/{message.id}/retry").status_code == 404
    auth.logout()
    auth.login(team_a.helper)  # helpers are not shown residents' messages
    assert client.get("/c/saint-jean-de-cole/manage/messages/").status_code == 403
    auth.logout()
    auth.login(admin)
    page = client.get("/network/messages/").get_data(as_text=True)
    assert "Votre atelier" in page and team_a.cafe.name in page
    auth.logout()

    # Fixed: staff try it again, it goes out once.
    mail_server_back(app)
    auth.login(team_a.staff)
    response = client.post(f"/c/saint-jean-de-cole/manage/messages/{message.id}/retry")
    assert response.status_code == 303
    assert [m.status for m in messages()] == [OutboxStatus.SENT]
    assert len(outbox) == 1 and outbox[0]["Subject"] == "Votre atelier"
    page = client.get("/c/saint-jean-de-cole/manage/messages/").get_data(as_text=True)
    assert "Votre atelier" not in page and "Tous les messages ont été envoyés." in page


def test_an_email_sent_before_an_sms_failed_is_not_sent_again(app, cafe_a, outbox):
    class Broken:
        def send(self, phone, text):
            raise OSError("SMS gateway down")

    from portal import notify as notify_module

    notify_module.SMS_BACKENDS["broken"] = Broken
    try:
        app.config["SMS_BACKEND"] = "broken"
        notify(Recipient(email="a@example.org", mobile="+33612345678"), "Rappel", "Demain", "Demain")
        _db.session.commit()
        app.config["SMS_BACKEND"] = "memory"
        assert sender.deliver_due(utcnow() + timedelta(minutes=5)) == 1
    finally:
        del notify_module.SMS_BACKENDS["broken"]
    assert len(outbox) == 1
    [(phone, text)] = app.extensions["sms_outbox"]
    assert phone == "+33612345678" and text.startswith("Demain Stop")


def test_failed_list_needs_a_login_and_the_right_role(client, auth, cafe_a):
    assert client.get("/c/saint-jean-de-cole/manage/messages/").status_code == 302
    assert client.get("/network/messages/").status_code == 302
    auth.login(make_user("x@example.org"))
    assert client.get("/network/messages/").status_code == 403


def test_console_mail_shows_in_the_log_at_info(tmp_path):
    """`make run` (gunicorn, console backend): a mail is written to stderr, not dropped."""
    code = (
        "from portal import create_app\n"
        "from portal.mail import send_mail\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db',"
        " 'MAIL_BACKEND': 'console'})\n"
        "with app.app_context():\n"
        "    send_mail('a@example.org', 'Bonjour', 'Le corps')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=os.getcwd()
    )
    assert "Mail to a@example.org: Bonjour" in result.stderr and "Le corps" in result.stderr


# --- with a real Redis and RQ ----------------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server.url
    server.stop()


def test_with_redis_the_commit_enqueues_a_job_and_the_worker_sends_once(
    app, client, cafe_a, outbox, redis_url
):
    from rq import SimpleWorker

    app.config.update(OUTBOX_INLINE=False, REDIS_URL=redis_url)
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    assert client.post(f"{EVENTS}/{event.id}/rsvp", data=rsvp_data(event)).status_code == 303
    queue = sender.rq_queue(app)
    assert queue.count == 1 and outbox == []  # nothing sent inside the request
    worker = SimpleWorker([queue], connection=queue.connection)
    assert worker.work(burst=True)
    assert len(outbox) == 1 and [m.status for m in messages()] == [OutboxStatus.SENT]
    assert sender.deliver_due(utcnow() + timedelta(hours=1)) == 0  # the sweep finds nothing left
    assert len(outbox) == 1


# --- one transaction: what is announced and its message ----------------------------------------


@pytest.fixture
def commits(app):
    """The tables each commit wrote new rows to, in order (a list of sets)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    done, current = [], set()

    def flushed(session, flush_context):
        current.update(type(obj).__tablename__ for obj in session.new)

    def committed(session):
        if current:
            done.append(set(current))
        current.clear()

    def rolled_back(session):
        current.clear()

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "after_commit", committed)
    event.listen(Session, "after_rollback", rolled_back)
    yield done
    event.remove(Session, "after_flush", flushed)
    event.remove(Session, "after_commit", committed)
    event.remove(Session, "after_rollback", rolled_back)


def saved_together(commits, table: str) -> bool:
    return any({table, "outbox_message"} <= tables for tables in commits)


def test_a_booking_and_its_confirmation_are_committed_together(client, db, helpdesk, commits, outbox):
    response = resident_post(client, helpdesk, free(helpdesk), phone="", email="jeanne@example.org")
    assert response.status_code == 303
    assert saved_together(commits, "booking")
    assert len(outbox) == 1


def test_an_rsvp_and_its_confirmation_are_committed_together(client, cafe_a, commits, outbox):
    event = make_event(cafe_a, rsvp_enabled=True, capacity=5)
    assert client.post(f"{EVENTS}/{event.id}/rsvp", data=rsvp_data(event)).status_code == 303
    assert saved_together(commits, "rsvp")
    assert len(outbox) == 1


def test_an_order_and_its_confirmation_are_committed_together(client, db, bakery, commits, outbox):
    import time_machine

    from tests.test_orders import BASE, MONDAY_NOON, order_form

    with time_machine.travel(MONDAY_NOON, tick=False):
        response = client.post(f"{BASE}/order", data=order_form(bakery, email="jeanne@example.org"))
    assert response.status_code == 303
    assert saved_together(commits, "bread_order")
    assert len(outbox) == 1


def test_a_moderation_decision_and_its_mail_are_committed_together(
    client, auth, db, cafe_a, team_a, resident, commits, outbox
):
    from portal.models import NoticeStatus
    from tests.test_noticeboard import add_notice

    notice = add_notice(cafe_a, resident, title="Cherche bois", status=NoticeStatus.PENDING)
    auth.login(team_a.moderator)
    commits.clear()
    response = client.post(f"/c/saint-jean-de-cole/moderation/notices/{notice.id}/approve")
    assert response.status_code in (200, 303)
    assert saved_together(commits, "moderation_decision")
    assert outbox[-1]["To"] == resident.email


def test_a_failure_between_a_booking_and_its_message_saves_neither(
    app, client, db, helpdesk, monkeypatch, outbox
):
    """The confirmation cannot be recorded (the process dies, the disk is full…): no booking
    either, the seat stays free, and the person is told it did not work (not "booked")."""
    slot = free(helpdesk)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sender, "record", broken)
    failed = resident_post(client, helpdesk, slot, phone="", email="jeanne@example.org")
    assert failed.status_code == 500 and "réservé" not in failed.get_data(as_text=True)
    assert db.session.scalars(select(Booking)).all() == []
    assert messages() == []
    assert test_bookings.seats(db, helpdesk, slot.starts_at) in (None, 0)

    monkeypatch.undo()
    response = resident_post(app.test_client(), helpdesk, slot, phone="", email="jeanne@example.org")
    assert response.status_code == 303
    [booking] = db.session.scalars(select(Booking)).all()
    [message] = messages()
    assert booking.code in message.body and len(outbox) == 1


def test_a_message_left_uncommitted_by_a_page_is_an_error_not_a_silent_loss(make_app):
    app = make_app()

    @app.get("/forgot-to-commit")
    def forgot():
        notify(Recipient(email="a@example.org"), "Perdu", "Jamais enregistré")
        return "ok"

    with pytest.raises(RuntimeError, match="never committed"):
        app.test_client().get("/forgot-to-commit")
