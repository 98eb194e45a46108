"""Recording the help given: reports, walk-ins, workshops, and the prompts after a booking.

Every change goes to the café's audit log, with categories only (never the note).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import audit
from ...claims import updated_rows
from ...extensions import db
from ...models import Booking, Cafe, Event, Rsvp, User, utcnow
from ...models.booking import ATTENDED
from ...models.event import EventCategory, EventStatus, RsvpStatus
from ...models.impact import (
    COLLECTIVE,
    EQUIPMENT_CHOICE,
    INDIVIDUAL,
    NOT_GIVEN,
    THEME,
    BookingReportPrompt,
    HelpReport,
    HelpReportChoice,
    Workshop,
)

CORRECTION_DAYS = 30
WALK_IN_MINUTES = 30
# The themes offered as one-tap buttons for a walk-in (the most common at a village café).
WALK_IN_THEMES = (
    "aide_aux_demarches_administratives",
    "prendre_en_main_du_materiel",
    "navigation_sur_internet",
    "email",
    "sante",
    "banque_et_achats_en_ligne",
    "securite_numerique",
    "reseaux_sociaux",
)
PROMPT_DAYS = 30


class CorrectionWindowClosed(Exception):
    """The report is older than the correction window: the figures are settled."""


@dataclass
class ReportData:
    """What a report says, as typed in the form (validated)."""

    day: date
    duration_minutes: int
    themes: list[str]
    kind: str = INDIVIDUAL
    participants: int = 1
    equipment: list[str] = field(default_factory=list)
    autonomy: str = ""
    workshop_level: str = ""
    workshop_title: str = ""
    referred: bool = False
    referred_to: str = ""
    age_band: str = NOT_GIVEN
    gender: str = NOT_GIVEN
    social_status: str = NOT_GIVEN
    postcode: str = ""
    commune: str = ""
    insee_code: str = ""
    first_visit: bool | None = None
    note: str = ""

    @classmethod
    def from_form(cls, form) -> "ReportData":
        first = {"oui": True, "non": False}.get(form.first_visit.data or "")
        referred = form.referred.data == "oui"
        return cls(
            kind=form.kind.data,
            day=form.day.data,
            duration_minutes=form.minutes,
            participants=form.participants.data or 1 if form.kind.data == COLLECTIVE else 1,
            equipment=list(form.equipment.data or []),
            themes=form.themes,
            autonomy=form.autonomy.data or "",
            workshop_level=(form.workshop_level.data or "") if form.kind.data == COLLECTIVE else "",
            referred=referred,
            referred_to=(form.referred_to.data or "") if referred else "",
            age_band=form.age_band.data or NOT_GIVEN,
            gender=form.gender.data or NOT_GIVEN,
            social_status=form.social_status.data or NOT_GIVEN,
            postcode=(form.postcode.data or "").strip(),
            commune=(form.commune.data or "").strip(),
            insee_code=(form.insee_code.data or "").strip().upper(),
            first_visit=first,
            note=(form.note.data or "").strip(),
        )


# Fields compared for the audit log (the note is left out: it may hold words about someone).
AUDITED = (
    "kind",
    "day",
    "duration_minutes",
    "participants",
    "autonomy",
    "workshop_level",
    "referred",
    "referred_to",
    "age_band",
    "gender",
    "social_status",
    "postcode",
    "insee_code",
    "first_visit",
)


def _apply(report: HelpReport, data: ReportData) -> dict:
    """Copy `data` into `report`; the changes (old, new) of audited fields and choices."""
    changes = {}
    for name in AUDITED:
        new = getattr(data, name)
        old = getattr(report, name, None)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
        setattr(report, name, new)
    report.commune = data.commune
    report.workshop_title = data.workshop_title or report.workshop_title or ""
    if report.note != data.note:
        changes["note"] = "changed"
    report.note = data.note
    wanted = {(THEME, t) for t in data.themes} | {(EQUIPMENT_CHOICE, e) for e in data.equipment}
    current = {(c.dimension, c.value): c for c in report.choices}
    if set(current) != wanted:
        changes["themes"] = [sorted(v for d, v in current if d == THEME), sorted(data.themes)]
        changes["equipment"] = [
            sorted(v for d, v in current if d == EQUIPMENT_CHOICE),
            sorted(data.equipment),
        ]
    for key, choice in current.items():
        if key not in wanted:
            report.choices.remove(choice)
    for dimension, value in sorted(wanted - set(current)):
        report.choices.append(HelpReportChoice(dimension=dimension, value=value))
    return changes


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_report(
    cafe: Cafe,
    data: ReportData,
    actor: User | None,
    booking: Booking | None = None,
    walk_in: bool = False,
    event: Event | None = None,
    occurrence_start: datetime | None = None,
) -> HelpReport:
    """Save a new report for the café (from a booking, a walk-in, a workshop or by hand)."""
    report = HelpReport(
        cafe=cafe,
        recorded_by=actor,
        walk_in=walk_in,
        booking_id=booking.id if booking else None,
        event_id=event.id if event else None,
        occurrence_start=occurrence_start,
    )
    report.choices = []
    _apply(report, data)
    db.session.add(report)
    db.session.flush()
    audit.record(
        "impact.report_recorded",
        cafe,
        target=f"#{report.id}",
        actor=actor,
        kind=report.kind,
        day=report.day.isoformat(),
        walk_in=walk_in,
        booking=booking.id if booking else None,
    )
    db.session.commit()
    return report


def can_correct(cafe: Cafe, report: HelpReport, now: datetime | None = None) -> bool:
    """Reports can be corrected for 30 days after they were recorded."""
    return (now or utcnow()) - report.created_at <= timedelta(days=CORRECTION_DAYS)


def correct_until(report: HelpReport) -> datetime:
    return report.created_at + timedelta(days=CORRECTION_DAYS)


def correct_report(cafe: Cafe, report: HelpReport, data: ReportData, actor: User | None) -> dict:
    """Change a report within its correction window; what changed goes to the audit log."""
    if not can_correct(cafe, report):
        raise CorrectionWindowClosed
    changes = _apply(report, data)
    if changes:
        audit.record("impact.report_corrected", cafe, target=f"#{report.id}", actor=actor, changes=changes)
    db.session.commit()
    return changes


def delete_report(cafe: Cafe, report: HelpReport, actor: User | None) -> None:
    """Remove a report recorded by mistake (within the correction window)."""
    if not can_correct(cafe, report):
        raise CorrectionWindowClosed
    audit.record(
        "impact.report_deleted",
        cafe,
        target=f"#{report.id}",
        actor=actor,
        kind=report.kind,
        day=report.day.isoformat(),
    )
    db.session.delete(report)
    db.session.commit()


def record_walk_in(cafe: Cafe, theme: str, actor: User | None) -> HelpReport:
    """A walk-in without booking, in one tap: today, 30 minutes, one theme, nothing else known."""
    data = ReportData(day=cafe.today(), duration_minutes=WALK_IN_MINUTES, themes=[theme])
    return record_report(cafe, data, actor, walk_in=True)


def get_report(cafe: Cafe, report_id: int) -> HelpReport | None:
    """The café's report with this id (another café's id: None)."""
    return db.session.scalar(
        select(HelpReport)
        .where(HelpReport.cafe_id == cafe.id, HelpReport.id == report_id)
        .options(selectinload(HelpReport.choices))
    )


def recent_reports(cafe: Cafe, page: int, per_page: int = 30):
    """The café's reports, newest first, a page at a time."""
    query = (
        select(HelpReport)
        .where(HelpReport.cafe_id == cafe.id)
        .options(selectinload(HelpReport.choices), selectinload(HelpReport.recorded_by))
        .order_by(HelpReport.day.desc(), HelpReport.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- after a booking ---------------------------------------------------------------------------


def get_booking(cafe: Cafe, booking_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.cafe_id == cafe.id, Booking.id == booking_id))


def report_for_booking(cafe: Cafe, booking: Booking) -> HelpReport | None:
    return db.session.scalar(
        select(HelpReport).where(HelpReport.cafe_id == cafe.id, HelpReport.booking_id == booking.id)
    )


def answer_prompt(cafe: Cafe, booking: Booking, answer: str, actor: User | None) -> None:
    """Remember "not now" (asked again later) or "decline" (never asked again) for a booking."""
    prompt = db.session.get(BookingReportPrompt, booking.id)
    if prompt is None:
        prompt = BookingReportPrompt(booking_id=booking.id, cafe_id=cafe.id)
        db.session.add(prompt)
    prompt.answer = answer
    prompt.answered_at = utcnow()
    prompt.answered_by_id = actor.id if actor else None
    if answer == "declined":
        audit.record("impact.report_declined", cafe, target=f"booking #{booking.id}", actor=actor)
    db.session.commit()


def reports_to_fill(cafe: Cafe, now: datetime | None = None) -> list[Booking]:
    """Attended bookings of the last 30 days with no report yet and not declined (one query)."""
    now = now or utcnow()
    has_report = select(HelpReport.id).where(HelpReport.booking_id == Booking.id).exists()
    declined = (
        select(BookingReportPrompt.booking_id)
        .where(BookingReportPrompt.booking_id == Booking.id, BookingReportPrompt.answer == "declined")
        .exists()
    )
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.cafe_id == cafe.id,
                Booking.status == ATTENDED,
                Booking.starts_at >= now - timedelta(days=PROMPT_DAYS),
                ~has_report,
                ~declined,
            )
            .options(selectinload(Booking.topic))
            .order_by(Booking.starts_at.desc())
            .limit(50)
        )
    )


