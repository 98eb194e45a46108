"""The impact figures, computed by the database (GROUP BY) in a constant number of queries.

Whatever the number of cafés, a dashboard runs the same few statements: the report totals
for the period and the one before, the reports by category, by theme and equipment, month
by month, per café, and one statement for bookings, events, the noticeboard and moderation.
Only aggregates and categories leave this module: never a name, phone or email.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
    true,
)

from ...extensions import db
from ...models import (
    Booking,
    Cafe,
    Event,
    ModerationDecision,
    Notice,
    Report,
    Rsvp,
)
from ...models.booking import ATTENDED, CANCELLED, NO_SHOW
from ...models.cafe import normalise_for_search
from ...models.event import EventStatus, Recurrence, RsvpStatus
from ...models.impact import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY,
    COLLECTIVE,
    COOP_LABELS,
    EQUIPMENT,
    GENDERS,
    INDIVIDUAL,
    KINDS,
    REFERRALS,
    SOCIAL_STATUSES,
    THEMES,
    HelpReport,
    HelpReportChoice,
)
from .periods import Period

NETWORK_ZONE = ZoneInfo("Europe/Paris")
ADMIN_GROUP = "demarches"
ADMIN_GROUP_THEMES = ["aide_aux_demarches_administratives", *ADMIN_THEMES]

# The Coop's duration buckets (minutes: from, to excluded).
DURATION_BUCKETS = {
    "30": ("Moins de 30 min", 0, 30),
    "60": ("30 min à 1 h", 30, 60),
    "120": ("1 h à 2 h", 60, 120),
    "more": ("2 h et plus", 120, 10**6),
}


@dataclass(frozen=True)
class Scope:
    """Which cafés the figures cover: one café, or the network filtered by department or name."""

    cafe: Cafe | None = None
    department: str = ""
    cafe_search: str = ""
    cafe_id: int | None = None
    theme: str = ""  # a theme value, or ADMIN_GROUP for every administrative procedure

    @property
    def zone(self) -> ZoneInfo:
        return self.cafe.zone if self.cafe is not None else NETWORK_ZONE

    @property
    def is_network(self) -> bool:
        return self.cafe is None

    def cafes_query(self):
        """The ids of the cafés in scope, as a subquery (None: every café)."""
        conditions = []
        if self.department:
            conditions.append(Cafe.department == self.department)
        if self.cafe_id:
            conditions.append(Cafe.id == self.cafe_id)
        if self.cafe_search:
            conditions.append(Cafe.search_text.contains(normalise_for_search(self.cafe_search)))
        if not conditions:
            return None
        return select(Cafe.id).where(*conditions)

    def where(self, column):
        """The condition putting `column` (a cafe_id) in scope."""
        if self.cafe is not None:
            return column == self.cafe.id
        cafes = self.cafes_query()
        return true() if cafes is None else column.in_(cafes)

    def report_where(self):
        """The condition putting a HelpReport in scope (cafés, and the theme when one is chosen)."""
        condition = self.where(HelpReport.cafe_id)
        if self.theme:
            values = ADMIN_GROUP_THEMES if self.theme == ADMIN_GROUP else [self.theme]
            condition = and_(
                condition,
                HelpReport.id.in_(
                    select(HelpReportChoice.report_id).where(
                        HelpReportChoice.dimension == "theme", HelpReportChoice.value.in_(values)
                    )
                ),
            )
        return condition

    def bounds(self, period: Period) -> tuple[datetime, datetime]:
        """The period as aware datetimes (start included, end excluded) on the scope's clock."""
        start = datetime.combine(period.start, time.min, tzinfo=self.zone)
        end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=self.zone)
        return start, end


@dataclass
class Share:
    value: str
    label: str
    count: int
    proportion: float  # percent, 3 decimals, as the Coop's API


@dataclass
class Totals:
    people: int = 0
    minutes: int = 0
    individual: int = 0
    workshops: int = 0
    workshop_participants: int = 0
    walk_ins: int = 0
    first_visits: int = 0
    from_bookings: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class Activity:
    bookings_made: int = 0
    bookings_attended: int = 0
    bookings_no_show: int = 0
    bookings_cancelled: int = 0
    events_held: int = 0
    rsvps: int = 0
    rsvp_people: int = 0
    notices_published: int = 0
    notices_reported: int = 0
    moderation_decisions: int = 0

    @property
    def no_show_rate(self) -> float | None:
        settled = self.bookings_attended + self.bookings_no_show
        return round(100 * self.bookings_no_show / settled, 1) if settled else None


