"""Events: listing occurrences, seats and RSVPs, staff changes. Every staff change is audited."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ... import audit
from ...claims import claim, greatest, insert_or_ignore, updated_rows
from ...codes import normalise_code
from ...extensions import db
from ...models import (
    Cafe,
    Event,
    EventOccurrenceOverride,
    EventStatus,
    OccurrenceSeats,
    Recurrence,
    Rsvp,
    RsvpStatus,
    User,
    utcnow,
)
from ...phones import parse_phone
from . import notifications
from .recurrence import Occurrence, all_starts, expand, find_occurrence, occurrence_key, to_utc

HORIZON = timedelta(days=366)

# The columns a staff form sets; the rest (status, copies, author) have their own rules.
EDITABLE = (
    "title",
    "description",
    "category",
    "for_all_ages",
    "starts_at",
    "ends_at",
    "at_cafe",
    "place",
    "price",
    "accessibility",
    "capacity",
    "rsvp_enabled",
    "recurrence",
    "monthly_week",
    "repeat_until",
    "repeat_count",
)


class EventFull(Exception):
    """Not enough seats left for the party."""

    def __init__(self, seats_left: int):
        super().__init__(seats_left)
        self.seats_left = seats_left


class AlreadyAnswered(Exception):
    """This form was already sent, or this contact already answered for this date.

    `same_browser` says whether the asker may see that answer (its code opens it): only
    the browser that made it, never someone who merely typed the same name and phone.
    """

    def __init__(self, rsvp: Rsvp, same_browser: bool):
        super().__init__(rsvp.code)
        self.rsvp = rsvp
        self.same_browser = same_browser


def _answer_from_form(form_key: str) -> Rsvp | None:
    if not form_key:
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.form_key == form_key))


def _answer_from_contact(event: Event, original_start: datetime, email: str, phone: str) -> Rsvp | None:
    """A current answer (coming or waiting) for this date with the same email or phone."""
    same_contact = []
    if email:
        same_contact.append(Rsvp.email == email)
    if phone:
        same_contact.append(Rsvp.phone == phone)
    if not same_contact:
        return None
    return db.session.scalar(
        select(Rsvp)
        .where(
            Rsvp.cafe_id == event.cafe_id,
            Rsvp.event_id == event.id,
            Rsvp.occurrence_start == original_start,
            Rsvp.status.in_([RsvpStatus.GOING, RsvpStatus.WAITLIST]),
            or_(*same_contact),
        )
        .order_by(Rsvp.id)
        .limit(1)
    )


class RsvpClosed(Exception):
    """RSVP is off, the occurrence is cancelled or already started."""


class CapacityTooSmall(Exception):
    """More people already said they are coming than the new capacity."""

    def __init__(self, taken: int):
        super().__init__(taken)
        self.taken = taken


# Reading ----------------------------------------------------------------------------------


def _events_query(cafe: Cafe, start: datetime, end: datetime, category: str | None, all_ages: bool):
    query = (
        select(Event)
        .where(Event.cafe_id == cafe.id, Event.starts_at < end)
        # A one-off event that ended before the window cannot be in it; a series may.
        .where(or_(Event.recurrence != Recurrence.NONE, Event.ends_at > start - timedelta(days=1)))
        .options(selectinload(Event.overrides))
    )
    if category:
        query = query.where(Event.category == category)
    if all_ages:
        query = query.where(Event.for_all_ages.is_(True))
    return query


def occurrences_between(
    cafe: Cafe,
    start: datetime,
    end: datetime,
    category: str | None = None,
    all_ages: bool = False,
    include_cancelled: bool = True,
) -> list[Occurrence]:
    """Every occurrence of the café's events starting in [start, end), by start time (two queries)."""
    events = db.session.scalars(_events_query(cafe, start, end, category, all_ages)).all()
    occurrences = []
    for event in events:
        occurrences.extend(expand(event, cafe.zone, start, end, include_cancelled=include_cancelled))
    occurrences.sort(key=lambda o: (o.starts_at, o.event.title))
    return occurrences


