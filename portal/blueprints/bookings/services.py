"""Digital-help bookings: queries and rules. The café is always the first argument.

Seats are taken in the database, never by a check in Python: the slot row is created
with INSERT … ON CONFLICT DO NOTHING, then `seats_taken` is raised by an UPDATE that
only matches while seats are left (and a CHECK constraint backs it up). Whoever gets
a lost claim lost the race and is told the slot was just taken.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ... import audit, formatting
from ...claims import claim, insert_or_ignore, updated_rows
from ...codes import new_code, normalise_code
from ...extensions import db
from ...models import (
    AvailabilityRule,
    Booking,
    Cafe,
    CafeBookingSettings,
    Closure,
    ExtraOpening,
    HelpTopic,
    Membership,
    Slot,
    User,
    utcnow,
)
from ...models.booking import ATTENDED, BOOKED, CANCELLED, CANCELLED_BY_CAFE, CANCELLED_BY_PERSON, NO_SHOW
from ...notify import Recipient
from ...opening_hours import day_warning, opening_intervals, weekday_warning
from ...phones import is_mobile, parse_phone
from . import notifications
from .slots import (
    FreeSlot,
    bookable_slots,
    candidate_slots,
    clip_to_opening,
    expand_periods,
    group_by_day,
    parse_slot_key,
)

CODE_LENGTH = 6
STAFF_MARKS = (BOOKED, ATTENDED, NO_SHOW, CANCELLED_BY_CAFE)


class SlotNotFound(Exception):
    """The slot key names no helper of this café, or is malformed: a 404."""


class SlotUnavailable(Exception):
    """The slot exists but cannot be booked (taken, past, outside the window)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "taken" or "closed"


class TooLate(Exception):
    """The café's cancellation notice has passed."""


class NotAllowed(Exception):
    """A status change that makes no sense (e.g. marking a cancelled booking attended)."""


# --- settings and topics ---------------------------------------------------------------


def settings_for(cafe: Cafe) -> CafeBookingSettings:
    """The café's booking settings, or the defaults when it never changed them."""
    found = db.session.get(CafeBookingSettings, cafe.id)
    if found is None:
        found = CafeBookingSettings(
            cafe_id=cafe.id, window_days=30, min_notice_hours=2, cancel_notice_hours=4
        )
    return found


def active_topics(cafe: Cafe) -> list[HelpTopic]:
    """The topics residents may book, in the café's order."""
    return list(
        db.session.scalars(
            select(HelpTopic)
            .where(HelpTopic.cafe_id == cafe.id, HelpTopic.active.is_(True))
            .order_by(HelpTopic.position, HelpTopic.name)
        )
    )


def get_active_topic(cafe: Cafe, topic_id: int) -> HelpTopic | None:
    """One active topic of the café, or None (another café's id included)."""
    return db.session.scalar(
        select(HelpTopic).where(
            HelpTopic.cafe_id == cafe.id, HelpTopic.id == topic_id, HelpTopic.active.is_(True)
        )
    )


# --- free slots --------------------------------------------------------------------------


def _periods(cafe: Cafe, first_day: date, last_day: date):
    rules = db.session.scalars(select(AvailabilityRule).where(AvailabilityRule.cafe_id == cafe.id)).all()
    extras = db.session.scalars(
        select(ExtraOpening).where(
            ExtraOpening.cafe_id == cafe.id, ExtraOpening.day.between(first_day, last_day)
        )
    ).all()
    closures = db.session.scalars(
        select(Closure).where(
            Closure.cafe_id == cafe.id, Closure.last_day >= first_day, Closure.first_day <= last_day
        )
    ).all()
    periods = expand_periods(rules, extras, closures, first_day, last_day)
    return clip_to_opening(periods, lambda day: opening_intervals(cafe, day))


def _taken(cafe: Cafe, first_day: date, last_day: date) -> dict[tuple[int, datetime], int]:
    start = datetime.combine(first_day - timedelta(days=1), time(), tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=2), time(), tzinfo=UTC)
    rows = db.session.execute(
        select(Slot.helper_id, Slot.starts_at, Slot.seats_taken).where(
            Slot.cafe_id == cafe.id, Slot.starts_at >= start, Slot.starts_at < end
        )
    )
    return {(helper_id, starts_at): taken for helper_id, starts_at, taken in rows}


