"""Parcels waiting at the counter: recorded in seconds, their owners told, then forgotten.

Staff only. A parcel's owner is told by email or SMS when we have one (and reminded the day
before the deadline); someone with only a landline goes on the list of people to phone.
Names and contacts are blanked once the parcel has left, after the café's retention period.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import audit
from ...claims import claim
from ...extensions import db
from ...models import Cafe, User, utcnow
from ...models.shop import CARRIERS, HANDED_OVER, RETURNED, WAITING, Parcel
from ...notify import Recipient
from ...phones import is_mobile

RECENT_DAYS = 14


def hold_days(carrier: str) -> int:
    return CARRIERS.get(carrier, CARRIERS["other"])[1]


def default_keep_until(cafe: Cafe, carrier: str, today: date | None = None) -> date:
    """The carrier's usual deadline for a parcel arriving today."""
    return (today or cafe.today()) + timedelta(days=hold_days(carrier))


def recipient_of(parcel: Parcel) -> Recipient:
    """Where a notice can reach the owner (maybe nowhere: then staff phone them)."""
    sms = current_app.config["SMS_ENABLED"] and is_mobile(parcel.phone)
    return Recipient(email=parcel.email, mobile=parcel.phone if sms else "")


def needs_a_call(parcel: Parcel) -> bool:
    return parcel.status == WAITING and not recipient_of(parcel).reachable and bool(parcel.phone)


def record_parcel(
    cafe: Cafe,
    *,
    recipient: str,
    phone: str = "",
    email: str = "",
    carrier: str = "la_poste",
    keep_until: date | None = None,
    form_key: str | None = None,
    actor: User | None,
) -> Parcel:
    """Record a parcel that just arrived and tell its owner if we can.

    The same form sent again (`form_key`, unique per café in the database, even at the same
    instant) returns the parcel the first one recorded: one parcel, one message.
    """
    from .notifications import send_notice

    if (same := _parcel_of_form(cafe, form_key)) is not None:
        return same
    carrier = carrier if carrier in CARRIERS else "other"
    parcel = Parcel(
        cafe_id=cafe.id,
        recipient=recipient.strip(),
        phone=phone or "",
        email=(email or "").strip().lower(),
        carrier=carrier,
        keep_until=keep_until or default_keep_until(cafe, carrier),
        status=WAITING,
        received_by_id=actor.id if actor else None,
        form_key=form_key or None,
    )
    db.session.add(parcel)
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent at the same moment, won
        db.session.rollback()
        if (same := _parcel_of_form(cafe, form_key)) is None:
            raise
        return same
    audit.record("parcels.record", cafe, target=f"parcel:{parcel.id}", carrier=carrier, actor=actor)
    if recipient_of(parcel).reachable:
        send_notice(cafe, parcel)
        parcel.notified_at = utcnow()
    db.session.commit()  # the parcel and its notice together
    return parcel


def _parcel_of_form(cafe: Cafe, form_key: str | None) -> Parcel | None:
    if not form_key:
        return None
    return db.session.scalar(select(Parcel).where(Parcel.cafe_id == cafe.id, Parcel.form_key == form_key))


def get_parcel(cafe: Cafe, parcel_id: int) -> Parcel | None:
    return db.session.scalar(select(Parcel).where(Parcel.cafe_id == cafe.id, Parcel.id == parcel_id))


def _claim(cafe: Cafe, parcel: Parcel, **values) -> bool:
    """Change a parcel still waiting (two staff tapping at once hand it over once)."""
    return claim(
        update(Parcel)
        .where(Parcel.cafe_id == cafe.id, Parcel.id == parcel.id, Parcel.status == WAITING)
        .values(**values)
    )


def hand_over(cafe: Cafe, parcel: Parcel, *, actor: User) -> bool:
    """The owner collected it: who handed it over, and when."""
    done = _claim(cafe, parcel, status=HANDED_OVER, handed_over_at=utcnow(), handed_over_by_id=actor.id)
    if done:
        audit.record("parcels.hand_over", cafe, target=f"parcel:{parcel.id}", actor=actor)
    db.session.commit()
    return done