@dataclass
class OccurrencePage:
    occurrences: list[Occurrence]
    page: int
    has_next: bool
    seats: dict = field(default_factory=dict)

    @property
    def next_page(self) -> int:
        return self.page + 1


def list_page(
    cafe: Cafe,
    page: int = 1,
    per_page: int = 20,
    category: str | None = None,
    all_ages: bool = False,
    past: bool = False,
) -> OccurrencePage:
    """One page of upcoming (or past, newest first) occurrences, with the seats left of each."""
    page = max(page, 1)
    now = utcnow()
    if past:
        occurrences = occurrences_between(cafe, now - HORIZON, now, category, all_ages)[::-1]
    else:
        # Still on while it runs: an event that started an hour ago is not "past" yet.
        occurrences = [
            o
            for o in occurrences_between(cafe, now - timedelta(hours=12), now + HORIZON, category, all_ages)
            if o.ends_at > now
        ]
    chunk = occurrences[(page - 1) * per_page : page * per_page]
    return OccurrencePage(
        occurrences=chunk,
        page=page,
        has_next=len(occurrences) > page * per_page,
        seats=seats_taken(cafe, chunk),
    )


def this_week(cafe: Cafe) -> list[Occurrence]:
    """What's on from now to the end of the seventh day, cancelled ones included."""
    now = utcnow()
    today = cafe.local_day(now)
    end = to_utc(datetime.combine(today + timedelta(days=7), time(0)), cafe.zone)
    return [o for o in occurrences_between(cafe, now - timedelta(hours=12), end) if o.ends_at > now]


def programme(
    cafe: Cafe, period: str, offset: int = 0, today: date | None = None
) -> tuple[date, date, list[Occurrence]]:
    """What the printed programme covers, from today in the café's zone (never days gone by).

    "week": the 7 days from today (`offset` 1: the 7 after). "month": the calendar month
    from today on; in a month's last week it is the next month (a poster put up on the
    30th is for the month to come); `offset` counts months from there.
    """
    first, last = programme_window(cafe, period, offset, today)
    start = to_utc(datetime.combine(first, time(0)), cafe.zone)
    end = to_utc(datetime.combine(last + timedelta(days=1), time(0)), cafe.zone)
    return first, last, occurrences_between(cafe, start, end)


def programme_window(
    cafe: Cafe, period: str, offset: int = 0, today: date | None = None
) -> tuple[date, date]:
    """The first and last day of the programme (see programme())."""
    today = today or cafe.today()
    if period == "month":
        first = today.replace(day=1)
        if (first + timedelta(days=32)).replace(day=1) - today <= timedelta(days=7):
            offset += 1
        for _ in range(offset):
            first = (first + timedelta(days=32)).replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        first = max(first, today)
    else:
        first = today + timedelta(weeks=offset)
        last = first + timedelta(days=6)
    return first, last


def seats_taken(cafe: Cafe, occurrences: list[Occurrence]) -> dict[tuple[int, datetime], int]:
    """Seats taken per (event id, original start), one query for them all."""
    ids = {o.event.id for o in occurrences if o.event.rsvp_enabled}
    if not ids:
        return {}
    rows = db.session.execute(
        select(OccurrenceSeats.event_id, OccurrenceSeats.occurrence_start, OccurrenceSeats.seats_taken)
        .join(Event, Event.id == OccurrenceSeats.event_id)
        .where(Event.cafe_id == cafe.id, OccurrenceSeats.event_id.in_(ids))
    ).all()
    return {(event_id, start): taken for event_id, start, taken in rows}


def seats_left(occurrence: Occurrence, taken: dict) -> int | None:
    """Seats still free for an occurrence, None when there is no limit."""
    capacity = occurrence.event.capacity
    if capacity is None:
        return None
    return max(capacity - taken.get((occurrence.event.id, occurrence.original_start), 0), 0)


def occurrence_of(cafe: Cafe, event: Event, original_start: datetime | None) -> Occurrence | None:
    """The occurrence named by its original start; without one, the next to come (or the last one)."""
    if original_start is not None:
        return find_occurrence(event, cafe.zone, original_start)
    now = utcnow()
    coming = expand(event, cafe.zone, now - timedelta(hours=12), now + HORIZON * 2)
    coming = [o for o in coming if o.ends_at > now]
    if coming:
        return coming[0]
    past = expand(event, cafe.zone, event.starts_at - timedelta(days=1), now)
    return past[-1] if past else Occurrence(event, event.starts_at, event.starts_at, event.ends_at)


