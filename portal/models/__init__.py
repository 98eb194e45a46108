"""All models, importable from one place (and seen by Alembic's autogenerate)."""

from .audit import AuditEntry
from .board import (
    ModerationDecision,
    ModerationMode,
    ModerationSettings,
    Notice,
    NoticeCategory,
    NoticeReply,
    NoticeStatus,
    Report,
    ReportReason,
    Suspension,
)
from .booking import (
    AvailabilityRule,
    Booking,
    CafeBookingSettings,
    Closure,
    ExtraOpening,
    HelpTopic,
    Slot,
)
from .cafe import SERVICES, WEEKDAYS, Cafe, CafeService, HoursException, WeeklyHours
from .enums import LabelledEnum, LabelledIntEnum
from .event import (
    Event,
    EventCategory,
    EventOccurrenceOverride,
    EventStatus,
    OccurrenceSeats,
    Recurrence,
    Rsvp,
    RsvpStatus,
)
from .impact import BookingReportPrompt, HelpReport, HelpReportChoice, Workshop
from .outbox import CacheVersion, JobLease, OutboxMessage, OutboxStatus
from .ratelimit import RateLimitCounter
from .types import utcnow
from .user import Invitation, Membership, Role, User

__all__ = [
    "RateLimitCounter",
    "SERVICES",
    "WEEKDAYS",
    "AuditEntry",
    "AvailabilityRule",
    "Booking",
    "CacheVersion",
    "Cafe",
    "CafeBookingSettings",
    "CafeService",
    "Closure",
    "Event",
    "EventCategory",
    "EventOccurrenceOverride",
    "EventStatus",
    "BookingReportPrompt",
    "ExtraOpening",
    "HelpReport",
    "HelpReportChoice",
    "HelpTopic",
    "HoursException",
    "LabelledEnum",
    "LabelledIntEnum",
    "Invitation",
    "JobLease",
    "Membership",
    "ModerationDecision",
    "ModerationMode",
    "ModerationSettings",
    "Notice",
    "NoticeCategory",
    "NoticeReply",
    "NoticeStatus",
    "OccurrenceSeats",
    "OutboxMessage",
    "OutboxStatus",
    "Recurrence",
    "Report",
    "ReportReason",
    "Role",
    "Rsvp",
    "RsvpStatus",
    "Slot",
    "Suspension",
    "User",
    "WeeklyHours",
    "Workshop",
    "utcnow",
]