def free_slots(
    cafe: Cafe, topic: HelpTopic, now: datetime | None = None, party_size: int = 1
) -> list[FreeSlot]:
    """The slots a resident may book for `topic` now, within the café's window and notice."""
    now = now or utcnow()
    settings = settings_for(cafe)
    first = cafe.local_day(now)
    last = first + timedelta(days=settings.window_days)
    return bookable_slots(
        _periods(cafe, first, last),
        cafe.zone,
        topic.duration_minutes,
        _taken(cafe, first, last),
        now,
        settings.window_days,
        settings.min_notice_hours,
        party_size,
    )


def next_free_by_day(
    cafe: Cafe, topic: HelpTopic, now: datetime | None = None, days: int = 7, exclude: str | None = None
) -> list[tuple[date, list[FreeSlot]]]:
    """The next free slots grouped by local day, for the first `days` days that have any."""
    slots = [s for s in free_slots(cafe, topic, now) if s.key != exclude]
    return group_by_day(slots, cafe.zone)[:days]


def day_slots(cafe: Cafe, day: date, now: datetime | None = None) -> list[FreeSlot]:
    """Every slot of one day for the staff, full ones included, past ones left out."""
    now = now or utcnow()
    periods = _periods(cafe, day, day)
    return [s for s in candidate_slots(periods, cafe.zone, None, _taken(cafe, day, day)) if s.starts_at > now]


def _helper_works_here(cafe: Cafe, helper_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(AvailabilityRule.cafe_id == cafe.id, AvailabilityRule.helper_id == helper_id)
                | exists().where(ExtraOpening.cafe_id == cafe.id, ExtraOpening.helper_id == helper_id)
            )
        )
    )


def find_slot(
    cafe: Cafe, topic: HelpTopic, key: str, now: datetime | None = None, staff: bool = False
) -> FreeSlot:
    """The slot named by `key` for `topic`, checked against the rules as they are now.

    Raises SlotNotFound for a malformed key or a helper who does not work in this café,
    SlotUnavailable("closed") for a time that is past, outside the window or not an
    opening, SlotUnavailable("taken") when no seat is left. Staff may book inside the
    minimum notice and beyond the window, and a full slot comes back for them to overbook.
    """
    now = now or utcnow()
    parsed = parse_slot_key(key)
    if parsed is None or not _helper_works_here(cafe, parsed[0]):
        raise SlotNotFound
    helper_id, starts_at = parsed
    day = cafe.local_day(starts_at)
    periods = [p for p in _periods(cafe, day, day) if p.helper_id == helper_id]
    slot = next(
        (
            s
            for s in candidate_slots(periods, cafe.zone, topic.duration_minutes, _taken(cafe, day, day))
            if s.starts_at == starts_at
        ),
        None,
    )
    if slot is None or slot.starts_at <= now:
        raise SlotUnavailable("closed")
    if not staff:
        settings = settings_for(cafe)
        too_soon = slot.starts_at < now + timedelta(hours=settings.min_notice_hours)
        if too_soon or day > cafe.local_day(now) + timedelta(days=settings.window_days):
            raise SlotUnavailable("closed")
        if slot.seats_left < 1:
            raise SlotUnavailable("taken")
    return slot


@dataclass(frozen=True)
class WhyFull:
    """Why a slot cannot take `topic`, in words staff can act on."""

    blocking: datetime | None  # the later slot, already full, that a long topic would run into
    fitting: list[FreeSlot]  # the times of that day where the topic fits


def why_full(cafe: Cafe, topic: HelpTopic, slot: FreeSlot, now: datetime | None = None) -> WhyFull:
    """A full slot for a topic longer than one slot may be free itself: say which slot is in the way."""
    now = now or utcnow()
    day = cafe.local_day(slot.starts_at)
    taken = _taken(cafe, day, day)
    blocking = next(
        (start for start in slot.covered if slot.capacity - taken.get((slot.helper_id, start), 0) < 1), None
    )
    fitting = [
        s
        for s in candidate_slots(_periods(cafe, day, day), cafe.zone, topic.duration_minutes, taken)
        if s.seats_left >= 1 and s.starts_at > now
    ]
    return WhyFull(blocking if blocking != slot.starts_at else None, fitting)


# --- taking and giving back seats -----------------------------------------------------------


