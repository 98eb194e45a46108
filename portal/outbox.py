"""The outbox: messages are rows written with what they announce, and sent off the request path.

`notify()` (portal/notify.py) calls `record()`: the message becomes an `OutboxMessage` in the
caller's own database transaction, so a booking and its confirmation are committed together
or not at all, and a mail server or Redis outage only delays the message.

Once the transaction commits, the message is handed to a sender (`dispatch`):
- `OUTBOX_INLINE` (tests): delivered right away, in this thread, after the commit;
- `REDIS_URL` set: a job on the RQ queue wakes `flask --app wsgi worker`;
- otherwise (`make run`): a background thread of this process delivers it (unless
  EMBEDDED_WORKER is off: then a separate `flask worker` finds it at its next sweep).
Whatever the sender, a message is claimed with a conditional UPDATE before it is sent, so it
is sent once even when two workers see it; a failed attempt is retried with an exponential
backoff, and after the last attempt the message is marked failed and shown to the café's staff
(manage area) and to the network team.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("portal.outbox")

QUEUE_NAME = "comptoir-messages"
LOCK = timedelta(minutes=5)  # a worker that dies while sending frees its message after this


# --- recording -----------------------------------------------------------------------------------


def record(email: str, mobile: str, subject: str, body: str, sms_text: str, cafe=None) -> OutboxMessage:
    """Add the message to the caller's transaction; never commits.

    The caller commits once, with what the message announces (a booking, an RSVP, a decision):
    both are saved, or neither. A message still uncommitted when a page is answered is a bug
    (`check_committed`): it would be lost.
    """
    if cafe is None and has_app_context():
        cafe = g.get("cafe")
    message = OutboxMessage(
        cafe_id=getattr(cafe, "id", None),
        email=email,
        mobile=mobile,
        subject=subject[:500],
        body=body,
        sms_text=sms_text[:1000],
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def uncommitted_messages(session) -> int:
    """Messages added to this session (flushed or not) and not yet committed."""
    pending = sum(isinstance(obj, OutboxMessage) for obj in session.new)
    return pending + len(session.info.get("outbox_ids", ()))


def check_committed(response):
    """A page answered while a message it recorded was never committed: that message is lost."""
    if response.status_code < 400 and uncommitted_messages(db.session()):
        if current_app.config.get("TESTING") or current_app.debug:
            raise RuntimeError("A message was recorded (notify) but its transaction was never committed")
        log.error("A message was recorded but never committed: it is lost")
    return response


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault("outbox_ids", []).extend(ids)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    ids = session.info.pop("outbox_ids", None)
    if ids:
        dispatch(ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("outbox_ids", None)


# --- handing over to a sender ----------------------------------------------------------------------


def dispatch(ids: list[int]) -> None:
    """Wake a sender for these committed messages. Never raises: the rows are safe already."""
    if not has_app_context():
        return
    app = current_app._get_current_object()
    try:
        if app.config.get("OUTBOX_INLINE"):
            for message_id in ids:
                deliver(message_id)
        elif app.config.get("REDIS_URL"):
            enqueue(app, ids)
        elif app.config.get("EMBEDDED_WORKER", True):
            background_sender(app).wake()
        # else: a separate `flask worker` finds it at its next sweep
    except Exception:  # the message stays pending: the worker's sweep sends it later
        log.warning("Messages %s recorded but not handed to a sender yet", ids, exc_info=True)


def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=1)


def rq_queue(app: Flask, connection=None):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection or redis_connection(app))


def enqueue(app: Flask, ids: list[int]) -> None:
    queue = rq_queue(app)
    for message_id in ids:
        queue.enqueue("portal.outbox.deliver_job", message_id, result_ttl=0, failure_ttl=86400)


def deliver_job(message_id: int) -> None:
    """The RQ job: runs inside `flask worker`, which holds an app context."""
    deliver(message_id)


class BackgroundSender:
    """A thread of this process that sends what was just committed and retries what is due."""

    def __init__(self, app: Flask):
        self.app = app
        self.event = threading.Event()
        self.thread = threading.Thread(target=self.run, name="comptoir-outbox", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.event.set()

    def run(self) -> None:
        while True:
            self.event.wait(self.app.config.get("OUTBOX_POLL_SECONDS", 15))
            self.event.clear()
            from .worker import sweep

            with self.app.app_context():
                sweep(self.app.config.get("SCHEDULER_ENABLED", True))


_senders: dict[int, BackgroundSender] = {}
_senders_lock = threading.Lock()


def background_sender(app: Flask) -> BackgroundSender:
    with _senders_lock:
        sender = _senders.get(id(app))
        if sender is None or not sender.thread.is_alive():
            sender = _senders[id(app)] = BackgroundSender(app)
        return sender


# --- sending -------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """Wait before attempt number attempts+1: base, 2×base, 4×base… capped."""
    config = current_app.config
    seconds = config["OUTBOX_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["OUTBOX_RETRY_MAX_SECONDS"]))


def _claimable(now: datetime):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_until < now),
    )


def deliver(message_id: int, now: datetime | None = None) -> bool:
    """Send one message if it is due and nobody else is sending it; True when it went out."""
    from .mail import send_mail
    from .notify import sms_backend, with_sms_footer

    now = now or utcnow()
    with Session(db.engine, expire_on_commit=False) as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _claimable(now))
            .values(status=OutboxStatus.SENDING, locked_until=now + LOCK, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if claimed != 1:
            return False
        message = session.get(OutboxMessage, message_id)
        try:
            if message.email and message.email_sent_at is None:
                send_mail(message.email, message.subject, message.body)
                message.email_sent_at = utcnow()
                session.commit()  # a later SMS failure must not send the email twice
            if message.mobile and message.sms_sent_at is None and current_app.config["SMS_ENABLED"]:
                sms_backend().send(message.mobile, with_sms_footer(message.sms_text or message.subject))
                message.sms_sent_at = utcnow()
        except Exception as error:
            _failed_attempt(message, error, now)
            session.commit()
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.locked_until = None
        message.last_error = ""
        session.commit()
        return True


def _failed_attempt(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    message.locked_until = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        log.error("Message %s to %s failed for good: %s", message.id, message.email or message.mobile, error)
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        log.warning(
            "Message %s: attempt %s failed (%s); next try at %s",
            message.id,
            message.attempts,
            error,
            message.next_attempt_at.isoformat(timespec="seconds"),
        )


def due_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or utcnow()
    with Session(db.engine) as session:
        return list(
            session.scalars(
                select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
            )
        )


def deliver_due(now: datetime | None = None) -> int:
    """Send every message that is due (new ones, retries, ones a dead worker held); how many went out."""
    sent = 0
    for message_id in due_ids(now):
        sent += deliver(message_id, now)
    return sent


def retry_failed(cafe, message_id: int) -> OutboxMessage:
    """Staff asked to try a failed message again: pending, due now, a fresh set of attempts.

    `cafe` None: the network team, any message. Another café's message, or one that has not
    failed, is a 404. Sent after the caller commits, like any new message.
    """
    from flask import abort

    query = select(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED
    )
    if cafe is not None:
        query = query.where(OutboxMessage.cafe_id == cafe.id)
    message = db.session.scalars(query).first()
    if message is None:
        abort(404)
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.locked_until = None
    message.last_error = ""
    session = db.session()
    session.flush()
    session.info.setdefault("outbox_ids", []).append(message.id)
    return message


def failed_messages(cafe=None, limit: int = 200) -> list[OutboxMessage]:
    """Messages that failed for good: a café's own, or the whole network's (cafe=None)."""
    query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if cafe is not None:
        query = query.where(OutboxMessage.cafe_id == cafe.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at.desc()).limit(limit)))
