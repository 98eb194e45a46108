"""The noticeboard and its moderation: notices, reports, suspensions, settings, decisions."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .enums import LabelledEnum
from .mixins import CafeScoped, Hideable, Timestamped
from .types import UTCDateTime, utcnow, value_enum
from .user import User


class NoticeCategory(LabelledEnum):
    GIVE_AWAY = "give_away", _l("Give away")
    LOOKING_FOR = "looking_for", _l("Looking for")
    CARPOOL = "carpool", _l("Carpool")
    LOST_FOUND = "lost_found", _l("Lost & found")
    SERVICES = "services", _l("Services offered")
    ASSOCIATION = "association", _l("Association news")
    OTHER = "other", _l("Other")


class NoticeStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for approval")
    PUBLISHED = "published", _l("Published")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class ReportReason(LabelledEnum):
    SPAM = "spam", _l("Spam or advertising")
    OFFENSIVE = "offensive", _l("Offensive or hateful")
    PERSONAL_DATA = "personal_data", _l("Personal data about someone")
    SCAM = "scam", _l("Scam")
    OTHER = "other", _l("Something else")


class ModerationMode(LabelledEnum):
    PRE = "pre", _l("Every new notice waits for approval")
    POST = "post", _l("Notices are published at once")
    NEW_POSTERS = "new_posters", _l("Only new posters’ notices wait for approval")


class Notice(CafeScoped, Timestamped, Hideable, db.Model):
    __table_args__ = (
        CheckConstraint("author_id IS NOT NULL OR on_behalf_of <> ''", name="has_author"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index("ix_notice_board", "cafe_id", "status", "hidden", "expires_on"),
        Index("ix_notice_author", "cafe_id", "author_id"),
        # The key of the form that posted it, per person: a double tap posts one notice.
        UniqueConstraint("cafe_id", "posted_by_id", "form_key", name="uq_notice_cafe_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A notice taken at the counter: a name only, and the staff member who typed it.
    on_behalf_of: Mapped[str] = mapped_column(String(120), default="")
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[NoticeCategory] = mapped_column(value_enum(NoticeCategory))
    expires_on: Mapped[date]
    relay_contact: Mapped[bool] = mapped_column(default=True)
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[NoticeStatus] = mapped_column(value_enum(NoticeStatus), default=NoticeStatus.PENDING)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reject_reason: Mapped[str] = mapped_column(String(500), default="")
    # Why it went to the queue rather than straight onto the board (for the moderator).
    held_because: Mapped[str] = mapped_column(String(40), default="")

    cafe: Mapped[Cafe] = relationship()
    form_key: Mapped[str | None] = mapped_column(String(64))  # only the posting browser holds it

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys="Notice.hidden_by_id")
    reports: Mapped[list["Report"]] = relationship(
        back_populates="notice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Report.created_at",
    )

    @property
    def poster_name(self) -> str:
        if self.on_behalf_of:
            return self.on_behalf_of
        return self.author.display_name if self.author else ""

    def is_expired(self, today: date) -> bool:
        return self.expires_on < today

    def is_visible(self, today: date) -> bool:
        return self.status == NoticeStatus.PUBLISHED and not self.hidden and not self.is_expired(today)

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.status.value}>"


class Report(CafeScoped, db.Model):
    """One person's report on one notice; the database refuses a second one."""

    __table_args__ = (UniqueConstraint("notice_id", "reporter_key", name="uq_report_notice_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # "u:<user id>" for an account, "a:<hash>" for a visitor without one.
    reporter_key: Mapped[str] = mapped_column(String(80))
    reason: Mapped[ReportReason] = mapped_column(value_enum(ReportReason))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    notice: Mapped[Notice] = relationship(back_populates="reports")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class Suspension(CafeScoped, Timestamped, db.Model):
    """Someone may not post or reply on one café's board, until a date or for good."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: for good
    reason: Mapped[str] = mapped_column(String(500), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    by: Mapped[User | None] = relationship(foreign_keys=[by_id])

    def is_active(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.until is None or self.until > now)


class ModerationSettings(CafeScoped, Timestamped, db.Model):
    __table_args__ = (
        UniqueConstraint("cafe_id", name="uq_moderation_settings_cafe"),
        CheckConstraint("report_threshold BETWEEN 1 AND 50", name="threshold_range"),
        CheckConstraint("approvals_needed BETWEEN 1 AND 20", name="approvals_range"),
        CheckConstraint("max_links_new_posters BETWEEN 0 AND 20", name="links_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[ModerationMode] = mapped_column(
        value_enum(ModerationMode), default=ModerationMode.NEW_POSTERS
    )
    approvals_needed: Mapped[int] = mapped_column(default=2)
    report_threshold: Mapped[int] = mapped_column(default=3)
    blocked_words: Mapped[str] = mapped_column(Text, default="")
    max_links_new_posters: Mapped[int] = mapped_column(default=1)

    @property
    def blocked_word_list(self) -> list[str]:
        words = self.blocked_words.replace(",", "\n").splitlines()
        return [w.strip() for w in words if w.strip()]


class ModerationDecision(CafeScoped, db.Model):
    """The history a moderator reads: who decided what, on which notice or person, why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(30))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")

    notice: Mapped[Notice | None] = relationship()
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NoticeReply(CafeScoped, db.Model):
    """That someone replied to a notice (the message itself went by email and is not kept)."""

    # The key of the reply form: a double tap sends the author one email, not two.
    __table_args__ = (
        UniqueConstraint("cafe_id", "sender_id", "form_key", name="uq_notice_reply_cafe_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64))

    notice: Mapped[Notice | None] = relationship()
    sender: Mapped[User | None] = relationship()
