"""The app as one of several production-like hosts, for tests/test_two_hosts.py.

COMPTOIR_TEST_DB=<postgresql url> REDIS_URL=<redis url> gunicorn tests.two_host_app:app
"""

import os

from portal import create_app
from portal.config import TestConfig

settings = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
app = create_app(
    {
        **settings,
        "SQLALCHEMY_DATABASE_URI": os.environ["COMPTOIR_TEST_DB"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "OUTBOX_INLINE": False,
        "OUTBOX_POLL_SECONDS": 1,
        "EMBEDDED_WORKER": False,  # only the worker sends
        "MAIL_BACKEND": "console",  # the worker's log shows what it sent
        "SMS_ENABLED": False,
        "PAGE_CACHE_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": os.environ["REDIS_URL"],
        "LOGIN_RATE_LIMIT": "6 per minute",
        "RSVP_RATE_LIMIT": "1000 per minute",
        "LOG_LEVEL": "INFO",
    }
)
