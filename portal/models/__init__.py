"""All models, importable from one place (and seen by Alembic's autogenerate)."""

from .audit import AuditEntry
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
from .types import utcnow
from .user import Invitation, Membership, Role, User

__all__ = [
    "SERVICES",
    "WEEKDAYS",
    "AuditEntry",
    "AvailabilityRule",
    "Booking",
    "CafeBookingSettings",
    "Closure",
    "ExtraOpening",
    "HelpTopic",
    "Slot",
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