def needs_report(cafe: Cafe, booking: Booking) -> bool:
    """Whether to offer "fill in the report" for this booking."""
    if booking.status != ATTENDED:
        return False
    if report_for_booking(cafe, booking) is not None:
        return False
    prompt = db.session.get(BookingReportPrompt, booking.id)
    return prompt is None or prompt.answer != "declined"


# --- workshops ---------------------------------------------------------------------------------


def get_event(cafe: Cafe, event_id: int) -> Event | None:
    return db.session.scalar(select(Event).where(Event.cafe_id == cafe.id, Event.id == event_id))


def workshop_of(cafe: Cafe, event: Event) -> Workshop | None:
    return db.session.scalar(
        select(Workshop).where(Workshop.cafe_id == cafe.id, Workshop.event_id == event.id)
    )


def workshops(cafe: Cafe) -> list[tuple[Event, Workshop | None]]:
    """The café's digital events and events marked as workshops, newest first."""
    rows = db.session.execute(
        select(Event, Workshop)
        .outerjoin(Workshop, Workshop.event_id == Event.id)
        .where(
            Event.cafe_id == cafe.id,
            (Event.category == EventCategory.DIGITAL) | Workshop.event_id.is_not(None),
        )
        .order_by(Event.starts_at.desc())
        .limit(100)
    ).all()
    return [(event, workshop) for event, workshop in rows]