def return_to_carrier(cafe: Cafe, parcel: Parcel, *, actor: User) -> bool:
    """Nobody came by the deadline: the parcel goes back to the carrier, and its owner is told.

    False when it was no longer waiting (collected, or returned by another tap meanwhile).
    """
    from .notifications import send_returned

    done = _claim(cafe, parcel, status=RETURNED, returned_at=utcnow(), handed_over_by_id=actor.id)
    if done:
        audit.record("parcels.return", cafe, target=f"parcel:{parcel.id}", actor=actor)
        if recipient_of(parcel).reachable:
            send_returned(cafe, parcel)  # committed with the return
    db.session.commit()
    return done


def overdue(cafe: Cafe, today: date | None = None) -> list[Parcel]:
    """Parcels still waiting after their collection deadline."""
    today = today or cafe.today()
    return list(
        db.session.scalars(
            select(Parcel)
            .where(Parcel.cafe_id == cafe.id, Parcel.status == WAITING, Parcel.keep_until < today)
            .order_by(Parcel.keep_until, Parcel.id)
        )
    )


def return_overdue(cafe: Cafe, *, actor: User, today: date | None = None) -> int:
    """Give back to the carrier every parcel past its deadline (the carrier's pick-up): how many."""
    return sum(return_to_carrier(cafe, parcel, actor=actor) for parcel in overdue(cafe, today))


def mark_phoned(cafe: Cafe, parcel: Parcel) -> bool:
    """Staff phoned the owner: off the list of people to phone."""
    done = _claim(cafe, parcel, phoned_at=utcnow())
    db.session.commit()
    return done


@dataclass
class CounterLists:
    waiting: list[Parcel]
    due_soon: list[Parcel]
    to_return: list[Parcel]
    to_phone: list[Parcel]
    collected: list[Parcel]
    returned: list[Parcel]


def counter_lists(cafe: Cafe, today: date | None = None) -> CounterLists:
    """The counter's view: waiting, due back soon, past the deadline, to phone, recently gone.

    Two queries, however many parcels.
    """
    today = today or cafe.today()
    since = utcnow() - timedelta(days=RECENT_DAYS)
    parcels = db.session.scalars(
        select(Parcel)
        .options(joinedload(Parcel.handed_over_by), joinedload(Parcel.received_by))
        .where(
            Parcel.cafe_id == cafe.id,
            or_(
                Parcel.status == WAITING,
                Parcel.handed_over_at >= since,
                Parcel.returned_at >= since,
            ),
        )
        .order_by(Parcel.keep_until, Parcel.id)
    ).all()
    waiting = [p for p in parcels if p.status == WAITING]
    return CounterLists(
        waiting=[p for p in waiting if p.keep_until > today + timedelta(days=1)],
        due_soon=[p for p in waiting if today <= p.keep_until <= today + timedelta(days=1)],
        to_return=[p for p in waiting if p.keep_until < today],
        to_phone=[p for p in waiting if needs_a_call(p) and p.phoned_at is None],
        collected=sorted(
            (p for p in parcels if p.status == HANDED_OVER), key=lambda p: p.handed_over_at, reverse=True
        ),
        returned=sorted(
            (p for p in parcels if p.status == RETURNED), key=lambda p: p.returned_at, reverse=True
        ),
    )


def people_to_phone(cafe: Cafe) -> list[Parcel]:
    """Owners of waiting parcels who have only a landline, not yet phoned."""
    return counter_lists(cafe).to_phone


# --- commands --------------------------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Remind owners the day before the deadline (once each, whatever runs at the same time)."""
    from .notifications import send_reminder

    now = now or utcnow()
    sent = 0
    for cafe in db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None))).all():
        tomorrow = cafe.local_day(now) + timedelta(days=1)
        candidates = db.session.scalars(
            select(Parcel).where(
                Parcel.cafe_id == cafe.id,
                Parcel.status == WAITING,
                Parcel.keep_until == tomorrow,
                Parcel.reminder_sent_at.is_(None),
                or_(Parcel.email != "", Parcel.phone != ""),
            )
        ).all()
        for parcel in candidates:
            if not recipient_of(parcel).reachable:
                continue
            won = claim(
                update(Parcel)
                .where(Parcel.id == parcel.id, Parcel.reminder_sent_at.is_(None))
                .values(reminder_sent_at=now)
            )
            if won:
                send_reminder(cafe, parcel)
                sent += 1
            db.session.commit()
    return sent