def next_occurrences(cafe: Cafe, event: Event, limit: int = 12) -> list[Occurrence]:
    """The next occurrences of a series (cancelled ones shown), for choosing a date."""
    now = utcnow()
    return [o for o in expand(event, cafe.zone, now - timedelta(hours=12), now + HORIZON) if o.ends_at > now][
        :limit
    ]


def staff_events(cafe: Cafe, past: bool = False) -> list[Event]:
    """The café's events for the staff list: running and coming series and events, or past ones."""
    now = utcnow()
    query = select(Event).where(Event.cafe_id == cafe.id)
    if past:
        query = (
            query.where(Event.recurrence == Recurrence.NONE, Event.ends_at <= now)
            .order_by(Event.starts_at.desc())
            .limit(100)
        )
    else:
        query = query.where(or_(Event.recurrence != Recurrence.NONE, Event.ends_at > now)).order_by(
            Event.starts_at
        )
    return list(db.session.scalars(query))


def feed_events(cafe: Cafe) -> list[Event]:
    """What the café's calendar feed carries: running series and events from the last month on."""
    since = utcnow() - timedelta(days=31)
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.cafe_id == cafe.id)
            .where(or_(Event.recurrence != Recurrence.NONE, Event.ends_at > since))
            .options(selectinload(Event.overrides))
            .order_by(Event.starts_at)
        )
    )


# Staff changes --------------------------------------------------------------------------


def event_of_form(cafe: Cafe, form_key: str | None) -> Event | None:
    """The event this very form already published, or None."""
    if not form_key:
        return None
    return db.session.scalar(select(Event).where(Event.cafe_id == cafe.id, Event.form_key == form_key))


def create_event(
    cafe: Cafe,
    fields: dict,
    copied_from: Event | None = None,
    form_key: str | None = None,
    *,
    actor: User | None,
) -> Event:
    """Publish a new event in the café; the same form sent again (`form_key`, unique in the
    database, even at the same instant) gives back the event the first one published."""
    if (same := event_of_form(cafe, form_key)) is not None:
        return same
    event = Event(
        cafe=cafe,
        created_by=actor,
        copied_from_id=copied_from.id if copied_from is not None else None,
        form_key=form_key or None,
        **{k: fields[k] for k in EDITABLE},
    )
    db.session.add(event)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if (same := event_of_form(cafe, form_key)) is None:
            raise
        return same
    audit.record(
        "events.created",
        cafe,
        target=f"#{event.id} {event.title}",
        starts_at=event.starts_at.isoformat(),
        actor=actor,
    )
    db.session.commit()
    return event


def update_event(cafe: Cafe, event: Event, fields: dict, *, actor: User | None) -> Event:
    """Save a staff edit; the capacity may not go below the seats already taken."""
    new_capacity = fields["capacity"]
    taken = (
        db.session.scalar(
            select(func.max(OccurrenceSeats.seats_taken)).where(OccurrenceSeats.event_id == event.id)
        )
        or 0
    )
    if new_capacity is not None and taken > new_capacity:
        raise CapacityTooSmall(taken)
    changed = sorted(k for k in EDITABLE if getattr(event, k) != fields[k])
    old_starts = all_starts(event, cafe.zone)
    for key in EDITABLE:
        setattr(event, key, fields[key])
    new_starts = all_starts(event, cafe.zone)
    if old_starts != new_starts:
        _follow_dates(event, dict(zip(old_starts, new_starts, strict=False)))
    db.session.execute(
        update(OccurrenceSeats).where(OccurrenceSeats.event_id == event.id).values(capacity=new_capacity)
    )
    # More seats (or no limit any more): those waiting get them before anyone new.
    promoted = _promote_waiting(cafe, event) if event.rsvp_enabled else []
    audit.record("events.updated", cafe, target=f"#{event.id} {event.title}", changed=changed, actor=actor)
    _confirm_promoted(cafe, promoted)
    db.session.commit()  # the change and the mails it causes together
    return event


