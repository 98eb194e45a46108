"""Digital-help bookings: topics, helpers' availability, slots and bookings.

A booking takes seats in `Slot` rows (one per café, helper and start time). The
database refuses more seats than the capacity (a CHECK constraint), and seats are
taken by a conditional UPDATE, so two people can never get the last seat.
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .enums import LabelledEnum
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime
from .user import User


class BookingStatus(LabelledEnum):
    BOOKED = "booked", _l("Booked")
    ATTENDED = "attended", _l("Attended")
    NO_SHOW = "no_show", _l("Did not come")
    CANCELLED_BY_PERSON = "cancelled_by_person", _l("Cancelled by the person")
    CANCELLED_BY_CAFE = "cancelled_by_cafe", _l("Cancelled by the café")


class AgeBand(LabelledEnum):
    """The age bands of the Coop's activity report (never a birth date)."""

    UNDER_26 = "under_26", _l("Under 26")
    FROM_26_TO_59 = "26_59", _l("26 to 59")
    FROM_60_TO_74 = "60_74", _l("60 to 74")
    FROM_75 = "75_plus", _l("75 or over")


# The column stores the value (a string); these names are what the bookings code compares with.
BOOKED = BookingStatus.BOOKED
ATTENDED = BookingStatus.ATTENDED
NO_SHOW = BookingStatus.NO_SHOW
CANCELLED_BY_PERSON = BookingStatus.CANCELLED_BY_PERSON
CANCELLED_BY_CAFE = BookingStatus.CANCELLED_BY_CAFE
STATUSES = tuple(BookingStatus)
CANCELLED = (CANCELLED_BY_PERSON, CANCELLED_BY_CAFE)
AGE_BANDS = AgeBand.labels()


class HelpTopic(CafeScoped, Timestamped, db.Model):
    """What people come for (taxes online, health insurance…), with its usual duration."""

    __table_args__ = (CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    duration_minutes: Mapped[int] = mapped_column(default=30)
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    cafe: Mapped[Cafe] = relationship()


class AvailabilityRule(CafeScoped, Timestamped, db.Model):
    """A weekly opening period of one helper, e.g. Tuesdays 9:30–12:00 in slots of 30 minutes."""

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("ends > starts", name="ends_after_starts"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 480", name="slot_minutes_range"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    starts: Mapped[time]
    ends: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=30)
    seats: Mapped[int] = mapped_column(default=1)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    cafe: Mapped[Cafe] = relationship()
    helper: Mapped[User] = relationship()


class ExtraOpening(CafeScoped, Timestamped, db.Model):
    """A one-off opening period of one helper on a given date."""

    __table_args__ = (
        CheckConstraint("ends > starts", name="ends_after_starts"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 480", name="slot_minutes_range"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    starts: Mapped[time]
    ends: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=30)
    seats: Mapped[int] = mapped_column(default=1)

    cafe: Mapped[Cafe] = relationship()
    helper: Mapped[User] = relationship()


class Closure(CafeScoped, Timestamped, db.Model):
    """Dates without help: the whole café (helper_id empty) or one helper's absence."""

    __table_args__ = (CheckConstraint("last_day >= first_day", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")

    cafe: Mapped[Cafe] = relationship()
    helper: Mapped[User | None] = relationship()


class CafeBookingSettings(Timestamped, db.Model):
    """How far ahead and how late people may book or cancel (how long names are kept is the café's)."""

    __table_args__ = (
        CheckConstraint("window_days BETWEEN 1 AND 366", name="window_range"),
        CheckConstraint("min_notice_hours >= 0", name="min_notice_positive"),
        CheckConstraint("cancel_notice_hours >= 0", name="cancel_notice_positive"),
    )

    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), primary_key=True)
    window_days: Mapped[int] = mapped_column(default=30)
    min_notice_hours: Mapped[int] = mapped_column(default=2)
    cancel_notice_hours: Mapped[int] = mapped_column(default=4)


class Slot(CafeScoped, db.Model):
    """The seats of one helper at one start time; created on the first booking."""

    __table_args__ = (
        UniqueConstraint("cafe_id", "helper_id", "starts_at", name="uq_slot_cafe_helper_start"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_positive"),
        CheckConstraint("seats_taken <= capacity", name="never_overbooked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)


class Booking(CafeScoped, Timestamped, db.Model):
    __table_args__ = (
        UniqueConstraint("cafe_id", "code", name="uq_booking_cafe_code"),
        # The browser's key for one booking form: a double tap (or five at once) finds the
        # booking the first tap made instead of making another.
        UniqueConstraint("cafe_id", "form_key", name="uq_booking_cafe_form_key"),
        CheckConstraint("party_size >= 1", name="party_size_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        CheckConstraint(
            "status IN ('booked', 'attended', 'no_show', 'cancelled_by_person', 'cancelled_by_cafe')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("help_topic.id", ondelete="RESTRICT"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    party_size: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")  # E.164
    email: Mapped[str] = mapped_column(String(255), default="")
    age_band: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(30), default=BOOKED)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    overbooked: Mapped[bool] = mapped_column(default=False)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_key: Mapped[str | None] = mapped_column(String(64))  # only the booking browser holds it
    move_key: Mapped[str | None] = mapped_column(String(64))  # the form that last moved it

    topic: Mapped[HelpTopic] = relationship()
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])

    @property
    def is_cancelled(self) -> bool:
        return self.status in CANCELLED

    @property
    def status_label(self) -> str:
        return BookingStatus(self.status).label

    @property
    def age_band_label(self) -> str:
        return str(AGE_BANDS.get(self.age_band, ""))
