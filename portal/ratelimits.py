"""Rate limits counted once for the whole site, whatever the number of workers and hosts.

`RATELIMIT_STORAGE_URI` chooses where the counters live:
- `database://` (default): the app's own database (table `rate_limit_counter`), through
  this small `limits` storage: one atomic upsert per hit, on SQLite and PostgreSQL alike;
- `redis://host:port/0`: Redis, when the site has one (faster under heavy load);
- `memory://`: one counter per process; only for a single-process development server.

Also here: the per-account limit on failed logins (guessing one account's password from
many addresses) and how long a refused visitor has to wait.
"""

import hashlib
import random
import time

import sqlalchemy as sa
from flask import current_app, g
from limits import parse_many
from limits.storage import Storage

from .extensions import db, limiter
from .models import RateLimitCounter

TABLE = RateLimitCounter.__table__


def _key(key: str) -> str:
    """Limit keys hold addresses and emails; long ones are hashed to fit the column."""
    if len(key) <= 200:
        return key
    return key[:100] + "#" + hashlib.sha256(key.encode()).hexdigest()


def _upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


class DatabaseStorage(Storage):
    """A fixed-window `limits` storage in the app's database (scheme `database://`)."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _engine():
        return db.engine

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        engine = self._engine()
        insert = _upsert(engine.dialect.name)
        expired = TABLE.c.expires_at <= now
        statement = insert(TABLE).values(key=_key(key), count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={
                "count": sa.case((expired, amount), else_=TABLE.c.count + amount),
                "expires_at": sa.case((expired, now + expiry), else_=TABLE.c.expires_at),
            },
        ).returning(TABLE.c.count)
        with engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if random.random() < 0.01:  # now and then, forget windows long over
                connection.execute(sa.delete(TABLE).where(TABLE.c.expires_at < now - 3600))
        return int(count)

    def _row(self, key: str):
        with self._engine().connect() as connection:
            return connection.execute(
                sa.select(TABLE.c.count, TABLE.c.expires_at).where(TABLE.c.key == _key(key))
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        if row is None or row.expires_at <= time.time():
            return 0
        return int(row.count)

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        if row is None or row.expires_at <= time.time():
            return time.time()
        return float(row.expires_at)

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().begin() as connection:
            return connection.execute(sa.delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as connection:
            connection.execute(sa.delete(TABLE).where(TABLE.c.key == _key(key)))


# Failed logins per account ---------------------------------------------------------------


def _account_limits():
    return parse_many(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _account_key(email: str) -> tuple[str, ...]:
    return ("login-failures", hashlib.sha256(email.strip().lower().encode()).hexdigest())


def account_login_allowed(email: str) -> bool:
    """False when this account has had too many failed logins lately (from anywhere)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    strategy = limiter.limiter
    for item in _account_limits():
        if not strategy.test(item, *_account_key(email)):
            reset_at, _remaining = strategy.get_window_stats(item, *_account_key(email))
            g.retry_after = max(1, int(reset_at - time.time()) + 1)
            return False
    return True


def count_failed_login(email: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for item in _account_limits():
        limiter.limiter.hit(item, *_account_key(email))


def retry_after_seconds() -> int | None:
    """How long the visitor refused with a 429 has to wait, in seconds (None: unknown)."""
    if g.get("retry_after"):
        return int(g.retry_after)
    try:
        current = limiter.current_limit
    except Exception:  # noqa: BLE001  (no limit was checked for this request)
        current = None
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()) + 1)
