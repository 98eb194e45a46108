"""Configuration read from the environment, with instance/ for local secrets."""

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-change-me"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "comptoir.sqlite3")
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants a driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = os.environ.get("COMPTOIR_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Café tablets stay open all day: a token lasts as long as the session.
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    HTMX_SOURCE = os.environ.get("HTMX_SOURCE", "cdn")  # "cdn" or "local"

    # The address people reach the site at: every link in an email, SMS, feed or QR code
    # starts with it (never with the Host header of a request).
    # Required in production. Only the host of this address (and TRUSTED_HOSTS) is served:
    # a request for any other Host header gets a 400.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL)
    # Other names the site answers to, comma-separated (e.g. "www.comptoir.example"; a
    # leading dot accepts every subdomain). Outside production, localhost and 127.0.0.1 too.
    TRUSTED_HOSTS_EXTRA = os.environ.get(
        "TRUSTED_HOSTS", "" if ENV_NAME == "production" else "localhost,127.0.0.1"
    )

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # console | smtp | memory
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Comptoir <no-reply@comptoir.local>")

    SMS_ENABLED = _bool("SMS_ENABLED")
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "log")  # log | memory

    # Redis (optional): the job queue that wakes the worker, the page cache, shared rate limits.
    # Without it everything runs inside the web process (nothing else to start).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Anonymous pages (portal/cache.py): in Redis with REDIS_URL, else in each process.
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", True)
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))
    PAGE_CACHE_CLOCK_SECONDS = 60  # "open now" and today's events are at most this late
    # Without Redis: how late another host's change may be seen (this machine's: at once).
    PAGE_CACHE_SYNC_SECONDS = float(os.environ.get("PAGE_CACHE_SYNC_SECONDS", "2"))
    # Messages (portal/outbox.py): sent after the commit, retried with an exponential backoff
    # (1 min, 2, 4… at most 1 h between attempts), given up after OUTBOX_MAX_ATTEMPTS.
    OUTBOX_INLINE = False
    # No Redis: web processes send in a background thread (off: leave it to `flask worker`).
    EMBEDDED_WORKER = _bool("EMBEDDED_WORKER", True)
    OUTBOX_POLL_SECONDS = int(os.environ.get("OUTBOX_POLL_SECONDS", "15"))
    OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
    OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))

    # Where rate-limit counters live, shared by every worker and host: the database by
    # default (portal/ratelimits.py), or Redis ("redis://127.0.0.1:6379/0") when set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # How many reverse proxies (nginx, Caddy) sit in front and set X-Forwarded-For/-Proto.
    # 0 (default): trust no such header. Behind one proxy, set 1, or every visitor shares
    # the proxy's address and so one rate limit.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    RATELIMIT_HEADERS_ENABLED = True
    # Limits kept in Redis: if it stops, each process counts in memory meanwhile (a booking
    # never fails because the limits' storage is down).
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Failed logins on one account, from any address: slows down guessing its password.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute;20 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour;20 per day")
    # Noticeboard: per address as Gancio does, per account stricter on an account's first day.
    RSVP_RATE_LIMIT = os.environ.get("RSVP_RATE_LIMIT", "20 per 10 minutes")
    BOARD_POST_IP_RATE_LIMIT = os.environ.get("BOARD_POST_IP_RATE_LIMIT", "6 per 5 minutes")
    BOARD_POST_USER_RATE_LIMIT = os.environ.get("BOARD_POST_USER_RATE_LIMIT", "10 per day")
    BOARD_POST_NEW_ACCOUNT_RATE_LIMIT = os.environ.get("BOARD_POST_NEW_ACCOUNT_RATE_LIMIT", "3 per day")
    BOARD_REPLY_IP_RATE_LIMIT = os.environ.get("BOARD_REPLY_IP_RATE_LIMIT", "6 per 5 minutes")
    BOARD_REPLY_USER_RATE_LIMIT = os.environ.get("BOARD_REPLY_USER_RATE_LIMIT", "10 per hour")
    BOARD_REPORT_IP_RATE_LIMIT = os.environ.get("BOARD_REPORT_IP_RATE_LIMIT", "6 per 5 minutes")
    BOARD_REPORT_USER_RATE_LIMIT = os.environ.get("BOARD_REPORT_USER_RATE_LIMIT", "20 per day")

    # Staff pages ask for the password again after this long without any request (or when
    # only the remember-me cookie brought the session back).
    STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_SECONDS", str(12 * 3600)))

    # Who runs the site: the legal notice and the privacy page name them.
    OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "Comptoir (instance de démonstration)")
    OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "")
    OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "")
    OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "")
    OPERATOR_REGISTRATION = os.environ.get("OPERATOR_REGISTRATION", "")  # SIREN/SIRET, RNA
    OPERATOR_DIRECTOR = os.environ.get("OPERATOR_DIRECTOR", "")  # directeur de la publication
    HOSTING_PROVIDER = os.environ.get("HOSTING_PROVIDER", "")  # name, address and phone of the host

    PASSWORD_HASH_METHOD = "scrypt"
    DIRECTORY_PAGE_SIZE = 20
    EVENTS_PAGE_SIZE = 20
    INVITATION_DAYS = 7
    PASSWORD_RESET_SECONDS = 3600


class TestConfig(Config):
    TESTING = True
    ENV_NAME = "testing"
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "memory"
    OUTBOX_INLINE = True  # messages go out right after the commit, in the test's own thread
    PAGE_CACHE_ENABLED = False  # tests that move the clock; tests/test_page_cache.py turns it on
    REDIS_URL = ""
    SMS_ENABLED = True
    SMS_BACKEND = "memory"
    HTMX_SOURCE = "local"
    PUBLIC_BASE_URL = "http://localhost"
    TRUSTED_HOSTS_EXTRA = "localhost,127.0.0.1"
    RATELIMIT_ENABLED = False
    # Hashing strength is not under test; a cheap hash keeps the suite fast.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
