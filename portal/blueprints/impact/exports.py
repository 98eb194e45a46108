"""CSV and JSON exports in the Coop's format: categories only, never a name or a contact.

The CSV has one row per report, the Coop's column order and French headers, UTF-8 with a
BOM and `;` between fields, so it opens as it should in French Excel and LibreOffice.
"""

import csv
import io
from collections import defaultdict

from sqlalchemy import select

from ...extensions import db
from ...formatting import csv_date, csv_datetime
from ...models import Cafe
from ...models.impact import (
    COOP_LABELS,
    EQUIPMENT,
    EQUIPMENT_CHOICE,
    THEME,
    THEMES,
    HelpReport,
    HelpReportChoice,
)
from .figures import Scope, report_filter
from .periods import Period

# The Coop's activity export columns (without the mediator's name: we never export people).
COLUMNS = [
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Type",
    "Participants",
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "ID CRA",
    # Ours, after the Coop's: where it happened and how it came.
    "Département",
    "Premier accompagnement",
    "Sans rendez-vous",
]

BOM = "\ufeff"


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Oui" if value else "Non"


def report_rows(scope: Scope, period: Period):
    """(report, café, themes, equipment) for every report in scope: two queries in all."""
    rows = db.session.execute(
        select(HelpReport, Cafe)
        .join(Cafe, Cafe.id == HelpReport.cafe_id)
        .where(report_filter(scope, period))
        .order_by(HelpReport.day, HelpReport.id)
    ).all()
    choices: dict[int, dict[str, list[str]]] = defaultdict(lambda: {THEME: [], EQUIPMENT_CHOICE: []})
    if rows:
        for report_id, dimension, value in db.session.execute(
            select(HelpReportChoice.report_id, HelpReportChoice.dimension, HelpReportChoice.value)
            .join(HelpReport, HelpReport.id == HelpReportChoice.report_id)
            .where(report_filter(scope, period))
        ):
            choices[report_id][dimension].append(value)
    for report, cafe in rows:
        picked = choices[report.id]
        themes = sorted(picked[THEME], key=list(THEMES).index)
        equipment = sorted(picked[EQUIPMENT_CHOICE], key=list(EQUIPMENT).index)
        yield report, cafe, themes, equipment


def csv_line(report: HelpReport, cafe: Cafe, themes: list[str], equipment: list[str]) -> list[str]:
    labels = COOP_LABELS
    level = (
        labels["workshop_level"].get(report.workshop_level, "")
        if report.kind == "collectif"
        else labels["autonomy"].get(report.autonomy, "")
    )
    return [
        csv_date(report.day),
        csv_datetime(cafe.local(report.created_at)),
        csv_datetime(cafe.local(report.updated_at)),
        labels["kind"][report.kind],
        str(report.participants),
        labels["place"].get(report.place_kind, ""),
        cafe.name,
        cafe.address,
        cafe.village,
        cafe.postcode,
        "",
        str(report.duration_minutes),
        report.workshop_title,
        ", ".join(labels["equipment"][e] for e in equipment),
        ", ".join(labels["theme"][t] for t in themes),
        "",
        "",
        level,
        _yes_no(report.referred) if report.kind == "individuel" else "",
        labels["referral"].get(report.referred_to, ""),
        report.commune,
        report.postcode,
        report.insee_code,
        labels["gender"][report.gender],
        labels["age_band"][report.age_band],
        labels["social_status"][report.social_status],
        f"comptoir-{report.id}",
        cafe.department,
        _yes_no(report.first_visit),
        _yes_no(report.walk_in),
    ]


def reports_csv(scope: Scope, period: Period) -> str:
    """The whole CSV as text, BOM first."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for report, cafe, themes, equipment in report_rows(scope, period):
        writer.writerow(csv_line(report, cafe, themes, equipment))
    return buffer.getvalue()
