"""The impact figures, computed by the database (GROUP BY) in a constant number of queries.

Whatever the number of cafés, a dashboard runs the same few statements: the report totals
for the period and the one before, the reports by category, by theme and equipment, month
by month, per café, and one statement for bookings, events, the noticeboard and moderation.
Only aggregates and categories leave this module: never a name, phone or email.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
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
    EventOccurrenceOverride,
    ModerationDecision,
    Notice,
    NoticeReply,
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
    ImpactDaily,
)
from ...models.shop import CANCELLED as ORDER_CANCELLED
from ...models.shop import COLLECTED as ORDER_COLLECTED
from ...models.shop import UNCOLLECTED as ORDER_UNCOLLECTED
from ...models.shop import BreadOrder, Parcel
from ...models.types import day_in
from .periods import Period
from .zoned import Clocks, joined

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

    def clocks(self) -> Clocks:
        """The café's clock, or every time zone of the network (each café dated on its own)."""
        return Clocks.of_cafe(self.cafe) if self.cafe is not None else Clocks.of_network()


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
    replies_relayed: int = 0
    notices_reported: int = 0
    moderation_decisions: int = 0

    @property
    def no_show_rate(self) -> float | None:
        settled = self.bookings_attended + self.bookings_no_show
        return round(100 * self.bookings_no_show / settled, 1) if settled else None


@dataclass
class Shop:
    """The village shop: bread orders (by collection day) and parcels received at the counter."""

    bread_orders: int = 0
    collected: int = 0
    uncollected: int = 0
    parcels: int = 0
    months: list[dict] = field(default_factory=list)

    @property
    def collection_rate(self) -> float | None:
        """Percent of the orders whose day is over that were collected (None: none yet)."""
        settled = self.collected + self.uncollected
        return round(100 * self.collected / settled, 1) if settled else None

    @property
    def has_data(self) -> bool:
        return bool(
            self.bread_orders or self.parcels or any(m["bread_orders"] or m["parcels"] for m in self.months)
        )


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
    shop: Shop = field(default_factory=Shop)
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


def _activity_query(scope: Scope, period: Period, clocks: Clocks):
    """One statement: bookings, events, RSVPs, notices, replies, moderation in the period.

    Each timestamp is dated on its own café's clock (see zoned.py); each table and range is
    read once, whatever the number of figures taken from it.
    """

    parts: list = []

    def in_period(model, column, *conditions, **aggregates):
        columns, subqueries = clocks.sums(
            model, column, period.start, period.end, scope.where(model.cafe_id), *conditions, **aggregates
        )
        parts.extend(subqueries)
        return columns

    def how_many(condition):
        return func.sum(case((condition, 1), else_=0))

    going = Rsvp.status == RsvpStatus.GOING
    columns = (
        *in_period(Booking, Booking.created_at, made=func.count()),
        *in_period(
            Booking,
            Booking.starts_at,
            attended=how_many(Booking.status == ATTENDED),
            no_show=how_many(Booking.status == NO_SHOW),
            cancelled=how_many(Booking.status.in_(CANCELLED)),
        ),
        *in_period(
            Event,
            Event.starts_at,
            Event.recurrence == Recurrence.NONE,
            Event.status == EventStatus.SCHEDULED,
            one_off_events=func.count(),
        ),
        *in_period(
            Rsvp,
            Rsvp.occurrence_start,
            rsvps=how_many(going),
            rsvp_people=func.sum(case((going, Rsvp.party_size), else_=0)),
        ),
        *in_period(Notice, Notice.published_at, notices=func.count()),
        *in_period(NoticeReply, NoticeReply.created_at, replies=func.count()),
        *in_period(Report, Report.created_at, reported=func.count()),
        *in_period(ModerationDecision, ModerationDecision.created_at, decisions=func.count()),
    )
    return select(*columns).select_from(joined(parts))


EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86400


