"""Extension objects, created unbound and attached in create_app()."""

from functools import cached_property

from flask_babel import Babel
from flask_babel.speaklater import LazyString
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from markupsafe import escape
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .anonymous_forms import CSRFProtect

# Named constraints so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


class PortalBabel(Babel):
    @cached_property
    def domain_instance(self):
        # French punctuation spacing for every translated message (see portal/typography.py).
        from .typography import TypesetDomain

        return TypesetDomain(domain=self.domain)


babel = PortalBabel()

# A lazily translated string is text like any other: Flask-Babel marks it as safe HTML
# (`__html__` returns it as it is), so "/c/<address>/" in a field hint vanished into a tag
# and "Lost & found" went out unescaped. Escape it once, here, for every template.
LazyString.__html__ = lambda self: str(escape(str(self)))
limiter = Limiter(key_func=get_remote_address)