def _take_seats(cafe: Cafe, slot: FreeSlot, seats: int) -> None:
    """Take `seats` in every slot the booking covers, or raise SlotUnavailable("taken").

    The caller rolls back on failure. Slots are locked in time order, so two bookings
    covering the same slots cannot deadlock each other.
    """
    for starts_at in slot.covered:
        insert_or_ignore(
            Slot,
            {
                "cafe_id": cafe.id,
                "helper_id": slot.helper_id,
                "starts_at": starts_at,
                "capacity": slot.capacity,
                "seats_taken": 0,
            },
            ["cafe_id", "helper_id", "starts_at"],
        )
        taken = claim(
            update(Slot)
            .where(
                Slot.cafe_id == cafe.id,
                Slot.helper_id == slot.helper_id,
                Slot.starts_at == starts_at,
                # The capacity the rules give now (staff may have changed the seats since
                # the row was made), never the one stored when the row was first created.
                Slot.seats_taken + seats <= slot.capacity,
            )
            .values(seats_taken=Slot.seats_taken + seats, capacity=slot.capacity)
        )
        if not taken:
            raise SlotUnavailable("taken")


def _release_seats(cafe: Cafe, booking: Booking) -> None:
    """Give back the seats of a booking (an overbooked one never took any)."""
    if booking.overbooked or booking.helper_id is None:
        return
    updated_rows(
        update(Slot)
        .where(
            Slot.cafe_id == cafe.id,
            Slot.helper_id == booking.helper_id,
            Slot.starts_at >= booking.starts_at,
            Slot.starts_at < booking.ends_at,
            Slot.seats_taken >= booking.party_size,
        )
        .values(seats_taken=Slot.seats_taken - booking.party_size)
    )


def _claim(cafe: Cafe, booking: Booking, still_booked_only: bool, **values) -> bool:
    """Change the booking only if it is still as this request read it (status, helper, time).

    Two requests at once (a double tap, staff and the person cancelling together, two
    moves) both read "booked"; only the one whose UPDATE matches goes on to give seats
    back, so seats are never released twice.
    """
    status = Booking.status == BOOKED if still_booked_only else Booking.status.notin_(CANCELLED)
    return claim(
        update(Booking)
        .where(
            Booking.cafe_id == cafe.id,
            Booking.id == booking.id,
            status,
            Booking.helper_id == booking.helper_id,
            Booking.starts_at == booking.starts_at,
        )
        .values(**values)
    )


def _new_code(cafe: Cafe) -> str:
    while True:
        code = new_code(CODE_LENGTH)
        if not db.session.scalar(select(exists().where(Booking.cafe_id == cafe.id, Booking.code == code))):
            return code


def book(
    cafe: Cafe,
    topic: HelpTopic,
    slot: FreeSlot,
    *,
    name: str,
    phone: str = "",
    email: str = "",
    age_band: str = "",
    note: str = "",
    booked_by: User | None = None,
    overbook: bool = False,
    form_key: str | None = None,
    confirm: bool = False,
) -> Booking:
    """Book `slot` for `topic` and commit, or raise SlotUnavailable("taken") with nothing saved.

    `confirm`: the confirmation mail is recorded in the booking's own transaction, so there
    is never a booking without its confirmation (nor a confirmation of a booking not made).

    `overbook` (staff only) knowingly books a full slot: no seat is taken and the
    booking is marked and audited. `form_key` is unique per café: a second booking with
    the same key raises IntegrityError (nothing saved), see `take`.
    """
    try:
        if not overbook:
            _take_seats(cafe, slot, 1)
        booking = Booking(
            cafe_id=cafe.id,
            topic_id=topic.id,
            helper_id=slot.helper_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            party_size=1,
            name=name.strip(),
            phone=phone,
            email=email.strip().lower(),
            age_band=age_band or "",
            note=(note or "").strip(),
            code=_new_code(cafe),
            status=BOOKED,
            booked_by_id=booked_by.id if booked_by else None,
            overbooked=overbook,
            form_key=form_key or None,
        )
        db.session.add(booking)
        db.session.flush()
        _audit_and_confirm(cafe, topic, booking, booked_by, overbook, confirm)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return booking


def _audit_and_confirm(
    cafe: Cafe, topic: HelpTopic, booking: Booking, booked_by: User | None, overbook: bool, confirm: bool
) -> None:
    """In the booking's transaction: staff's booking is audited, the confirmation recorded."""
    if booked_by is not None:
        audit.record(
            "bookings.overbook" if overbook else "bookings.book_for_someone",
            cafe,
            target=f"booking:{booking.id}",
            actor=booked_by,
            code=booking.code,
            topic=topic.name,
            starts_at=booking.starts_at.isoformat(),
        )
    if confirm:
        notifications.booking_confirmed(cafe, booking)


