"""Rate-limit counters, shared by every worker and host through the database."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RateLimitCounter(db.Model):
    """One fixed window of one limit (e.g. logins from one address this minute)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    # Seconds since the epoch: compared with time.time(), the same on every worker.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
