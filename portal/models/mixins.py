"""Mixins shared by café-owned models."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .types import UTCDateTime, utcnow


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CafeScoped:
    """Rows that belong to one café; always query them through it."""

    @declared_attr
    def cafe_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