def mark_workshop(cafe: Cafe, event: Event, level: str, themes: list[str], actor: User | None) -> Workshop:
    """Mark an event as a digital workshop (or change its level and themes)."""
    workshop = workshop_of(cafe, event)
    if workshop is None:
        workshop = Workshop(cafe_id=cafe.id, event_id=event.id)
        db.session.add(workshop)
    workshop.level = level
    workshop.themes = " ".join(themes)
    audit.record("impact.workshop_marked", cafe, target=event.title, actor=actor, level=level, themes=themes)
    db.session.commit()
    return workshop


def unmark_workshop(cafe: Cafe, event: Event, actor: User | None) -> None:
    workshop = workshop_of(cafe, event)
    if workshop is not None:
        db.session.delete(workshop)
        audit.record("impact.workshop_unmarked", cafe, target=event.title, actor=actor)
        db.session.commit()


def past_sessions(cafe: Cafe, event: Event, limit: int = 20) -> list[dict]:
    """The workshop's past occurrences, each with its RSVPs and its collective report if any."""
    from ..events.recurrence import expand

    now = utcnow()
    start = now - timedelta(days=366)
    occurrences = [o for o in expand(event, cafe.zone, start, now, include_cancelled=False)][-limit:]
    going = dict(
        db.session.execute(
            select(Rsvp.occurrence_start, db.func.sum(Rsvp.party_size))
            .where(Rsvp.cafe_id == cafe.id, Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING)
            .group_by(Rsvp.occurrence_start)
        ).all()
    )
    reports = {
        r.occurrence_start: r
        for r in db.session.scalars(
            select(HelpReport).where(HelpReport.cafe_id == cafe.id, HelpReport.event_id == event.id)
        )
    }
    sessions = []
    for occurrence in reversed(occurrences):
        sessions.append(
            {
                "occurrence": occurrence,
                "original_start": occurrence.original_start,
                "rsvps": int(going.get(occurrence.original_start) or 0),
                "report": reports.get(occurrence.original_start),
            }
        )
    return sessions


