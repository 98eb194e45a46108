"""Comptoir: the community portal for village cafés."""

from pathlib import Path

from flask import Flask, current_app, g, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import forms  # noqa: F401  (hidden fields rendered without ids, app-wide)
from .config import Config, database_url
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from .edge import init_edge, trusted_hosts

    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    proxies = app.config.get("PROXY_FIX_X_FOR", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from .logs import init_logging

    init_logging(app)

    from .security import check_production_config, init_security_headers

    check_production_config(app)
    _init_extensions(app)
    init_security_headers(app)
    init_edge(app)

    from .errors import init_error_handlers

    init_error_handlers(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    _register_blueprints(app)
    _init_templates(app)

    from .cli import register_cli

    register_cli(app)

    from . import cache, cli_scale, outage, worker

    outage.init_app(app)
    worker.init_app(app)
    cli_scale.register(app)
    cache.init_app(app)  # outermost: answers anonymous pages before the app runs
    return app


class DatabaseIdConverter(IntegerConverter):
    """<int:...> up to the largest INTEGER of PostgreSQL: a bigger id is a 404, not a 500.

    Only ASCII digits without leading zeros: `/events/٣`, `/events/３`, `/events/0003` and
    `/events/𝟑` are not another way to write 3 (one address per page; they are 404).
    """

    regex = r"[1-9][0-9]{0,9}"

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _select_timezone() -> str | None:
    cafe = g.get("cafe")
    return cafe.timezone if cafe is not None else None


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    from . import anonymous_forms

    anonymous_forms.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    from . import ratelimits  # noqa: F401  (registers the database:// limits storage)

    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    from .sessions import init_sessions, load_user

    login_manager.user_loader(load_user)
    init_sessions(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers and one writer work at once; SQLite leaves foreign keys off by default.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from .blueprints.registry import TOP_LEVEL_BLUEPRINTS

    for blueprint in TOP_LEVEL_BLUEPRINTS:
        app.register_blueprint(blueprint)


def _init_templates(app: Flask) -> None:
    from . import templating

    templating.init_app(app)
