"""Cafés, their opening hours and the services they offer."""

import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..territories import OVERSEAS_BY_NAME, overseas_territory
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime, utcnow

# The services a multi-service café can offer; keys are stored, labels translated.
SERVICES: dict[str, object] = {
    "post_relay": _l("Post relay"),
    "bread_depot": _l("Bread depot"),
    "grocery": _l("Grocery"),
    "digital_point": _l("Digital help point"),
    "newspapers": _l("Newspapers"),
    "parcel_pickup": _l("Parcel pick-up"),
    "meals": _l("Meals"),
    "cash_withdrawal": _l("Cash withdrawal"),
    "library": _l("Book exchange"),
    "wifi": _l("Free Wi-Fi"),
}

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


def phone_region_of(postcode: str, department: str) -> str:
    """The phone region (ISO 3166 code) of a French place, by postcode or department."""
    department_key = normalise_for_search(department or "")
    territory = (
        overseas_territory(postcode)
        or overseas_territory(department_key)
        or OVERSEAS_BY_NAME.get(department_key)
    )
    return territory.phone_region if territory else "FR"


# How people shorten place names: "St-Jean", "Ste Foy".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise_for_search(text: str) -> str:
    """Lower case, no accents, hyphens as spaces, 'St' spelt out: 'St-Émilion' -> 'saint emilion'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in "-'’.,;/()":
        plain = plain.replace(mark, " ")
    return " ".join(ABBREVIATIONS.get(word, word) for word in plain.lower().split())


class Cafe(Timestamped, db.Model):
    __table_args__ = (
        CheckConstraint("retention_months BETWEEN 1 AND 24", name="retention_months_range"),
        # The directory's first page: open cafés in its order, read from the index.
        Index(
            "ix_cafe_directory",
            "department",
            "village",
            "name",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    village: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(10))
    department: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    address: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(String(400), default="", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How long names and contacts of bookings and RSVPs are kept after the date (see personal_data).
    retention_months: Mapped[int] = mapped_column(default=12, server_default="12")

    weekly_hours: Mapped[list["WeeklyHours"]] = relationship(
        back_populates="cafe",
        cascade="all, delete-orphan",
        order_by="(WeeklyHours.weekday, WeeklyHours.opens)",
    )
    hours_exceptions: Mapped[list["HoursException"]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="HoursException.day"
    )
    services: Mapped[list["CafeService"]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="CafeService.key"
    )

    @property
    def is_open_for_business(self) -> bool:
        return self.closed_at is None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> datetime:
        """The time now on the café's wall clock (aware, in its zone)."""
        return utcnow().astimezone(self.zone)

    def today(self) -> date:
        """Today's date where the café is (overseas cafés have their own)."""
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        """A stored (UTC) moment on the café's wall clock."""
        return moment.astimezone(self.zone)

    def local_day(self, moment: datetime) -> date:
        """The café's date of a stored (UTC) moment."""
        return moment.astimezone(self.zone).date()

    @property
    def phone_region(self) -> str:
        """Where a number typed without +xx is from: overseas departments have their own."""
        return phone_region_of(self.postcode, self.department)

    @property
    def holiday_subdivision(self) -> str | None:
        """Where the café's public holidays come from: Réunion, Moselle… have their own days."""
        from ..public_holidays import subdivision_of

        return subdivision_of(self.postcode, self.phone_region)

    def holiday_on(self, day: date) -> str | None:
        """The public holiday's name on `day` at the café (in the page's language), or None."""
        from flask import has_request_context
        from flask_babel import get_locale

        from ..public_holidays import holiday_name

        language = str(get_locale()) if has_request_context() else "fr"
        return holiday_name(self.holiday_subdivision, day, language)

    @property
    def service_keys(self) -> list[str]:
        return [s.key for s in self.services]

    def refresh_search_text(self) -> None:
        self.search_text = normalise_for_search(
            " ".join([self.name, self.village, self.postcode, self.department])
        )

    def __repr__(self) -> str:
        return f"<Cafe {self.slug}>"


class WeeklyHours(CafeScoped, db.Model):
    """One opening period on a weekday; a day may have several (lunch break)."""

    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]
    cafe: Mapped[Cafe] = relationship(back_populates="weekly_hours")


class HoursException(CafeScoped, db.Model):
    """A date when the usual hours don't apply: closed, or open differently."""

    __table_args__ = (UniqueConstraint("cafe_id", "day", name="uq_hours_exception_cafe_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    closed: Mapped[bool] = mapped_column(default=True)
    opens: Mapped[time | None]
    closes: Mapped[time | None]
    label: Mapped[str] = mapped_column(String(120), default="")
    cafe: Mapped[Cafe] = relationship(back_populates="hours_exceptions")


class CafeService(CafeScoped, db.Model):
    __table_args__ = (UniqueConstraint("cafe_id", "key", name="uq_cafe_service_cafe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    cafe: Mapped[Cafe] = relationship(back_populates="services")

    @property
    def label(self) -> str:
        return str(SERVICES.get(self.key, self.key))
