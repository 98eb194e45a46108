"""Events: what's on at a café, their recurrence, exceptions, and who is coming."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..codes import new_code
from ..extensions import db
from .cafe import Cafe
from .enums import LabelledEnum
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime, utcnow, value_enum
from .user import User


class EventCategory(LabelledEnum):
    CONCERT = "concert", _l("Concert")
    CARDS = "cards", _l("Card games")
    MEAL = "meal", _l("Meal")
    MARKET = "market", _l("Market")
    WORKSHOP = "workshop", _l("Workshop")
    ASSOCIATION = "association", _l("Association")
    DIGITAL = "digital", _l("Digital workshop")
    OTHER = "other", _l("Other")


class Recurrence(LabelledEnum):
    NONE = "none", _l("Does not repeat")
    WEEKLY = "weekly", _l("Every week")
    BIWEEKLY = "biweekly", _l("Every other week")
    # On the nth (or last) weekday of the month.
    MONTHLY = "monthly", _l("Every month, on the same weekday")


class EventStatus(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    CANCELLED = "cancelled", _l("Cancelled")


class RsvpStatus(LabelledEnum):
    GOING = "going", _l("Coming")
    WAITLIST = "waitlist", _l("On the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")


class Event(CafeScoped, Timestamped, db.Model):
    """One event, or the parent of a series when `recurrence` is not NONE."""

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="event_ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="event_capacity_positive"),
        CheckConstraint(
            "recurrence = 'none' OR repeat_until IS NOT NULL OR repeat_count IS NOT NULL",
            name="event_recurrence_ends",
        ),
        CheckConstraint("repeat_count IS NULL OR repeat_count BETWEEN 1 AND 200", name="event_repeat_count"),
        CheckConstraint(
            "monthly_week IS NULL OR monthly_week BETWEEN -1 AND 5 AND monthly_week != 0",
            name="event_monthly_week",
        ),
        # A café's coming events (EXPLAIN at network scale, scripts/explain.py): those not over
        # yet, or recurring, read through these two instead of every event of the café.
        Index("ix_event_cafe_ends", "cafe_id", "ends_at"),
        Index(
            "ix_event_cafe_recurring",
            "cafe_id",
            postgresql_where=text("recurrence <> 'none'"),
            sqlite_where=text("recurrence <> 'none'"),
        ),
        # The key of the form that published it: a double tap publishes one event.
        UniqueConstraint("cafe_id", "form_key", name="uq_event_cafe_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[EventCategory] = mapped_column(value_enum(EventCategory), default=EventCategory.OTHER)
    for_all_ages: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    at_cafe: Mapped[bool] = mapped_column(default=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    price: Mapped[str] = mapped_column(String(80), default="")  # empty: free
    accessibility: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    rsvp_enabled: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EventStatus] = mapped_column(value_enum(EventStatus), default=EventStatus.SCHEDULED)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    recurrence: Mapped[Recurrence] = mapped_column(value_enum(Recurrence), default=Recurrence.NONE)
    monthly_week: Mapped[int | None] = mapped_column(Integer)  # 1..5, or -1 for the last
    repeat_until: Mapped[date | None]
    repeat_count: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    form_key: Mapped[str | None] = mapped_column(String(64))  # only the publishing browser holds it

    cafe: Mapped[Cafe] = relationship()
    created_by: Mapped[User | None] = relationship()
    overrides: Mapped[list["EventOccurrenceOverride"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EventOccurrenceOverride.original_start",
    )

    @property
    def is_recurring(self) -> bool:
        return self.recurrence not in (None, Recurrence.NONE)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_free(self) -> bool:
        return not self.price.strip()

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventOccurrenceOverride(CafeScoped, db.Model):
    """One occurrence of a series cancelled or moved, the others untouched.

    The occurrence is named by its original start (UTC), as the rule produced it.
    """

    __table_args__ = (
        UniqueConstraint("event_id", "original_start", name="uq_override_event_start"),
        CheckConstraint(
            "cancelled OR (new_starts_at IS NOT NULL AND new_ends_at IS NOT NULL"
            " AND new_ends_at > new_starts_at)",
            name="override_cancel_or_move",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(300), default="")
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="overrides")


class OccurrenceSeats(db.Model):
    """Seats taken for one occurrence: the database refuses to go over capacity."""

    __table_args__ = (
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="seats_within_capacity"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int | None] = mapped_column(Integer)


def new_rsvp_code() -> str:
    """Eight characters people can read out at the counter (unique across the network)."""
    return new_code(8)


RSVP_ACTIVE = "status IN ('going', 'waitlist')"


class Rsvp(CafeScoped, db.Model):
    """Someone (with or without an account) coming to one occurrence, or waiting for a seat."""

    __table_args__ = (
        CheckConstraint("party_size BETWEEN 1 AND 20", name="rsvp_party_size"),
        # One current answer (coming or waiting) per email and per phone for a date: two
        # browsers sending the same contact at the same instant cannot both get seats.
        # The service stores contacts normalised (email lower-cased, phone in E.164).
        Index(
            "uq_rsvp_active_email",
            "event_id",
            "occurrence_start",
            "email",
            unique=True,
            sqlite_where=text(RSVP_ACTIVE + " AND email != ''"),
            postgresql_where=text(RSVP_ACTIVE + " AND email != ''"),
        ),
        Index(
            "uq_rsvp_active_phone",
            "event_id",
            "occurrence_start",
            "phone",
            unique=True,
            sqlite_where=text(RSVP_ACTIVE + " AND phone != ''"),
            postgresql_where=text(RSVP_ACTIVE + " AND phone != ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_rsvp_code)
    status: Mapped[RsvpStatus] = mapped_column(value_enum(RsvpStatus), default=RsvpStatus.GOING)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The random key of the form this answer was sent from: the same form sent twice
    # (a double tap, a page reloaded) finds this row instead of taking seats again.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