def _promote_waiting(cafe: Cafe, event: Event) -> list[Rsvp]:
    """Give the seats now free to the event's waiting lists, date by date; the caller commits."""
    waiting = db.session.scalars(
        select(Rsvp)
        .where(
            Rsvp.cafe_id == cafe.id,
            Rsvp.event_id == event.id,
            Rsvp.status == RsvpStatus.WAITLIST,
            Rsvp.occurrence_start > utcnow() - timedelta(hours=12),
        )
        .order_by(Rsvp.created_at, Rsvp.id)
    ).all()
    for start in sorted({w.occurrence_start for w in waiting}):
        _ensure_seats_row(event, start)
    return _promote(cafe, waiting)


def _confirm_promoted(cafe: Cafe, promoted: list[Rsvp]) -> None:
    for candidate in promoted:
        occurrence = find_occurrence(candidate.event, cafe.zone, candidate.occurrence_start)
        if occurrence is not None:
            _confirm(cafe, candidate, occurrence, promoted=True)


_DATED = (
    (OccurrenceSeats, OccurrenceSeats.occurrence_start),
    (Rsvp, Rsvp.occurrence_start),
    (EventOccurrenceOverride, EventOccurrenceOverride.original_start),
)


def _follow_dates(event: Event, mapping: dict[datetime, datetime]) -> None:
    """When an event's date or time changes, its answers, seats and date changes follow:
    the nth occurrence before is the nth after."""
    used = set()
    for model, column in _DATED:
        used.update(db.session.scalars(select(column).where(model.event_id == event.id).distinct()))
    moves = {old: new for old, new in mapping.items() if old in used and old != new}
    if not moves:
        return
    # Through a parking spot first: moving by exactly a week would collide with the next date.
    parking = {old: datetime(1900, 1, 1, tzinfo=UTC) + timedelta(minutes=n) for n, old in enumerate(moves)}
    for step in (parking, {parking[old]: new for old, new in moves.items()}):
        for source, target in step.items():
            for model, column in _DATED:
                db.session.execute(
                    update(model)
                    .where(model.event_id == event.id, column == source)
                    .values({column.key: target})
                    .execution_options(synchronize_session=False)
                )
    db.session.expire(event, ["overrides"])


def cancel_event(cafe: Cafe, event: Event, reason: str, *, actor: User | None) -> None:
    """Cancel the whole event (every occurrence); it stays on the page with the reason."""
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason.strip()
    audit.record(
        "events.cancelled", cafe, target=f"#{event.id} {event.title}", reason=event.cancel_reason, actor=actor
    )
    _tell_attendees(cafe, event, None, _("Cancelled: %(title)s", title=event.title), event.cancel_reason)
    db.session.commit()


def reinstate_event(cafe: Cafe, event: Event, *, actor: User | None) -> None:
    """Undo a cancellation."""
    event.status = EventStatus.SCHEDULED
    event.cancel_reason = ""
    audit.record("events.reinstated", cafe, target=f"#{event.id} {event.title}", actor=actor)
    db.session.commit()


def people_answered(cafe: Cafe, event: Event) -> int:
    """How many people (party sizes counted) are coming or waiting, on any date of the event."""
    return (
        db.session.scalar(
            select(func.coalesce(func.sum(Rsvp.party_size), 0))
            .join(Event, Event.id == Rsvp.event_id)
            .where(Event.cafe_id == cafe.id, Rsvp.event_id == event.id, Rsvp.status != RsvpStatus.CANCELLED)
        )
        or 0
    )


def delete_event(cafe: Cafe, event: Event, *, actor: User | None) -> None:
    """Remove an event, its exceptions and its RSVPs."""
    audit.record("events.deleted", cafe, target=f"#{event.id} {event.title}", actor=actor)
    db.session.execute(delete(Rsvp).where(Rsvp.event_id == event.id))
    db.session.execute(delete(OccurrenceSeats).where(OccurrenceSeats.event_id == event.id))
    db.session.delete(event)
    db.session.commit()


