"""All models, importable from one place (and seen by Alembic's autogenerate)."""

from .audit import AuditEntry
from .board import (
    ModerationDecision,
    ModerationMode,
    ModerationSettings,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Report,
    ReportReason,
    Suspension,
)
from .cafe import SERVICES, WEEKDAYS, Cafe, CafeService, HoursException, WeeklyHours
from .event import (
    EVENT_CATEGORY_LABELS,
    Event,
    EventCategory,
    EventOccurrenceOverride,
    EventStatus,
    OccurrenceSeats,
    Recurrence,
    Rsvp,
    RsvpStatus,
)
from .types import utcnow
from .user import Invitation, Membership, Role, User

__all__ = [
    "Category",
    "ModerationDecision",
    "ModerationMode",
    "ModerationSettings",
    "Notice",
    "NoticeStatus",
    "Report",
    "ReportReason",
    "Suspension",
    "EVENT_CATEGORY_LABELS",
    "Event",
    "EventCategory",
    "EventOccurrenceOverride",
    "EventStatus",
    "OccurrenceSeats",
    "Recurrence",
    "Rsvp",
    "RsvpStatus",
    "SERVICES",
    "WEEKDAYS",
    "AuditEntry",
    "Cafe",
    "CafeService",
    "HoursException",
    "Invitation",
    "Membership",
    "Role",
    "User",
    "WeeklyHours",
    "utcnow",
]