def booking_of_form(cafe: Cafe, form_key: str | None) -> Booking | None:
    """The booking this very form (this browser) already made, or None.

    Only the browser that was given `form_key` (a random hidden field) can send it back:
    a name and a phone number alone never show anybody's booking.
    """
    if not form_key:
        return None
    return db.session.scalar(select(Booking).where(Booking.cafe_id == cafe.id, Booking.form_key == form_key))


BOOKED_NOW = "booked"  # this request made the booking
ALREADY = "already"  # a second tap of the same form: the booking the first one made
TAKEN = "taken"  # someone else took the last seat meanwhile
CLOSED = "closed"  # past, outside the window or not an opening (any more)
FULL = "full"  # staff: the slot is full, tick "overbook" to book it anyway


@dataclass
class Taken:
    """What `take` did: `outcome` is one of the constants above; `booking` when there is one."""

    outcome: str
    booking: Booking | None = None
    slot: FreeSlot | None = None

    @property
    def ok(self) -> bool:
        return self.booking is not None


def _unless_this_form_booked(cafe: Cafe, form_key: str | None, answer: Taken) -> Taken:
    """The seat went while we looked: to this very form's first tap, maybe (then show it)."""
    same = booking_of_form(cafe, form_key)
    return Taken(ALREADY, same) if same is not None else answer


def take(
    cafe: Cafe,
    topic: HelpTopic,
    key: str,
    person: dict,
    *,
    form_key: str | None,
    actor: User | None = None,
    overbook: bool = False,
    now: datetime | None = None,
    confirm: bool = False,
) -> Taken:
    """Take a booking of the slot named `key`, from residents (actor None) or staff (`actor`).

    The whole rule in one place: the slot is checked against the rules as they are now;
    a second tap of the same form (same `form_key`) answers the booking the first tap made,
    even when that tap took the last seat or runs at the same moment (the key is unique in
    the database); staff may book inside the notice and overbook a full slot when they say
    so (`overbook`); a lost race is TAKEN (FULL for staff). Raises SlotNotFound (a 404).
    """
    if (same := booking_of_form(cafe, form_key)) is not None:
        return Taken(ALREADY, same)
    try:
        slot = find_slot(cafe, topic, key, now, staff=actor is not None)
    except SlotUnavailable as problem:
        return _unless_this_form_booked(cafe, form_key, Taken(problem.reason))
    full = slot.seats_left < 1
    if full and not overbook:
        return _unless_this_form_booked(cafe, form_key, Taken(FULL, slot=slot))
    try:
        booking = book(
            cafe, topic, slot, **person, booked_by=actor, overbook=full, form_key=form_key, confirm=confirm
        )
    except SlotUnavailable:
        return _unless_this_form_booked(cafe, form_key, Taken(FULL if actor else TAKEN, slot=slot))
    except IntegrityError:  # the same form, sent at the same moment, won
        if (same := booking_of_form(cafe, form_key)) is None:
            raise
        return Taken(ALREADY, same)
    return Taken(BOOKED_NOW, booking, slot)


# --- residents change their booking -----------------------------------------------------------


def find_booking(cafe: Cafe, code: str, contact: str) -> Booking | None:
    """The booking with this code whose phone or email matches `contact`, or None."""
    booking = db.session.scalar(
        select(Booking).where(
            Booking.cafe_id == cafe.id, Booking.code == normalise_code(code), Booking.anonymised_at.is_(None)
        )
    )
    if booking is None or not contact:
        return None
    contact = contact.strip()
    if "@" in contact:
        return booking if booking.email and booking.email == contact.lower() else None
    try:
        phone = parse_phone(contact, cafe.phone_region)
    except ValueError:
        return None
    return booking if booking.phone and booking.phone == phone else None


def find_by_code(cafe: Cafe, code: str) -> Booking | None:
    """A booking of this café by its code (None for an unknown or another café's code)."""
    return db.session.scalar(
        select(Booking)
        .options(joinedload(Booking.topic))
        .where(Booking.cafe_id == cafe.id, Booking.code == normalise_code(code))
    )