def _override(event: Event, original_start: datetime) -> EventOccurrenceOverride:
    # Subscribed calendars and feed readers only notice a change through the event's
    # DTSTAMP / <updated>: a cancelled, moved or restored date is a change of the event.
    event.updated_at = utcnow()
    for existing in event.overrides:
        if existing.original_start == original_start:
            return existing
    override = EventOccurrenceOverride(cafe_id=event.cafe_id, original_start=original_start)
    event.overrides.append(override)
    return override


def cancel_occurrence(
    cafe: Cafe, event: Event, original_start: datetime, reason: str, *, actor: User | None
) -> None:
    """Cancel one date of a series, the others untouched."""
    override = _override(event, original_start)
    override.cancelled = True
    override.reason = reason.strip()
    override.new_starts_at = override.new_ends_at = None
    audit.record(
        "events.occurrence_cancelled",
        cafe,
        target=f"#{event.id} {event.title}",
        occurrence=occurrence_key(original_start),
        reason=override.reason,
        actor=actor,
    )
    _tell_attendees(
        cafe, event, original_start, _("Cancelled: %(title)s", title=event.title), override.reason
    )
    db.session.commit()


def move_occurrence(
    cafe: Cafe,
    event: Event,
    original_start: datetime,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    *,
    actor: User | None,
) -> None:
    """Move one date of a series; RSVPs follow it."""
    override = _override(event, original_start)
    override.cancelled = False
    override.new_starts_at, override.new_ends_at = starts_at, ends_at
    override.reason = reason.strip()
    audit.record(
        "events.occurrence_moved",
        cafe,
        target=f"#{event.id} {event.title}",
        occurrence=occurrence_key(original_start),
        starts_at=starts_at.isoformat(),
        reason=override.reason,
        actor=actor,
    )
    _tell_attendees(cafe, event, original_start, _("New date: %(title)s", title=event.title), override.reason)
    db.session.commit()


def restore_occurrence(cafe: Cafe, event: Event, original_start: datetime, *, actor: User | None) -> None:
    """Put a cancelled or moved date back as the rule has it."""
    event.updated_at = utcnow()
    for existing in list(event.overrides):
        if existing.original_start == original_start:
            event.overrides.remove(existing)
    audit.record(
        "events.occurrence_restored",
        cafe,
        target=f"#{event.id} {event.title}",
        occurrence=occurrence_key(original_start),
        actor=actor,
    )
    db.session.commit()


def copy_to_cafes(
    cafes: list[Cafe], fields: dict, local_start: datetime, local_end: datetime, *, actor: User | None
) -> list[Event]:
    """A network-wide event: each café gets its own copy, at the same wall-clock time in its zone."""
    copies = []
    for cafe in cafes:
        own = dict(fields, starts_at=to_utc(local_start, cafe.zone), ends_at=to_utc(local_end, cafe.zone))
        event = Event(cafe=cafe, created_by=actor, **{k: own[k] for k in EDITABLE})
        db.session.add(event)
        db.session.flush()
        audit.record("events.network_copy", cafe, target=f"#{event.id} {event.title}", actor=actor)
        copies.append(event)
    audit.record(
        "events.published_to_network",
        None,
        target=fields["title"],
        cafes=[c.slug for c in cafes],
        actor=actor,
    )
    db.session.commit()
    return copies


def attendees(cafe: Cafe, event: Event, original_start: datetime) -> list[Rsvp]:
    """Who is coming to one occurrence (and who waits), in the order they answered."""
    return list(
        db.session.scalars(
            select(Rsvp)
            .where(
                Rsvp.cafe_id == cafe.id,
                Rsvp.event_id == event.id,
                Rsvp.occurrence_start == original_start,
                Rsvp.status != RsvpStatus.CANCELLED,
            )
            .order_by(Rsvp.status, Rsvp.created_at, Rsvp.id)
        )
    )


# RSVP ---------------------------------------------------------------------------------


def _ensure_seats_row(event: Event, original_start: datetime) -> None:
    insert_or_ignore(
        OccurrenceSeats,
        {
            "event_id": event.id,
            "occurrence_start": original_start,
            "seats_taken": 0,
            "capacity": event.capacity,
        },
        ["event_id", "occurrence_start"],
    )


