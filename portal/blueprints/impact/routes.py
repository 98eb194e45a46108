"""A café's impact dashboard, its yearly summary and CSV export (managers); template helpers."""

from datetime import datetime

from flask import Response, abort, g, request

from ...access import requires
from ...htmx import render
from ...models.impact import THEMES
from . import bp, exports, figures, services
from .checks import manager
from .periods import KINDS as PERIOD_KINDS
from .periods import Period, parse_period


def _scope() -> figures.Scope:
    return figures.Scope(cafe=g.cafe, theme=_theme_arg())


def _theme_arg() -> str:
    theme = request.args.get("theme", "")
    return theme if theme in THEMES or theme == figures.ADMIN_GROUP else ""


# --- dashboard ---------------------------------------------------------------------------------


@bp.get("/impact/")
@requires(manager)
def dashboard():
    choice = parse_period(request.args, g.cafe.today())
    numbers = figures.compute(_scope(), choice.period)
    return render(
        "impact/dashboard.html",
        figures=numbers,
        choice=choice,
        period_kinds=PERIOD_KINDS,
        theme=_theme_arg(),
        export_args={**choice.period.query_args(), **({"theme": _theme_arg()} if _theme_arg() else {})},
        to_fill=len(services.reports_to_fill(g.cafe)),
        status=422 if choice.errors else 200,
    )


@bp.get("/impact.csv")
@requires(manager)
def export_csv():
    choice = parse_period(request.args, g.cafe.today())
    body = exports.reports_csv(_scope(), choice.period)
    filename = f"comptoir-{g.cafe.slug}-{choice.period.start:%Y%m%d}-{choice.period.end:%Y%m%d}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.get("/impact/summary")
@requires(manager)
def summary():
    today = g.cafe.today()
    year = request.args.get("year", today.year, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    period = Period.year(year)
    return render("impact/summary.html", figures=figures.compute(_scope(), period), year=year)


def occurrence_duration(occurrence) -> int:
    return int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)


@bp.app_template_global()
def impact_minutes(occurrence) -> int:
    return occurrence_duration(occurrence)


@bp.app_template_global()
def impact_month_label(year: int, month: int) -> str:
    from flask_babel import format_date

    return format_date(datetime(year, month, 1), "MMM")


@bp.app_template_global()
def impact_reports_needed(bookings) -> set[int]:
    """For the staff day view: ids of attended bookings to offer "fill in the report" for."""
    return services.bookings_needing_report(g.cafe, list(bookings))
