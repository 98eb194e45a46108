"""The network's help reports summed per day (`ImpactDaily`), kept exact.

Whenever help reports (or their themes and equipment) are added, changed or deleted through
the ORM, the days they were and are on are recomputed from the reports in the same
transaction (`after_flush`), under a per-day lock on PostgreSQL so two cafés saving reports
of the same day never lose one another's. Bulk loads (seed-scale) and the migration call
`rebuild`. `flask --app wsgi impact-rollup` rebuilds it by hand, and says if it was off.

The sums use the same rules as the dashboard's raw queries (figures.py): people are
weighted by participants, the duration buckets are the Coop's, a value left empty (no
autonomy assessed, not referred) is not counted.
"""

from collections import defaultdict
from datetime import date

import click
from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session

from ...models.impact import (
    COLLECTIVE,
    EQUIPMENT_CHOICE,
    INDIVIDUAL,
    THEME,
    HelpReport,
    HelpReportChoice,
    ImpactDaily,
)

TOTALS = "totaux"
TOTAL_NAMES = (
    "people",
    "minutes",
    "individual",
    "workshops",
    "workshop_participants",
    "walk_ins",
    "first_visits",
)
_REPORT_COLUMNS = (
    HelpReport.id,
    HelpReport.day,
    HelpReport.kind,
    HelpReport.participants,
    HelpReport.duration_minutes,
    HelpReport.walk_in,
    HelpReport.first_visit,
    HelpReport.autonomy,
    HelpReport.referred,
    HelpReport.referred_to,
    HelpReport.age_band,
    HelpReport.gender,
    HelpReport.social_status,
)


def duration_bucket(minutes: int) -> str:
    from .figures import DURATION_BUCKETS

    for key, (_, _, upper) in DURATION_BUCKETS.items():
        if key != "more" and minutes < upper:
            return key
    return "more"


def contributions(report, choices) -> list[tuple[str, str, int]]:
    """What one report adds to its day: (dimension, value, amount)."""
    people = report.participants
    out = [
        (TOTALS, "people", people),
        (TOTALS, "minutes", report.duration_minutes),
        (TOTALS, "individual", int(report.kind == INDIVIDUAL)),
        (TOTALS, "workshops", int(report.kind == COLLECTIVE)),
        (TOTALS, "workshop_participants", people if report.kind == COLLECTIVE else 0),
        (TOTALS, "walk_ins", int(bool(report.walk_in))),
        (TOTALS, "first_visits", people if report.first_visit else 0),
        ("types", report.kind, people),
        ("durees", duration_bucket(report.duration_minutes), people),
        ("tranches_age", report.age_band, people),
        ("genres", report.gender, people),
        ("statuts", report.social_status, people),
    ]
    if report.autonomy:
        out.append(("autonomie", report.autonomy, people))
    if report.referred and report.referred_to:
        out.append(("reorientations", report.referred_to, people))
    for dimension, value in choices:
        out.append(("thematiques" if dimension == THEME else "materiels", value, people))
    return out


def _sums(connection, days: list[date] | None) -> dict[tuple, int]:
    """(day, dimension, value) → amount, from the reports of `days` (None: every day)."""
    reports = select(*_REPORT_COLUMNS)
    choices = select(HelpReportChoice.report_id, HelpReportChoice.dimension, HelpReportChoice.value)
    if days is not None:
        reports = reports.where(HelpReport.day.in_(days))
        choices = choices.join(HelpReport, HelpReport.id == HelpReportChoice.report_id).where(
            HelpReport.day.in_(days)
        )
    by_report = defaultdict(list)
    for report_id, dimension, value in connection.execute(choices):
        if dimension in (THEME, EQUIPMENT_CHOICE):
            by_report[report_id].append((dimension, value))
    sums: dict[tuple, int] = defaultdict(int)
    for report in connection.execute(reports):
        for dimension, value, amount in contributions(report, by_report.get(report.id, ())):
            sums[(report.day, dimension, value)] += amount
    return sums


def _write(connection, sums: dict[tuple, int]) -> None:
    rows = [
        {"day": day, "dimension": dimension, "value": value, "amount": amount}
        for (day, dimension, value), amount in sorted(sums.items())
        if amount
    ]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(ImpactDaily), rows[start : start + 5000])


def recompute_days(connection, days) -> None:
    """Recompute the network's sums of these days from their reports."""
    days = sorted(set(days))
    if not days:
        return
    if connection.dialect.name == "postgresql":
        for day in days:  # always in the same order: two transactions never wait on each other
            connection.execute(text("SELECT pg_advisory_xact_lock(1010, :day)"), {"day": day.toordinal()})
    connection.execute(delete(ImpactDaily).where(ImpactDaily.day.in_(days)))
    _write(connection, _sums(connection, days))


def rebuild(connection) -> int:
    """Recompute every day (after a bulk load); returns the number of rows written."""
    connection.execute(delete(ImpactDaily))
    sums = _sums(connection, None)
    _write(connection, sums)
    return sum(1 for amount in sums.values() if amount)


def is_exact(connection) -> bool:
    """Whether the stored sums are those of the reports."""
    stored = {
        (row.day, row.dimension, row.value): row.amount
        for row in connection.execute(select(ImpactDaily)).all()
        if row.amount
    }
    computed = {key: amount for key, amount in _sums(connection, None).items() if amount}
    return stored == computed


# --- keeping it exact ------------------------------------------------------------------------------

_PENDING = "impact_days"
_REPORT_IDS = "impact_report_ids"


@event.listens_for(Session, "before_flush")
def _note_changed_days(session, flush_context, instances) -> None:
    days = session.info.setdefault(_PENDING, set())
    report_ids = session.info.setdefault(_REPORT_IDS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, HelpReport):
            history = _history(obj, "day")
            days.update(day for day in history if day is not None)
        elif isinstance(obj, HelpReportChoice):
            report = obj.report
            if report is not None and report.day is not None:
                days.update(day for day in _history(report, "day") if day is not None)
            for report_id in _history(obj, "report_id"):
                if report_id is not None:
                    report_ids.add(report_id)


def _history(obj, name: str) -> list:
    state = inspect(obj)
    history = state.attrs[name].history
    values = [*history.added, *history.unchanged, *history.deleted]
    if not values and name in state.dict:
        values = [state.dict[name]]
    return values


@event.listens_for(Session, "after_flush")
def _recompute_changed_days(session, flush_context) -> None:
    days = session.info.pop(_PENDING, set())
    report_ids = session.info.pop(_REPORT_IDS, set())
    if not days and not report_ids:
        return
    connection = session.connection()
    if report_ids:
        days |= set(connection.execute(select(HelpReport.day).where(HelpReport.id.in_(report_ids))).scalars())
    recompute_days(connection, days)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_REPORT_IDS, None)


def register(app) -> None:
    @app.cli.command("impact-rollup")
    def impact_rollup_command():
        """Recompute the network's daily sums of help reports (after loading reports in bulk)."""
        from ...extensions import db

        with db.engine.begin() as connection:
            exact = is_exact(connection)
            rows = rebuild(connection)
        click.echo(f"{rows:,} daily sums written" + ("." if exact else " (they were off: now exact)."))