def _take_seats(event: Event, original_start: datetime, party: int) -> bool:
    """Take `party` seats if they are free, in one conditional UPDATE: no race can overbook."""
    return claim(
        update(OccurrenceSeats)
        .where(
            OccurrenceSeats.event_id == event.id,
            OccurrenceSeats.occurrence_start == original_start,
            or_(
                OccurrenceSeats.capacity.is_(None),
                OccurrenceSeats.seats_taken + party <= OccurrenceSeats.capacity,
            ),
        )
        .values(seats_taken=OccurrenceSeats.seats_taken + party)
    )


def _release_seats(event_id: int, original_start: datetime, party: int) -> None:
    updated_rows(
        update(OccurrenceSeats)
        .where(OccurrenceSeats.event_id == event_id, OccurrenceSeats.occurrence_start == original_start)
        .values(seats_taken=greatest(OccurrenceSeats.seats_taken - party, 0))
    )


def seats_left_for(event: Event, original_start: datetime) -> int | None:
    """Seats still free for one occurrence, None when there is no limit."""
    if event.capacity is None:
        return None
    taken = (
        db.session.scalar(
            select(OccurrenceSeats.seats_taken).where(
                OccurrenceSeats.event_id == event.id, OccurrenceSeats.occurrence_start == original_start
            )
        )
        or 0
    )
    return max(event.capacity - taken, 0)


def _refuse_repeats(occurrence: Occurrence, form_key: str, email: str, phone: str, known_codes) -> None:
    """AlreadyAnswered for a form sent again or a contact that answered; RsvpClosed if closed."""
    earlier = _answer_from_form(form_key)
    if earlier is not None:
        raise AlreadyAnswered(earlier, same_browser=True)
    event = occurrence.event
    if not event.rsvp_enabled or occurrence.is_cancelled or occurrence.starts_at <= utcnow():
        raise RsvpClosed
    earlier = _answer_from_contact(event, occurrence.original_start, email, phone)
    if earlier is not None:
        raise AlreadyAnswered(earlier, same_browser=earlier.code in known_codes)


def answer(
    cafe: Cafe,
    occurrence: Occurrence,
    name: str,
    email: str,
    phone: str,
    party_size: int,
    waitlist: bool = False,
    user: User | None = None,
    form_key: str = "",
    known_codes: Collection[str] = (),
) -> Rsvp:
    """Say someone is coming: seats are taken atomically, or (if asked) a place on the waiting list.

    Raises EventFull when the seats are not there and `waitlist` is False, RsvpClosed when
    the occurrence cannot be answered any more, AlreadyAnswered when this form (`form_key`,
    unique in the database) was already sent or this email or phone already answered for
    this date (`known_codes`: the codes this browser made, which it may see again).
    """
    event = occurrence.event
    email = email.strip().lower()
    phone = parse_phone(phone, cafe.phone_region) if phone else ""
    _refuse_repeats(occurrence, form_key, email, phone, known_codes)
    _ensure_seats_row(event, occurrence.original_start)
    if _take_seats(event, occurrence.original_start, party_size):
        status = RsvpStatus.GOING
    elif waitlist:
        status = RsvpStatus.WAITLIST
    else:
        db.session.rollback()
        raise EventFull(seats_left_for(event, occurrence.original_start) or 0)
    rsvp = Rsvp(
        cafe_id=cafe.id,
        event_id=event.id,
        occurrence_start=occurrence.original_start,
        name=name.strip(),
        email=email,
        phone=phone,
        party_size=party_size,
        status=status,
        user_id=user.id if user is not None else None,
        form_key=form_key or None,
    )
    _save_once(event, rsvp, known_codes, lambda: _confirm(cafe, rsvp, occurrence))
    return rsvp