def get_booking(cafe: Cafe, booking_id: int) -> Booking | None:
    """A booking of this café by id (None for another café's)."""
    return db.session.scalar(
        select(Booking)
        .options(joinedload(Booking.topic), joinedload(Booking.helper))
        .where(Booking.cafe_id == cafe.id, Booking.id == booking_id)
    )


def can_change(cafe: Cafe, booking: Booking, now: datetime | None = None) -> bool:
    """Whether the person may still cancel or move this booking themselves."""
    now = now or utcnow()
    notice = timedelta(hours=settings_for(cafe).cancel_notice_hours)
    return booking.status == BOOKED and booking.starts_at - notice > now


def cancel_by_person(cafe: Cafe, booking: Booking, now: datetime | None = None) -> None:
    """The person cancels; refused (TooLate) within the café's cancellation notice.

    Cancelling twice (a double tap) is not an error: the second time does nothing.
    """
    if booking.status == CANCELLED_BY_PERSON:
        return
    if not can_change(cafe, booking, now):
        raise TooLate
    try:
        if not _claim(cafe, booking, True, status=CANCELLED_BY_PERSON):
            db.session.rollback()
            if booking.status == CANCELLED_BY_PERSON:  # the other request did it
                return
            raise TooLate
        _release_seats(cafe, booking)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def reschedule(
    cafe: Cafe, booking: Booking, slot: FreeSlot, now: datetime | None = None, form_key: str = ""
) -> None:
    """Move the booking to `slot`: the new seat is taken before the old one is given back.

    The move records `form_key` (the moving form's random key) in the same UPDATE, so
    `move` can tell a second tap of the same form from another move.
    """
    if not can_change(cafe, booking, now):
        raise TooLate
    try:
        # The booking row first (as cancelling does), then the slots: no deadlock between them.
        moved = _claim(
            cafe,
            booking,
            True,
            helper_id=slot.helper_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            overbooked=False,
            reminder_sent_at=None,
            move_key=form_key or None,
        )
        if not moved:  # cancelled or moved by another request meanwhile
            raise TooLate
        _take_seats(cafe, slot, booking.party_size)
        _release_seats(cafe, booking)  # the object still holds the old helper and time
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _moved_by(booking: Booking, form_key: str) -> bool:
    return bool(form_key) and booking.move_key == form_key


def move(
    cafe: Cafe, booking: Booking, slot_key: str, form_key: str = "", now: datetime | None = None
) -> None:
    """The person moves their booking to the slot named `slot_key`, once per form.

    A second tap or a replay of the same form (same `form_key`) finds the booking already
    moved by it and answers as the first did, instead of moving it again or saying the seat is
    taken (by this very booking). Raises SlotNotFound, SlotUnavailable or TooLate otherwise.
    """
    if _moved_by(booking, form_key):
        return
    try:
        reschedule(cafe, booking, find_slot(cafe, booking.topic, slot_key, now), now, form_key=form_key)
    except (TooLate, SlotUnavailable):
        db.session.rollback()
        db.session.refresh(booking)
        if _moved_by(booking, form_key):  # the other tap of this form won the race
            return
        raise


# --- staff -------------------------------------------------------------------------------------


def _local_range(cafe: Cafe, first_day: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time(), tzinfo=cafe.zone).astimezone(UTC)
    end = datetime.combine(first_day + timedelta(days=days), time(), tzinfo=cafe.zone).astimezone(UTC)
    return start, end


# From Saturday noon on, the week that is ending has little left in it: the week view opens on
# the coming one, where Monday's appointments are.
WEEK_TURNS_AT = (5, time(12))  # Saturday, noon, on the café's clock


def week_monday(cafe: Cafe, asked: date | None = None) -> date:
    """The Monday of the week to show: the week of `asked` (any day of it), or by default the
    current week, or the coming one from Saturday noon on (and on Sundays)."""
    if asked is not None:
        return asked - timedelta(days=asked.weekday())
    now = cafe.now()
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    if (today.weekday(), now.time()) >= WEEK_TURNS_AT:
        monday += timedelta(days=7)
    return monday


