"""Reading cafés: directory search, opening hours as people read them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...communes import department_code, department_name, department_of_postcode, find_communes
from ...extensions import db
from ...models import Cafe, HoursException, WeeklyHours, utcnow
from ...models.cafe import normalise_for_search
from ...opening_hours import DayHours, fits_opening_hours, hours_for_day, is_open_at, opening_intervals  # noqa: F401


@dataclass
class Nearby:
    """Where a search with no café of its own leads: the cafés of the place's department."""

    place: str  # "Thiviers (24800)", "Dordogne", "24310"
    department: str  # the department's name
    cafes: list[Cafe]  # those sharing the place's postcode first, then the department's


@dataclass
class SearchPage:
    cafes: list[Cafe]
    total: int
    page: int
    per_page: int
    nearby: Nearby | None = None
    departments: list[tuple[str, int]] | None = None  # when nothing else helps: (name, cafés)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def next_page(self) -> int:
        return self.page + 1


def search_cafes(query: str, page: int = 1, per_page: int = 20) -> SearchPage:
    """Open cafés whose name, village, postcode or department match every word of `query`."""
    page = max(page, 1)
    conditions = [Cafe.closed_at.is_(None)]
    for word in normalise_for_search(query).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(
            or_(
                Cafe.search_text.like(f"%{escaped}%", escape="\\"),
                Cafe.postcode.like(f"{escaped}%", escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count(Cafe.id)).where(*conditions)) or 0
    cafes = db.session.scalars(
        select(Cafe)
        .where(*conditions)
        .options(selectinload(Cafe.services))
        .order_by(Cafe.department, Cafe.village, Cafe.name)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    found = SearchPage(cafes=list(cafes), total=total, page=page, per_page=per_page)
    if total == 0 and query.strip():
        found.nearby = nearby_cafes(query)
        if found.nearby is None:
            found.departments = departments_with_cafes()
    return found


def nearby_cafes(query: str, limit: int = 10) -> Nearby | None:
    """The cafés near the commune, postcode or department `query` names, or None if it names none."""
    communes = find_communes(query)
    words = query.strip()
    if communes:
        commune = communes[0]
        postcodes = set(commune.postcodes)
        department = commune.department
        place = f"{commune.name} ({', '.join(commune.postcodes)})"
    elif code := department_code(query):
        postcodes, department, place = set(), code, department_name(code)
    elif words.isdigit() and len(words) == 5:
        postcodes, department, place = {words}, department_of_postcode(words), words
    else:
        return None
    prefix = "20" if department in ("2A", "2B") else department
    candidates = db.session.scalars(
        select(Cafe)
        .where(Cafe.closed_at.is_(None), Cafe.postcode.like(f"{prefix}%"))
        .options(selectinload(Cafe.services))
        .order_by(Cafe.village, Cafe.name)
    ).all()
    in_department = [c for c in candidates if department_of_postcode(c.postcode) == department]
    in_department.sort(key=lambda c: c.postcode not in postcodes)
    return Nearby(place=place, department=department_name(department), cafes=in_department[:limit])


def departments_with_cafes() -> list[tuple[str, int]]:
    """Every department that has an open café, with how many: a way forward from any search."""
    rows = db.session.execute(
        select(Cafe.department, func.count(Cafe.id))
        .where(Cafe.closed_at.is_(None))
        .group_by(Cafe.department)
        .order_by(Cafe.department)
    ).all()
    return [(name, count) for name, count in rows]


def local_now(cafe: Cafe) -> datetime:
    return utcnow().astimezone(cafe.zone)


def next_seven_days(cafe: Cafe) -> list[DayHours]:
    """The café's hours for today and the six days after, in its own time zone."""
    today = local_now(cafe).date()
    return [hours_for_day(cafe, today + timedelta(days=n)) for n in range(7)]


def upcoming_exceptions(cafe: Cafe, days: int = 60) -> list[HoursException]:
    """Exceptional closures or hours from today on, for the next `days` days."""
    today = local_now(cafe).date()
    return [e for e in cafe.hours_exceptions if today <= e.day <= today + timedelta(days=days)]


def weekly_table(cafe: Cafe) -> list[list[WeeklyHours]]:
    """The usual week, Monday first: a list of opening periods per weekday."""
    table: list[list[WeeklyHours]] = [[] for _ in range(7)]
    for hours in cafe.weekly_hours:
        table[hours.weekday].append(hours)
    return table