def _save_once(event: Event, rsvp: Rsvp, known_codes: Collection[str], confirm) -> None:
    """Commit the answer with its confirmation (one transaction), unless the same form (its
    key) or the same contact got in at the same moment: the database's unique indexes decide,
    and this request's seats go back."""
    start, email, phone, form_key = rsvp.occurrence_start, rsvp.email, rsvp.phone, rsvp.form_key or ""
    db.session.add(rsvp)
    try:
        db.session.flush()
        confirm()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = _answer_from_form(form_key)
        if earlier is not None:
            raise AlreadyAnswered(earlier, same_browser=True) from None
        # Another browser with the same email or phone won: told as if it had come a moment later.
        earlier = _answer_from_contact(event, start, email, phone)
        if earlier is None:
            raise
        raise AlreadyAnswered(earlier, same_browser=earlier.code in known_codes) from None


def find_rsvp(cafe: Cafe, code: str) -> Rsvp | None:
    """The café's RSVP with this code (any case, spaces ignored)."""
    code = normalise_code(code)
    if not code:
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.cafe_id == cafe.id, Rsvp.code == code))


def cancel_rsvp(cafe: Cafe, rsvp: Rsvp) -> list[Rsvp]:
    """Cancel an RSVP, free its seats and give them to the waiting list; returns who got in."""
    if rsvp.status == RsvpStatus.CANCELLED:
        return []
    was_going = rsvp.status == RsvpStatus.GOING
    # Only the request that flips the status gives the seats back: a double tap, or the
    # staff and the person at once, would otherwise free them twice.
    if not _set_status(rsvp, rsvp.status, RsvpStatus.CANCELLED, cancelled_at=utcnow()):
        db.session.rollback()
        return []
    promoted = []
    if was_going:
        _release_seats(rsvp.event_id, rsvp.occurrence_start, rsvp.party_size)
        waiting = db.session.scalars(
            select(Rsvp)
            .where(
                Rsvp.cafe_id == cafe.id,
                Rsvp.event_id == rsvp.event_id,
                Rsvp.occurrence_start == rsvp.occurrence_start,
                Rsvp.status == RsvpStatus.WAITLIST,
            )
            .order_by(Rsvp.created_at, Rsvp.id)
        ).all()
        promoted = _promote(cafe, waiting)
    _confirm_promoted(cafe, promoted)
    db.session.commit()
    return promoted


def _set_status(rsvp: Rsvp, expected: RsvpStatus, status: RsvpStatus, **values) -> bool:
    """Change an answer's status only if it is still `expected` in the database."""
    return claim(
        update(Rsvp).where(Rsvp.id == rsvp.id, Rsvp.status == expected).values(status=status, **values)
    )


def _promote(cafe: Cafe, waiting: list[Rsvp]) -> list[Rsvp]:
    """Give free seats to the waiting list in order; someone another request promoted
    meanwhile is skipped, so nobody takes seats twice. The caller commits."""
    promoted = []
    for candidate in waiting:
        if not _set_status(candidate, RsvpStatus.WAITLIST, RsvpStatus.GOING):
            continue
        if _take_seats(candidate.event, candidate.occurrence_start, candidate.party_size):
            promoted.append(candidate)
        else:
            _set_status(candidate, RsvpStatus.GOING, RsvpStatus.WAITLIST)
    return promoted


def staff_cancel_rsvp(cafe: Cafe, rsvp: Rsvp, *, actor: User | None) -> None:
    """Staff take someone off the list (they called the café)."""
    audit.record("events.rsvp_cancelled", cafe, target=f"#{rsvp.event_id} {rsvp.name}", actor=actor)
    cancel_rsvp(cafe, rsvp)


def _confirm(cafe: Cafe, rsvp: Rsvp, occurrence: Occurrence, promoted: bool = False) -> None:
    notifications.rsvp_confirmed(cafe, rsvp, occurrence, promoted)


def _tell_attendees(
    cafe: Cafe, event: Event, original_start: datetime | None, subject: str, reason: str
) -> None:
    query = select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status != RsvpStatus.CANCELLED)
    if original_start is not None:
        query = query.where(Rsvp.occurrence_start == original_start)
    else:
        query = query.where(Rsvp.occurrence_start > utcnow() - timedelta(hours=12))
    notifications.attendees_told(cafe, db.session.scalars(query).all(), subject, reason)