@dataclass
class Figures:
    scope: Scope
    period: Period
    previous: Period
    totals: Totals
    before: Totals
    dimensions: dict[str, list[Share]]
    months: list[dict]
    activity: Activity
    per_cafe: list[dict] = field(default_factory=list)
    per_department: list[dict] = field(default_factory=list)

    def change(self, name: str) -> int | None:
        """Percent change of a total against the previous period (None when it was 0)."""
        now, then = getattr(self.totals, name), getattr(self.before, name)
        if not then:
            return None
        return round(100 * (now - then) / then)


def proportions(counts: list[int]) -> list[float]:
    """Percentages with 3 decimals, as the Coop's API rounds them."""
    total = sum(counts)
    return [0 if total == 0 else round(100_000 * count / total) / 1000 for count in counts]


# label sources per dimension: (values and UI labels, Coop labels key)
DIMENSIONS = {
    "types": (KINDS, "kind"),
    "durees": ({key: label for key, (label, _, _) in DURATION_BUCKETS.items()}, None),
    "materiels": (EQUIPMENT, "equipment"),
    "thematiques": (THEMES, "theme"),
    "autonomie": (AUTONOMY, "autonomy"),
    "reorientations": (REFERRALS, "referral"),
    "tranches_age": (AGE_BANDS, "age_band"),
    "genres": (GENDERS, "gender"),
    "statuts": (SOCIAL_STATUSES, "social_status"),
}


def shares(dimension: str, counts: dict[str, int], coop_labels: bool = False) -> list[Share]:
    """Every value of a dimension (zeros included), in the Coop's order, with its proportion."""
    labels, coop_key = DIMENSIONS[dimension]
    values = list(labels)
    numbers = [int(counts.get(value, 0)) for value in values]
    out = []
    for value, count, proportion in zip(values, numbers, proportions(numbers), strict=True):
        label = COOP_LABELS[coop_key][value] if coop_labels and coop_key else str(labels[value])
        out.append(Share(value=value, label=label, count=count, proportion=proportion))
    return out


def report_filter(scope: Scope, period: Period):
    return and_(scope.report_where(), HelpReport.day.between(period.start, period.end))


def _totals_query(scope: Scope, period: Period, previous: Period):
    """One statement: the totals of the period and of the previous one."""

    def totals_for(p: Period, prefix: str):
        inside = HelpReport.day.between(p.start, p.end)

        def total(expression, name):
            return func.coalesce(func.sum(case((inside, expression), else_=0)), 0).label(prefix + name)

        return [
            total(HelpReport.participants, "people"),
            total(HelpReport.duration_minutes, "minutes"),
            total(case((HelpReport.kind == INDIVIDUAL, 1), else_=0), "individual"),
            total(case((HelpReport.kind == COLLECTIVE, 1), else_=0), "workshops"),
            total(
                case((HelpReport.kind == COLLECTIVE, HelpReport.participants), else_=0),
                "workshop_participants",
            ),
            total(case((HelpReport.walk_in.is_(True), 1), else_=0), "walk_ins"),
            total(case((HelpReport.first_visit.is_(True), HelpReport.participants), else_=0), "first_visits"),
            total(case((HelpReport.booking_id.is_not(None), 1), else_=0), "from_bookings"),
        ]

    return select(*totals_for(period, "now_"), *totals_for(previous, "then_")).where(
        scope.report_where(), HelpReport.day.between(previous.start, period.end)
    )


def _duration_bucket():
    # Constants written into the SQL (not bound): PostgreSQL must see the same expression
    # in SELECT and GROUP BY, and two sets of parameters would make them different.
    return case(
        *[
            (HelpReport.duration_minutes < literal_column(str(upper)), literal_column(f"'{key}'"))
            for key, (_, _, upper) in DURATION_BUCKETS.items()
            if key != "more"
        ],
        else_=literal_column("'more'"),
    )


# The report's own category columns: one GROUP BY over all of them reads the table once.
CATEGORY_COLUMNS = ("types", "durees", "autonomie", "reorientations", "tranches_age", "genres", "statuts")


def _categories_query(scope: Scope, period: Period):
    """People helped per combination of categories (a few hundred rows), in one table scan."""
    bucket = _duration_bucket()
    referral = case((HelpReport.referred.is_(True), HelpReport.referred_to), else_=literal_column("''"))
    columns = (
        HelpReport.kind,
        bucket,
        HelpReport.autonomy,
        referral,
        HelpReport.age_band,
        HelpReport.gender,
        HelpReport.social_status,
    )
    return (
        select(*columns, func.sum(HelpReport.participants))
        .where(report_filter(scope, period))
        .group_by(*columns)
    )


