"""People, their roles in cafés, and staff invitations."""

import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .cafe import Cafe
from .enums import LabelledIntEnum
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime, utcnow


class Role(LabelledIntEnum):
    """Roles in one café, ordered: each includes what the ones below may do."""

    HELPER = 10, _l("Digital helper")
    STAFF = 20, _l("Counter staff")
    MODERATOR = 30, _l("Moderator")
    MANAGER = 40, _l("Manager")

    @classmethod
    def parse(cls, name: str) -> "Role":
        return cls[name.upper()]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Forms name roles by name ("staff"): numbers are only for ordering."""
        return [(role.name.lower(), role.label) for role in cls]


ROLE_COLUMN = Enum(Role, native_enum=False, length=20, validate_strings=True)


class User(UserMixin, Timestamped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_network_admin: Mapped[bool] = mapped_column(default=False)
    # Moderates every café's noticeboard, and nothing else; network admins are moderators too.
    is_network_moderator: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # In the session and the remember-me cookie (see get_id): raising it ends every session
    # of the account, on every device (portal.sessions.end_every_session).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Personal data (portal/personal_data.py): a new account may post once its address is confirmed.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: the id and the session version."""
        return f"{self.id}.{self.session_version or 0}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_active(self) -> bool:
        """An erased account can never log in again (Flask-Login asks this)."""
        return self.anonymised_at is None

    @property
    def moderates_network(self) -> bool:
        return bool(self.is_network_admin or self.is_network_moderator)

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def password_fingerprint(self) -> str:
        """Changes with the password, so a reset link dies once it is used."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(CafeScoped, Timestamped, db.Model):
    __table_args__ = (UniqueConstraint("user_id", "cafe_id", name="uq_membership_user_cafe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(ROLE_COLUMN)

    user: Mapped[User] = relationship(back_populates="memberships")
    cafe: Mapped[Cafe] = relationship()


class Invitation(CafeScoped, Timestamped, db.Model):
    """A one-time link that makes whoever opens it (logged in) a member of the café."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(ROLE_COLUMN)
    email: Mapped[str] = mapped_column(String(255), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    cafe: Mapped[Cafe] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > utcnow()
