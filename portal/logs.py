"""Logging: the app's messages (console mail, outbox, jobs) reach stderr at LOG_LEVEL (INFO).

Flask's logger has no level of its own, so under gunicorn INFO lines (a console-backend mail
in `make run`) would be dropped by the root logger's WARNING default.
"""

import logging

from flask import Flask
from flask.logging import default_handler


def init_logging(app: Flask) -> None:
    level = app.config.get("LOG_LEVEL") or "INFO"
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(level)
    if not app.logger.handlers and not logging.getLogger().handlers:
        app.logger.addHandler(default_handler)
    default_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(name)s: %(message)s"))
