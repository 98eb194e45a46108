"""Mixins shared by café-owned models."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
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


class Hideable:
    """Rows a moderator can hide without deleting them (as FlaskBB does)."""

    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