def record_attendance(
    cafe: Cafe, event: Event, original_start: datetime, participants: int, minutes: int, actor: User | None
) -> HelpReport:
    """The collective report of one workshop session: attendance, duration, the workshop's themes."""
    workshop = workshop_of(cafe, event)
    themes = workshop.theme_list if workshop else []
    local_day = cafe.local_day(original_start)
    existing = db.session.scalar(
        select(HelpReport).where(
            HelpReport.cafe_id == cafe.id,
            HelpReport.event_id == event.id,
            HelpReport.occurrence_start == original_start,
        )
    )
    data = ReportData(
        kind=COLLECTIVE,
        day=local_day,
        duration_minutes=minutes,
        participants=participants,
        themes=themes or ["culture_numerique"],
        workshop_level=workshop.level if workshop else "",
        workshop_title=event.title[:160],
    )
    if existing is not None:
        data.equipment = existing.equipment
        correct_report(cafe, existing, data, actor)
        return existing
    return record_report(cafe, data, actor, event=event, occurrence_start=original_start)


def is_scheduled(event: Event) -> bool:
    return event.status == EventStatus.SCHEDULED


# --- personal data -----------------------------------------------------------------------------


def purge_report_notes(now: datetime | None = None) -> int:
    """Empty the free notes of reports older than each café's retention period; categories stay."""
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import update

    now = now or utcnow()
    purged = 0
    for cafe in db.session.scalars(select(Cafe)).all():
        limit = cafe.local_day(now) - relativedelta(months=cafe.retention_months)
        purged += updated_rows(
            update(HelpReport)
            .where(HelpReport.cafe_id == cafe.id, HelpReport.day < limit, HelpReport.note != "")
            .values(note="")
        )
    db.session.commit()
    return purged


def bookings_needing_report(cafe: Cafe, bookings: list[Booking]) -> set[int]:
    """Of these bookings, the attended ones still waiting for a report (one query)."""
    attended = [b.id for b in bookings if b.status == ATTENDED]
    if not attended:
        return set()
    has_report = select(HelpReport.booking_id).where(
        HelpReport.cafe_id == cafe.id, HelpReport.booking_id.in_(attended)
    )
    declined = select(BookingReportPrompt.booking_id).where(
        BookingReportPrompt.cafe_id == cafe.id,
        BookingReportPrompt.booking_id.in_(attended),
        BookingReportPrompt.answer == "declined",
    )
    done = set(db.session.scalars(has_report.union(declined)))
    return set(attended) - done