def _sql_helpers():
    """Day numbers and seconds since 1970, and least/greatest, in the database's dialect."""
    from sqlalchemy import BigInteger

    if db.session.get_bind().dialect.name == "postgresql":
        return SimpleNamespace(
            seconds=lambda column: cast(func.floor(extract("epoch", column)), BigInteger),
            day_number=lambda column: column - EPOCH,
            least=func.least,
            greatest=func.greatest,
        )
    return SimpleNamespace(
        seconds=lambda column: cast(func.strftime("%s", column), Integer),
        day_number=lambda column: cast(func.julianday(column) - 2440587.5, Integer),
        least=func.min,
        greatest=func.max,
    )


def _zone_offsets(names, first: date, last: date) -> dict[str, tuple[int, int]]:
    """Per zone, the smallest and largest UTC offset (seconds) between two dates."""
    offsets = {}
    for name in names:
        zone = ZoneInfo(name)
        seen = set()
        for year in range(first.year, last.year + 1):
            for month in range(1, 13):
                seen.add(int(datetime(year, month, 15, 12, tzinfo=zone).utcoffset().total_seconds()))
        offsets[name] = (min(seen), max(seen))
    return offsets


def _series_counted_by_the_database(period: Period, clocks: Clocks, series_filter):
    """The weekly and fortnightly series whose first local date is certain, and their
    occurrences in the period, counted by the database: (the condition, the count)."""
    from ..events.recurrence import MAX_OCCURRENCES

    sql = _sql_helpers()
    # Offsets are known for the years around the period; older series go the slow way.
    first_year = date(period.start.year - 6, 1, 1)
    offsets = _zone_offsets(clocks.zones, first_year, period.end)
    seconds = sql.seconds(Event.starts_at)
    low_offset = case({name: low for name, (low, _) in offsets.items()}, value=Cafe.timezone)
    high_offset = case({name: top for name, (_, top) in offsets.items()}, value=Cafe.timezone)
    day0 = (seconds + low_offset) // DAY_SECONDS
    certain = and_(
        Event.recurrence.in_((Recurrence.WEEKLY, Recurrence.BIWEEKLY)),
        Event.starts_at >= datetime.combine(first_year, time.min, tzinfo=ZoneInfo("UTC")),
        Cafe.timezone.in_(list(offsets)),
        day0 == (seconds + high_offset) // DAY_SECONDS,
    )
    step = case((Event.recurrence == Recurrence.BIWEEKLY, 14), else_=7)
    start_day = (period.start - EPOCH).days
    end_day = (period.end - EPOCH).days
    count = case(
        (Event.repeat_count.is_(None), MAX_OCCURRENCES), else_=sql.least(Event.repeat_count, MAX_OCCURRENCES)
    )
    until_day = sql.day_number(Event.repeat_until)
    last_index = sql.least(
        count - 1,
        (end_day - day0) // step,
        case((Event.repeat_until.is_(None), count - 1), else_=(until_day - day0) // step),
    )
    first_index = case((day0 >= start_day, 0), else_=(start_day - day0 + step - 1) // step)
    held_sql = case(
        (day0 > end_day, 0),
        (and_(Event.repeat_until.is_not(None), until_day < day0), 0),
        else_=sql.greatest(last_index - first_index + 1, 0),
    )
    counted = db.session.execute(
        select(func.coalesce(func.sum(held_sql), 0))
        .select_from(Event)
        .join(Cafe, Cafe.id == Event.cafe_id)
        .where(*series_filter, certain)
    ).scalar()
    return certain, int(counted or 0)


def _series_expanded_here(rows, period: Period) -> int:
    """Occurrences in the period of the series the database could not count (few)."""
    from ..events.recurrence import MAX_OCCURRENCES, build_rule

    held = 0
    for starts_at, recurrence, monthly_week, repeat_until, repeat_count, zone_name in rows:
        zone = ZoneInfo(zone_name)
        if recurrence == Recurrence.MONTHLY:
            rule = build_rule(
                SimpleNamespace(
                    recurrence=recurrence,
                    starts_at=starts_at,
                    monthly_week=monthly_week,
                    repeat_until=repeat_until,
                    repeat_count=repeat_count,
                ),
                zone,
            )
            low = datetime.combine(period.start, time.min)
            top = datetime.combine(period.end, time.max)
            held += len(rule.between(low, top, inc=True))
            continue
        step_days = 14 if recurrence == Recurrence.BIWEEKLY else 7
        first_day = day_in(zone, starts_at)
        last = (min(repeat_count, MAX_OCCURRENCES) if repeat_count else MAX_OCCURRENCES) - 1
        if repeat_until is not None:
            last = min(last, (repeat_until - first_day).days // step_days)
        last = min(last, (period.end - first_day).days // step_days)
        first = max(0, -((first_day - period.start).days // step_days))  # ceil((start - day0) / step)
        if last >= first:
            held += last - first + 1
    return held


def _series_occurrences(scope: Scope, period: Period, clocks: Clocks) -> int:
    """Occurrences of recurring events held in the period, on each café's clock (three queries).

    A weekly or fortnightly series keeps its wall-clock time, so its occurrences fall on its
    café's calendar every 7 or 14 days from its first date: the database counts them by
    integer arithmetic on day numbers, for the (nearly all) series whose first local date is
    certain whatever the season's offset. The others (monthly series, a first occurrence
    around midnight on a day the clocks may have changed) are few: they are expanded here by
    their rule. Cancelled and moved occurrences are then accounted for.
    """

    windows = clocks.bounds(period.start, period.end)
    high = max(end for _, end in windows.values())
    series_filter = (
        scope.where(Event.cafe_id),
        Event.recurrence.in_((Recurrence.WEEKLY, Recurrence.BIWEEKLY, Recurrence.MONTHLY)),
        Event.status == EventStatus.SCHEDULED,
        Event.starts_at < high,
        or_(Event.repeat_until.is_(None), Event.repeat_until >= period.start),
    )
    certain, counted = _series_counted_by_the_database(period, clocks, series_filter)
    rows = db.session.execute(
        select(
            Event.starts_at,
            Event.recurrence,
            Event.monthly_week,
            Event.repeat_until,
            Event.repeat_count,
            Cafe.timezone,
        )
        .join(Cafe, Cafe.id == Event.cafe_id)
        .where(*series_filter, ~certain)
    ).all()
    held = counted + _series_expanded_here(rows, period)
    return held + _override_changes(period, clocks, series_filter)


def _override_changes(period: Period, clocks: Clocks, series_filter) -> int:
    """Occurrences cancelled or moved out of the period (minus), moved into it (plus).

    Overrides are few (one per occurrence cancelled or moved): the statement starts from
    those near the period, then keeps those of the series counted.
    """
    windows = clocks.bounds(period.start, period.end)
    low = min(start for start, _ in windows.values())
    high = max(end for _, end in windows.values())
    Override = EventOccurrenceOverride
    near = or_(
        and_(Override.original_start >= low, Override.original_start < high),
        and_(Override.new_starts_at >= low, Override.new_starts_at < high),
    )
    rows = db.session.execute(
        select(Override.original_start, Override.cancelled, Override.new_starts_at, Cafe.timezone)
        .join(Event, Event.id == Override.event_id)
        .join(Cafe, Cafe.id == Event.cafe_id)
        .where(near, Event.id.in_(select(Override.event_id).where(near)), *series_filter)
    ).all()
    change = 0
    for original, cancelled, new_start, zone_name in rows:
        start, end = windows[zone_name]
        was_in = start <= original < end
        now_in = not cancelled and new_start is not None and start <= new_start < end
        if cancelled:
            now_in = False
        elif new_start is None:
            now_in = was_in
        change += int(now_in) - int(was_in)
    return change


def _per_cafe_query(scope: Scope, period: Period):
    """The reports summed per café (one GROUP BY on an integer, read from an index), then named."""
    sums = (
        select(
            HelpReport.cafe_id,
            func.sum(HelpReport.participants).label("people"),
            func.sum(HelpReport.duration_minutes).label("minutes"),
            func.sum(case((HelpReport.walk_in.is_(True), 1), else_=0)).label("walk_ins"),
            func.sum(case((HelpReport.kind == COLLECTIVE, 1), else_=0)).label("workshops"),
        )
        .where(report_filter(scope, period))
        .group_by(HelpReport.cafe_id)
        .subquery()
    )
    return (
        select(
            Cafe.id,
            Cafe.name,
            Cafe.slug,
            Cafe.department,
            sums.c.people,
            sums.c.minutes,
            sums.c.walk_ins,
            sums.c.workshops,
        )
        .join(sums, sums.c.cafe_id == Cafe.id)
        .order_by(sums.c.people.desc(), Cafe.name)
    )


def _totals_from(row, prefix: str) -> Totals:
    return Totals(**{name: int(getattr(row, prefix + name) or 0) for name in Totals.__dataclass_fields__})


# --- the whole network, unfiltered: from the daily sums (rollup.py), a few thousand rows a year ----


def _from_daily_sums(scope: Scope) -> bool:
    """The whole network with no filter reads the daily sums; a filtered scope, the reports."""
    return scope.is_network and not (scope.department or scope.cafe_search or scope.cafe_id or scope.theme)


def _daily_totals(period: Period, previous: Period) -> tuple[Totals, Totals]:
    from .rollup import TOTALS

    def within(p: Period):
        return func.sum(case((ImpactDaily.day.between(p.start, p.end), ImpactDaily.amount), else_=0))

    rows = db.session.execute(
        select(ImpactDaily.value, within(period), within(previous))
        .where(ImpactDaily.dimension == TOTALS, ImpactDaily.day.between(previous.start, period.end))
        .group_by(ImpactDaily.value)
    ).all()
    now, then = Totals(), Totals()
    for name, amount_now, amount_then in rows:
        if name in Totals.__dataclass_fields__:
            setattr(now, name, int(amount_now or 0))
            setattr(then, name, int(amount_then or 0))
    return now, then


def _daily_dimensions(period: Period) -> dict[str, dict[str, int]]:
    from .rollup import TOTALS

    counts: dict[str, dict[str, int]] = {name: {} for name in DIMENSIONS}
    rows = db.session.execute(
        select(ImpactDaily.dimension, ImpactDaily.value, func.sum(ImpactDaily.amount))
        .where(ImpactDaily.dimension != TOTALS, ImpactDaily.day.between(period.start, period.end))
        .group_by(ImpactDaily.dimension, ImpactDaily.value)
    )
    for dimension, value, amount in rows:
        if dimension in counts:
            counts[dimension][value] = int(amount or 0)
    return counts


def _daily_months(month_list: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    from .rollup import TOTALS

    first = date(*month_list[0], 1)
    last_year, last_month = month_list[-1]
    after = date(last_year + last_month // 12, last_month % 12 + 1, 1)
    year = cast(extract("year", ImpactDaily.day), Integer)
    month = cast(extract("month", ImpactDaily.day), Integer)
    rows = db.session.execute(
        select(year, month, ImpactDaily.value, func.sum(ImpactDaily.amount))
        .where(
            ImpactDaily.dimension == TOTALS,
            ImpactDaily.value.in_(("people", "minutes", "walk_ins", "workshops")),
            ImpactDaily.day >= first,
            ImpactDaily.day < after,
        )
        .group_by(year, month, ImpactDaily.value)
    )
    by_month: dict[tuple[int, int], dict] = {}
    for y, m, name, amount in rows:
        by_month.setdefault((int(y), int(m)), {})[name] = int(amount or 0)
    return by_month


def _dimension_counts(scope: Scope, period: Period) -> dict[str, dict[str, int]]:
    if _from_daily_sums(scope):
        return _daily_dimensions(period)
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
    if _from_daily_sums(scope):
        by_month = _daily_months(month_list)
    else:
        by_month = {
            (int(r.year), int(r.month)): r._asdict()
            for r in db.session.execute(_months_query(scope, month_list))
        }
    months = []
    for year, month in month_list:
        row = by_month.get((year, month), {})
        months.append(
            {
                "year": year,
                "month": month,
                "people": int(row.get("people") or 0),
                "hours": round(int(row.get("minutes") or 0) / 60, 1),
                "walk_ins": int(row.get("walk_ins") or 0),
                "workshops": int(row.get("workshops") or 0),
            }
        )
    return months


def _activity(scope: Scope, period: Period, clocks: Clocks) -> Activity:
    a = db.session.execute(_activity_query(scope, period, clocks)).one()
    return Activity(
        bookings_made=int(a.made or 0),
        bookings_attended=int(a.attended or 0),
        bookings_no_show=int(a.no_show or 0),
        bookings_cancelled=int(a.cancelled or 0),
        events_held=int(a.one_off_events or 0) + _series_occurrences(scope, period, clocks),
        rsvps=int(a.rsvps or 0),
        rsvp_people=int(a.rsvp_people or 0),
        notices_published=int(a.notices or 0),
        replies_relayed=int(a.replies or 0),
        notices_reported=int(a.reported or 0),
        moderation_decisions=int(a.decisions or 0),
    )


def _month_range(month_list: list[tuple[int, int]]) -> tuple[date, date]:
    """The first day of the first month, and the first day after the last month."""
    last_year, last_month = month_list[-1]
    return date(*month_list[0], 1), date(last_year + last_month // 12, last_month % 12 + 1, 1)


def _bread_query(scope: Scope, month_list):
    """Bread orders per day and status (a few hundred rows, in the index's order)."""
    first, after = _month_range(month_list)
    return (
        select(BreadOrder.day, BreadOrder.status, func.count())
        .where(
            scope.where(BreadOrder.cafe_id),
            BreadOrder.day >= first,
            BreadOrder.day < after,
            BreadOrder.status != ORDER_CANCELLED,
        )
        .group_by(BreadOrder.day, BreadOrder.status)
    )


def _parcels_query(scope: Scope, period: Period, clocks: Clocks, month_list):
    """Parcels per month on their café's own clock, and how many arrived in the period.

    The month is computed in a subquery: PostgreSQL wants the GROUP BY expression to be the
    selected one, and a CASE of bound values is never the same twice.
    """
    first, after = _month_range(month_list)
    received = select(
        clocks.month_of(Parcel.created_at, month_list).label("month"),
        case((clocks.within(Parcel.created_at, period.start, period.end), 1), else_=0).label("in_period"),
    ).where(scope.where(Parcel.cafe_id), clocks.within(Parcel.created_at, first, after - timedelta(days=1)))
    if not clocks.single:
        received = received.join_from(Parcel, Cafe, Cafe.id == Parcel.cafe_id)
    received = received.subquery()
    return select(received.c.month, func.count(), func.sum(received.c.in_period)).group_by(received.c.month)


def _shop(scope: Scope, period: Period, clocks: Clocks) -> Shop:
    """Bread orders and parcels, month by month and for the period (two statements).

    Bread orders are counted by their collection day (a date on the café's calendar, as help
    reports), cancelled ones left out; parcels by the day they arrived on the café's clock.
    """
    month_list = period.months()
    shop = Shop()
    by_month: dict[str, dict] = {
        f"{y:04d}-{m:02d}": dict(year=y, month=m, bread_orders=0, collected=0, uncollected=0, parcels=0)
        for y, m in month_list
    }
    for day, status, count in db.session.execute(_bread_query(scope, month_list)):
        entry = by_month[f"{day:%Y-%m}"]
        inside = period.start <= day <= period.end
        entry["bread_orders"] += count
        shop.bread_orders += count if inside else 0
        if status == ORDER_COLLECTED:
            entry["collected"] += count
            shop.collected += count if inside else 0
        elif status == ORDER_UNCOLLECTED:
            entry["uncollected"] += count
            shop.uncollected += count if inside else 0
    for month_key, count, inside in db.session.execute(_parcels_query(scope, period, clocks, month_list)):
        if month_key in by_month:
            by_month[month_key]["parcels"] = int(count)
        shop.parcels += int(inside or 0)
    shop.months = list(by_month.values())
    return shop


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
    clocks = scope.clocks()
    if _from_daily_sums(scope):
        totals, before = _daily_totals(period, previous)
    else:
        totals_row = db.session.execute(_totals_query(scope, period, previous)).one()
        totals, before = _totals_from(totals_row, "now_"), _totals_from(totals_row, "then_")
    counts = _dimension_counts(scope, period)
    figures = Figures(
        scope=scope,
        period=period,
        previous=previous,
        totals=totals,
        before=before,
        dimensions={name: shares(name, counts[name]) for name in DIMENSIONS},
        months=_months(scope, period),
        activity=_activity(scope, period, clocks),
        shop=_shop(scope, period, clocks),
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
