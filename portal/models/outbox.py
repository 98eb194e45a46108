"""Infrastructure tables: the outbox of messages, the daily jobs' leases, the page cache's versions."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .types import UTCDateTime, utcnow, value_enum


class OutboxStatus(enum.Enum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a worker until locked_until
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt: shown to the café's staff


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The café whose staff see the message if it fails for good (none: the network team's).
    cafe_id: Mapped[int | None] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    sms_text: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[OutboxStatus] = mapped_column(value_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    cafe: Mapped[Cafe | None] = relationship()

    @property
    def channels(self) -> list[str]:
        return [name for name, value in (("email", self.email), ("sms", self.mobile)) if value]


class JobLease(db.Model):
    """Who runs a scheduled job, until when: one row per job, taken with a conditional UPDATE."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last day (café-independent, Europe/Paris) the daily job completed.
    last_run_on: Mapped[str] = mapped_column(String(10), default="")
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CacheVersion(db.Model):
    """A version number per café (`cafe:<slug>`), for the directory (`dir`) and the network
    (`net`): part of every cached page's key, bumped after each commit that changes them."""

    __tablename__ = "cache_version"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
