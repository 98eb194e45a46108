"""The app as the tests configure it, for gunicorn workers started by a test.

COMPTOIR_TEST_DB=<url> [COMPTOIR_TEST_RATELIMIT=1] gunicorn -w 4 tests.gunicorn_app:app
"""

import os

from portal import create_app
from portal.config import TestConfig

settings = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
if os.environ.get("COMPTOIR_TEST_RATELIMIT"):
    # The documented limits (portal/config.py), counted in the database shared by the workers.
    settings["RATELIMIT_ENABLED"] = True
app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": os.environ["COMPTOIR_TEST_DB"]})