def bookings_between(cafe: Cafe, first_day: date, days: int = 1) -> list[Booking]:
    """Every booking from first_day for `days` local days, with topic, helper and who booked."""
    start, end = _local_range(cafe, first_day, days)
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.topic), joinedload(Booking.helper), joinedload(Booking.booked_by))
            .where(Booking.cafe_id == cafe.id, Booking.starts_at >= start, Booking.starts_at < end)
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def recipient_of(booking: Booking) -> Recipient:
    """How a reminder can reach the person (maybe nowhere: then staff phone them)."""
    mobile = booking.phone if is_mobile(booking.phone) and current_app.config["SMS_ENABLED"] else ""
    return Recipient(email=booking.email, mobile=mobile)


def people_to_phone(cafe: Cafe, day: date) -> list[Booking]:
    """Bookings on `day` that no reminder can reach: the staff phone them instead."""
    return [b for b in bookings_between(cafe, day) if b.status == BOOKED and not recipient_of(b).reachable]


def mark(cafe: Cafe, booking: Booking, status: str, reason: str = "", *, actor: User | None) -> None:
    """Staff mark a booking attended, no-show, back to booked, or cancel it with a reason."""
    if status not in STAFF_MARKS or booking.is_cancelled:
        raise NotAllowed
    values = {"status": status}
    if status == CANCELLED_BY_CAFE:
        values["cancel_reason"] = reason.strip()
    if not _claim(cafe, booking, False, **values):  # cancelled by the person meanwhile
        db.session.rollback()
        raise NotAllowed
    if status == CANCELLED_BY_CAFE:
        _release_seats(cafe, booking)
    audit.record(
        f"bookings.mark_{status}",
        cafe,
        target=f"booking:{booking.id}",
        code=booking.code,
        reason=reason.strip(),
        actor=actor,
    )
    db.session.commit()


# --- words -------------------------------------------------------------------------------------


when_in_words = formatting.when_in_words  # 'mardi 3 décembre à 10 h 30', in the reader's language


# --- commands ----------------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Remind tomorrow's people by email (or SMS); each booking is claimed once, atomically.

    The claim (reminder_sent_at set where it was empty) is committed before sending, so
    two runs at once, or one after the other, never remind anyone twice.
    """
    now = now or utcnow()
    sent = 0
    cafes = db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None))).all()
    for cafe in cafes:
        tomorrow = cafe.local_day(now) + timedelta(days=1)
        start, end = _local_range(cafe, tomorrow, 1)
        candidates = db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.topic))
            .where(
                Booking.cafe_id == cafe.id,
                Booking.status == BOOKED,
                Booking.reminder_sent_at.is_(None),
                Booking.starts_at >= start,
                Booking.starts_at < end,
                or_(Booking.email != "", Booking.phone != ""),
            )
        ).all()
        for booking in candidates:
            recipient = recipient_of(booking)
            if not recipient.reachable:
                continue
            claimed = claim(
                update(Booking)
                .where(Booking.id == booking.id, Booking.reminder_sent_at.is_(None))
                .values(reminder_sent_at=now)
            )
            if not claimed:
                db.session.commit()
                continue
            notifications.reminder(cafe, booking, recipient)
            db.session.commit()  # "reminded" and the reminder together
            sent += 1
    return sent


# --- setting up the help -------------------------------------------------------------------------


def team_helpers(cafe: Cafe) -> list[User]:
    """The café's team members who can give help (every role from digital helper up)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cafe_id == cafe.id)
            .order_by(User.display_name)
        )
    )


def setup_overview(cafe: Cafe) -> dict:
    """Everything the setup page lists: topics, weekly rules, extra dates, closures, settings."""
    today = cafe.today()
    overview = {
        "topics": list(
            db.session.scalars(
                select(HelpTopic)
                .where(HelpTopic.cafe_id == cafe.id)
                .order_by(HelpTopic.position, HelpTopic.name)
            )
        ),
        "rules": list(
            db.session.scalars(
                select(AvailabilityRule)
                .options(joinedload(AvailabilityRule.helper))
                .where(AvailabilityRule.cafe_id == cafe.id)
                .order_by(AvailabilityRule.weekday, AvailabilityRule.starts)
            )
        ),
        "extras": list(
            db.session.scalars(
                select(ExtraOpening)
                .options(joinedload(ExtraOpening.helper))
                .where(ExtraOpening.cafe_id == cafe.id, ExtraOpening.day >= today)
                .order_by(ExtraOpening.day, ExtraOpening.starts)
            )
        ),
        "closures": list(
            db.session.scalars(
                select(Closure)
                .options(joinedload(Closure.helper))
                .where(Closure.cafe_id == cafe.id, Closure.last_day >= today)
                .order_by(Closure.first_day)
            )
        ),
        "settings": settings_for(cafe),
    }
    # Openings set while the café is shut offer nothing then: say so next to them.
    overview["rule_warnings"] = {
        r.id: warning
        for r in overview["rules"]
        if (warning := weekday_warning(cafe, r.weekday, r.starts, r.ends))
    }
    overview["extra_warnings"] = {
        e.id: warning for e in overview["extras"] if (warning := day_warning(cafe, e.day, e.starts, e.ends))
    }
    return overview


