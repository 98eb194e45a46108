"""The network's impact: /network/impact/ with its CSV and JSON exports (network admins)."""

from flask import Response, jsonify, request

from ...access import network_admin, requires
from ...htmx import render
from ...models import utcnow
from ...models.impact import THEMES
from ...models.types import day_in
from . import exports, figures, network_bp
from .periods import KINDS as PERIOD_KINDS
from .periods import parse_period


def _today():
    return day_in(figures.NETWORK_ZONE, utcnow())


def _scope() -> figures.Scope:
    theme = request.args.get("theme", "")
    return figures.Scope(
        department=request.args.get("department", "").strip()[:80],
        cafe_search=request.args.get("cafe", "").strip()[:120],
        theme=theme if theme in THEMES or theme == figures.ADMIN_GROUP else "",
    )


def _filter_args(scope: figures.Scope) -> dict:
    args = {"department": scope.department, "cafe": scope.cafe_search, "theme": scope.theme}
    return {key: value for key, value in args.items() if value}


@network_bp.get("/impact/")
@requires(network_admin)
def dashboard():
    choice = parse_period(request.args, _today())
    scope = _scope()
    return render(
        "impact/dashboard.html",
        figures=figures.compute(scope, choice.period),
        choice=choice,
        period_kinds=PERIOD_KINDS,
        departments=figures.departments(),
        theme=scope.theme,
        export_args={**choice.period.query_args(), **_filter_args(scope)},
        status=422 if choice.errors else 200,
    )


@network_bp.get("/impact.csv")
@requires(network_admin)
def export_csv():
    choice = parse_period(request.args, _today())
    body = exports.reports_csv(_scope(), choice.period)
    filename = f"comptoir-reseau-{choice.period.start:%Y%m%d}-{choice.period.end:%Y%m%d}.csv"
    return Response(
        body.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@network_bp.get("/impact.json")
@requires(network_admin)
def export_json():
    choice = parse_period(request.args, _today())
    scope = _scope()
    numbers = figures.compute(scope, choice.period)
    totals = numbers.totals
    return jsonify(
        {
            "periode": {"du": choice.period.start.isoformat(), "au": choice.period.end.isoformat()},
            "filtres": _filter_args(scope),
            "totaux": {
                "beneficiaires_accompagnes": totals.people,
                "accompagnements_individuels": totals.individual,
                "ateliers_collectifs": totals.workshops,
                "participants_ateliers": totals.workshop_participants,
                "sans_rendez_vous": totals.walk_ins,
                "premiers_accompagnements": totals.first_visits,
                "minutes": totals.minutes,
            },
            **figures.json_dimensions(scope, choice.period),
        }
    )
