"""The audit log: who did what, when, in which café."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .types import UTCDateTime, utcnow
from .user import User


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cafe_id: Mapped[int | None] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(255), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set once the people it named were replaced by pseudonyms (personal_data retention).
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()
    cafe: Mapped[Cafe | None] = relationship()