def _check_helper(cafe: Cafe, helper_id: int | None) -> None:
    if helper_id and helper_id not in {u.id for u in team_helpers(cafe)}:
        raise NotAllowed


def add_topic(
    cafe: Cafe, name: str, duration_minutes: int, what_to_bring: str, *, actor: User | None
) -> HelpTopic:
    """A new help topic, listed last."""
    last = db.session.scalar(select(func.max(HelpTopic.position)).where(HelpTopic.cafe_id == cafe.id)) or 0
    topic = HelpTopic(
        cafe_id=cafe.id,
        name=name.strip(),
        duration_minutes=duration_minutes,
        what_to_bring=(what_to_bring or "").strip(),
        position=last + 1,
    )
    db.session.add(topic)
    db.session.flush()
    audit.record("bookings.add_topic", cafe, target=f"topic:{topic.id}", name=topic.name, actor=actor)
    db.session.commit()
    return topic


def toggle_topic(cafe: Cafe, topic: HelpTopic, *, actor: User | None) -> None:
    """Offer a topic again, or stop offering it (its past bookings stay)."""
    topic.active = not topic.active
    audit.record("bookings.toggle_topic", cafe, target=f"topic:{topic.id}", active=topic.active, actor=actor)
    db.session.commit()


def add_rule(cafe: Cafe, *, actor: User | None, **values) -> AvailabilityRule:
    """A weekly opening period for a helper of this café."""
    _check_helper(cafe, values.get("helper_id"))
    rule = AvailabilityRule(cafe_id=cafe.id, **values)
    db.session.add(rule)
    db.session.flush()
    audit.record("bookings.add_rule", cafe, target=f"rule:{rule.id}", weekday=rule.weekday, actor=actor)
    db.session.commit()
    return rule


def add_extra(cafe: Cafe, *, actor: User | None, **values) -> ExtraOpening:
    """A one-off opening of a helper of this café."""
    _check_helper(cafe, values.get("helper_id"))
    extra = ExtraOpening(cafe_id=cafe.id, **values)
    db.session.add(extra)
    db.session.flush()
    audit.record(
        "bookings.add_extra", cafe, target=f"extra:{extra.id}", day=extra.day.isoformat(), actor=actor
    )
    db.session.commit()
    return extra


def add_closure(cafe: Cafe, *, actor: User | None, **values) -> Closure:
    """Days without help: the whole café (no helper) or one helper's absence."""
    _check_helper(cafe, values.get("helper_id"))
    closure = Closure(cafe_id=cafe.id, **values)
    db.session.add(closure)
    db.session.flush()
    audit.record(
        "bookings.add_closure",
        cafe,
        target=f"closure:{closure.id}",
        first_day=closure.first_day.isoformat(),
        last_day=closure.last_day.isoformat(),
        actor=actor,
    )
    db.session.commit()
    return closure


def delete_setup_row(cafe: Cafe, row, *, actor: User | None) -> None:
    """Remove a rule, an extra opening or a closure (bookings already made stay)."""
    audit.record(
        f"bookings.delete_{row.__tablename__}", cafe, target=f"{row.__tablename__}:{row.id}", actor=actor
    )
    db.session.delete(row)
    db.session.commit()


def save_settings(cafe: Cafe, *, actor: User | None, **values) -> CafeBookingSettings:
    """The café's booking window, notices and retention period (the café's, for RSVPs too)."""
    settings = db.session.get(CafeBookingSettings, cafe.id)
    if settings is None:
        settings = CafeBookingSettings(cafe_id=cafe.id)
        db.session.add(settings)
    for key, value in values.items():
        setattr(cafe if key == "retention_months" else settings, key, value)
    audit.record("bookings.save_settings", cafe, target="settings", **values, actor=actor)
    db.session.commit()
    return settings