def _choices_query(scope: Scope, period: Period):
    """People helped per theme and per piece of equipment."""
    return (
        select(HelpReportChoice.dimension, HelpReportChoice.value, func.sum(HelpReport.participants))
        .join(HelpReport, HelpReport.id == HelpReportChoice.report_id)
        .where(report_filter(scope, period))
        .group_by(HelpReportChoice.dimension, HelpReportChoice.value)
    )


def _months_query(scope: Scope, months: list[tuple[int, int]]):
    first = date(*months[0], 1)
    last_year, last_month = months[-1]
    after = date(last_year + last_month // 12, last_month % 12 + 1, 1)
    year = cast(extract("year", HelpReport.day), Integer)
    month = cast(extract("month", HelpReport.day), Integer)
    return (
        select(
            year.label("year"),
            month.label("month"),
            func.sum(HelpReport.participants).label("people"),
            func.sum(HelpReport.duration_minutes).label("minutes"),
            func.sum(case((HelpReport.walk_in.is_(True), 1), else_=0)).label("walk_ins"),
            func.sum(case((HelpReport.kind == COLLECTIVE, 1), else_=0)).label("workshops"),
        )
        .where(scope.report_where(), HelpReport.day >= first, HelpReport.day < after)
        .group_by(year, month)
    )


def _activity_query(scope: Scope, period: Period):
    """One statement of scalar subqueries: bookings, events, RSVPs, notices, moderation."""
    start, end = scope.bounds(period)

    def count(model, *conditions):
        return select(func.count()).select_from(model).where(scope.where(model.cafe_id), *conditions)

    in_period = and_(Booking.starts_at >= start, Booking.starts_at < end)
    return select(
        count(Booking, Booking.created_at >= start, Booking.created_at < end).scalar_subquery().label("made"),
        count(Booking, in_period, Booking.status == ATTENDED).scalar_subquery().label("attended"),
        count(Booking, in_period, Booking.status == NO_SHOW).scalar_subquery().label("no_show"),
        count(Booking, in_period, Booking.status.in_(CANCELLED)).scalar_subquery().label("cancelled"),
        count(
            Event,
            Event.recurrence == Recurrence.NONE,
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= start,
            Event.starts_at < end,
        )
        .scalar_subquery()
        .label("one_off_events"),
        count(
            Rsvp, Rsvp.status == RsvpStatus.GOING, Rsvp.occurrence_start >= start, Rsvp.occurrence_start < end
        )
        .scalar_subquery()
        .label("rsvps"),
        select(func.coalesce(func.sum(Rsvp.party_size), 0))
        .where(
            scope.where(Rsvp.cafe_id),
            Rsvp.status == RsvpStatus.GOING,
            Rsvp.occurrence_start >= start,
            Rsvp.occurrence_start < end,
        )
        .scalar_subquery()
        .label("rsvp_people"),
        count(Notice, Notice.published_at >= start, Notice.published_at < end)
        .scalar_subquery()
        .label("notices"),
        count(Report, Report.created_at >= start, Report.created_at < end)
        .scalar_subquery()
        .label("reported"),
        count(ModerationDecision, ModerationDecision.created_at >= start, ModerationDecision.created_at < end)
        .scalar_subquery()
        .label("decisions"),
    )


def _series_occurrences(scope: Scope, period: Period) -> int:
    """Occurrences of recurring events held in the period (one query, expanded in Python)."""
    from ..events.recurrence import expand

    start, end = scope.bounds(period)
    series = db.session.execute(
        select(Event, Cafe.timezone)
        .join(Cafe, Cafe.id == Event.cafe_id)
        .where(
            scope.where(Event.cafe_id),
            Event.recurrence != Recurrence.NONE,
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at < end,
            or_(Event.repeat_until.is_(None), Event.repeat_until >= period.start),
        )
    ).all()
    held = 0
    for event, zone in series:
        # Overrides are not loaded: a cancelled occurrence of a series still counts (rare).
        held += len(expand(event, ZoneInfo(zone), start, end, overrides=[], include_cancelled=False))
    return held


def _per_cafe_query(scope: Scope, period: Period):
    return (
        select(
            Cafe.id,
            Cafe.name,
            Cafe.slug,
            Cafe.department,
            func.coalesce(func.sum(HelpReport.participants), 0).label("people"),
            func.coalesce(func.sum(HelpReport.duration_minutes), 0).label("minutes"),
            func.coalesce(func.sum(case((HelpReport.walk_in.is_(True), 1), else_=0)), 0).label("walk_ins"),
            func.coalesce(func.sum(case((HelpReport.kind == COLLECTIVE, 1), else_=0)), 0).label("workshops"),
        )
        .join(HelpReport, HelpReport.cafe_id == Cafe.id)
        .where(report_filter(scope, period))
        .group_by(Cafe.id, Cafe.name, Cafe.slug, Cafe.department)
        .order_by(func.sum(HelpReport.participants).desc(), Cafe.name)
    )


def _totals_from(row, prefix: str) -> Totals:
    return Totals(**{name: int(getattr(row, prefix + name) or 0) for name in Totals.__dataclass_fields__})


def _dimension_counts(scope: Scope, period: Period) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {name: {} for name in DIMENSIONS}
    for *values, people in db.session.execute(_categories_query(scope, period)):
        for name, value in zip(CATEGORY_COLUMNS, values, strict=True):
            if value:  # no autonomy assessed, not referred: not counted in that dimension
                counts[name][value] = counts[name].get(value, 0) + int(people or 0)
    for dimension, value, people in db.session.execute(_choices_query(scope, period)):
        name = "thematiques" if dimension == "theme" else "materiels"
        counts[name][value] = counts[name].get(value, 0) + int(people or 0)
    return counts


def _months(scope: Scope, period: Period) -> list[dict]:
    month_list = period.months()
    by_month = {(int(r.year), int(r.month)): r for r in db.session.execute(_months_query(scope, month_list))}
    months = []
    for year, month in month_list:
        row = by_month.get((year, month))
        months.append(
            {
                "year": year,
                "month": month,
                "people": int(row.people or 0) if row else 0,
                "hours": round(int(row.minutes or 0) / 60, 1) if row else 0,
                "walk_ins": int(row.walk_ins or 0) if row else 0,
                "workshops": int(row.workshops or 0) if row else 0,
            }
        )
    return months


def _activity(scope: Scope, period: Period) -> Activity:
    a = db.session.execute(_activity_query(scope, period)).one()
    return Activity(
        bookings_made=int(a.made or 0),
        bookings_attended=int(a.attended or 0),
        bookings_no_show=int(a.no_show or 0),
        bookings_cancelled=int(a.cancelled or 0),
        events_held=int(a.one_off_events or 0) + _series_occurrences(scope, period),
        rsvps=int(a.rsvps or 0),
        rsvp_people=int(a.rsvp_people or 0),
        notices_published=int(a.notices or 0),
        notices_reported=int(a.reported or 0),
        moderation_decisions=int(a.decisions or 0),
    )


def _add_per_cafe(figures: Figures, per_cafe_limit: int) -> None:
    """Per café (the first ones) and per department (all), from one GROUP BY."""
    rows = db.session.execute(_per_cafe_query(figures.scope, figures.period)).all()
    departments: dict[str, dict] = {}
    for row in rows:
        entry = departments.setdefault(
            row.department,
            {"department": row.department, "cafes": 0, "people": 0, "minutes": 0, "walk_ins": 0},
        )
        entry["cafes"] += 1
        entry["people"] += int(row.people)
        entry["minutes"] += int(row.minutes)
        entry["walk_ins"] += int(row.walk_ins)
    for entry in departments.values():
        entry["hours"] = round(entry.pop("minutes") / 60, 1)
    figures.per_department = sorted(departments.values(), key=lambda d: (-d["people"], d["department"]))
    figures.per_cafe = [
        {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "department": row.department,
            "people": int(row.people),
            "hours": round(int(row.minutes) / 60, 1),
            "walk_ins": int(row.walk_ins),
            "workshops": int(row.workshops),
        }
        for row in rows[:per_cafe_limit]
    ]


def compute(scope: Scope, period: Period, per_cafe_limit: int = 50) -> Figures:
    """Every figure of a dashboard, for the cafés in `scope` over `period`."""
    previous = period.previous()
    totals_row = db.session.execute(_totals_query(scope, period, previous)).one()
    counts = _dimension_counts(scope, period)
    figures = Figures(
        scope=scope,
        period=period,
        previous=previous,
        totals=_totals_from(totals_row, "now_"),
        before=_totals_from(totals_row, "then_"),
        dimensions={name: shares(name, counts[name]) for name in DIMENSIONS},
        months=_months(scope, period),
        activity=_activity(scope, period),
    )
    if scope.is_network:
        _add_per_cafe(figures, per_cafe_limit)
    return figures


def departments() -> list[str]:
    """The departments that have cafés, for the filter (one query)."""
    return list(db.session.scalars(select(Cafe.department).distinct().order_by(Cafe.department)))


def json_dimensions(scope: Scope, period: Period) -> dict:
    """Per dimension, a list of {value, label, count, proportion} with the Coop's French labels."""
    counts = _dimension_counts(scope, period)
    return {
        name: [share.__dict__ for share in shares(name, counts[name], coop_labels=True)]
        for name in DIMENSIONS
    }
