"""Column types shared by the models."""

from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC, on SQLite and PostgreSQL alike.

    SQLite has no time zone support, so we never let a zone reach the database.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def day_in(zone, moment: datetime) -> date:
    """The date of `moment` on the wall clock of `zone` (use `cafe.local_day` when there is a café)."""
    return moment.astimezone(zone).date()


def value_enum(cls, length: int = 20) -> Enum:
    """A column for a Python enum that stores its values, not its names.

    Values are what URLs and forms use; a VARCHAR (not a native enum type) keeps
    SQLite and PostgreSQL alike and lets a migration add a value without DDL.
    """
    return Enum(
        cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
