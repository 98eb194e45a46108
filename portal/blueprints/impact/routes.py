"""A café's impact: recording the help given, its dashboard, summary and CSV export."""

from datetime import datetime

from flask import Response, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import Check, cafe_role, counter_mode, requires
from ...audit import current_actor
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Role
from ...models.impact import ADMIN_THEMES, DIGITAL_THEMES, THEMES, WORKSHOP_LEVELS
from ...navigation import safe_next_url
from ...paging import page_arg
from . import bp, exports, figures, services
from .forms import AttendanceForm, PromptForm, ReportForm, WalkInForm, WorkshopForm
from .periods import KINDS as PERIOD_KINDS
from .periods import Period, parse_period

helper = cafe_role(Role.HELPER)
staff = cafe_role(Role.STAFF)
manager = cafe_role(Role.MANAGER)
# The café's team, or its counter tablet (nobody logged in there); others are asked to log in.
helper_or_counter = Check("helper_or_counter", lambda: counter_mode() or helper())


def _report_or_404(report_id: int):
    report = services.get_report(g.cafe, report_id)
    if report is None:
        abort(404)
    return report


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


# --- reports -----------------------------------------------------------------------------------


@bp.get("/impact/reports/")
@requires(helper)
def reports():
    return render(
        "impact/reports.html",
        reports=services.recent_reports(g.cafe, page_arg()),
        to_fill=services.reports_to_fill(g.cafe),
        prompt_form=PromptForm(formdata=None),
        can_correct=lambda report: services.can_correct(g.cafe, report),
    )


def _report_page(form, report=None, booking=None, status=200):
    return render(
        "impact/report_form.html",
        form=form,
        report=report,
        booking=booking,
        status=status,
        correct_until=services.correct_until(report) if report else None,
    )


@bp.route("/impact/reports/new", methods=["GET", "POST"])
@requires(helper)
def new_report():
    booking = None
    booking_id = request.values.get("booking", type=int)
    if booking_id:
        booking = services.get_booking(g.cafe, booking_id)
        if booking is None:
            abort(404)
        existing = services.report_for_booking(g.cafe, booking)
        if existing is not None:
            flash(_("This appointment already has its report: here it is."), "info")
            return redirect_to(url_for(".edit_report", report_id=existing.id))
    form = ReportForm(today=g.cafe.today())
    if request.method == "GET":
        form.day.data = g.cafe.local_day(booking.starts_at) if booking else g.cafe.today()
        if booking is not None:
            minutes = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
            form.duration.data = str(minutes)
            if str(minutes) not in dict(form.duration.choices):
                form.duration.data = "autre"
                form.other_duration.data = minutes
    if form.validate_on_submit():
        data = services.ReportData.from_form(form)
        services.record_report(g.cafe, data, current_actor(), booking=booking)
        flash(_("The report is saved. Thank you!"), "success")
        return redirect_to(safe_next_url(request.args.get("next"), url_for(".reports")))
    return _report_page(form, booking=booking, status=422 if request.method == "POST" else 200)


def _form_from_report(report) -> ReportForm:
    form = ReportForm(today=g.cafe.today(), formdata=None)
    form.kind.data = report.kind
    form.day.data = report.day
    if report.duration_minutes in (15, 30, 45, 60, 90, 120):
        form.duration.data = str(report.duration_minutes)
    else:
        form.duration.data = "autre"
        form.other_duration.data = report.duration_minutes
    form.participants.data = report.participants
    form.workshop_level.data = report.workshop_level
    form.equipment.data = report.equipment
    form.digital_themes.data = [t for t in report.themes if t in DIGITAL_THEMES]
    form.admin_themes.data = [t for t in report.themes if t in ADMIN_THEMES]
    form.autonomy.data = report.autonomy
    form.referred.data = "oui" if report.referred else "non"
    form.referred_to.data = report.referred_to
    form.age_band.data = report.age_band
    form.gender.data = report.gender
    form.social_status.data = report.social_status
    form.postcode.data = report.postcode
    form.commune.data = report.commune
    form.insee_code.data = report.insee_code
    form.first_visit.data = {True: "oui", False: "non"}.get(report.first_visit, "")
    form.note.data = report.note
    return form


@bp.route("/impact/reports/<int:report_id>", methods=["GET", "POST"])
@requires(helper)
def edit_report(report_id: int):
    report = _report_or_404(report_id)
    if not services.can_correct(g.cafe, report):
        if request.method == "POST":
            abort(403)
        return render("impact/report_view.html", report=report)
    if request.method == "GET":
        return _report_page(_form_from_report(report), report=report)
    form = ReportForm(today=g.cafe.today())
    if form.validate_on_submit():
        changes = services.correct_report(
            g.cafe, report, services.ReportData.from_form(form), current_actor()
        )
        flash(_("The report is corrected.") if changes else _("Nothing changed."), "success")
        return redirect_to(url_for(".reports"))
    return _report_page(form, report=report, status=422)


@bp.post("/impact/reports/<int:report_id>/delete")
@requires(helper)
def delete_report(report_id: int):
    report = _report_or_404(report_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_report(g.cafe, report, current_actor())
    except services.CorrectionWindowClosed:
        abort(403)
    flash(_("The report is deleted."), "success")
    return redirect_to(url_for(".reports"))


@bp.post("/impact/bookings/<int:booking_id>/prompt")
@requires(helper)
def answer_prompt(booking_id: int):
    booking = services.get_booking(g.cafe, booking_id)
    if booking is None:
        abort(404)
    form = PromptForm()
    if form.validate_on_submit() and form.answer.data:
        services.answer_prompt(g.cafe, booking, form.answer.data, current_actor())
        if form.answer.data == "declined":
            flash(_("No report for this appointment: we won’t ask again."), "success")
        else:
            flash(_("All right: it stays in the list of reports to fill in."), "info")
    return redirect_to(safe_next_url(request.form.get("next"), url_for(".reports")))


# --- walk-ins ----------------------------------------------------------------------------------


@bp.route("/impact/walk-in", methods=["GET", "POST"])
@requires(helper_or_counter)
def walk_in():
    back = safe_next_url(
        request.values.get("next"), url_for(".reports") if current_user.is_authenticated else ""
    )
    form = WalkInForm()
    if request.method == "POST":
        if form.validate_on_submit() and form.theme.data in THEMES:
            services.record_walk_in(g.cafe, form.theme.data, current_actor())
            message = _("Walk-in recorded: %(theme)s, 30 min.", theme=str(THEMES[form.theme.data]))
            flash(message, "success")
            return redirect_to(back or url_for(".walk_in"))
        flash(_("Choose one of the themes below."), "error")
    return render(
        "impact/walk_in.html",
        themes=[(value, THEMES[value]) for value in services.WALK_IN_THEMES],
        back=back,
        form=form,
        status=422 if request.method == "POST" else 200,
    )


# --- workshops ---------------------------------------------------------------------------------


@bp.get("/impact/workshops/")
@requires(helper)
def workshops():
    return render("impact/workshops.html", workshops=services.workshops(g.cafe), levels=WORKSHOP_LEVELS)


def _event_or_404(event_id: int):
    event = services.get_event(g.cafe, event_id)
    if event is None:
        abort(404)
    return event


def _workshop_page(event, form=None, attendance_form=None, attendance_key=None, status=200):
    workshop = services.workshop_of(g.cafe, event)
    if form is None:
        form = WorkshopForm(formdata=None)
        if workshop is not None:
            form.level.data = workshop.level
            form.digital_themes.data = [t for t in workshop.theme_list if t in DIGITAL_THEMES]
            form.admin_themes.data = [t for t in workshop.theme_list if t in ADMIN_THEMES]
    return render(
        "impact/workshop.html",
        event=event,
        workshop=workshop,
        form=form,
        sessions=services.past_sessions(g.cafe, event) if workshop else [],
        attendance_form=attendance_form,
        attendance_key=attendance_key,
        can_mark=staff(),
        status=status,
    )


@bp.route("/impact/workshops/<int:event_id>", methods=["GET", "POST"])
@requires(helper)
def workshop(event_id: int):
    event = _event_or_404(event_id)
    if request.method == "GET":
        return _workshop_page(event)
    if not staff():
        abort(403)
    form = WorkshopForm()
    if form.validate_on_submit():
        themes = list(form.digital_themes.data or []) + list(form.admin_themes.data or [])
        services.mark_workshop(g.cafe, event, form.level.data, themes, current_actor())
        flash(
            _("“%(title)s” is a digital workshop: record who came after each session.", title=event.title),
            "success",
        )
        return redirect_to(url_for(".workshop", event_id=event.id))
    return _workshop_page(event, form=form, status=422)


@bp.post("/impact/workshops/<int:event_id>/unmark")
@requires(staff)
def unmark_workshop(event_id: int):
    event = _event_or_404(event_id)
    if ActionForm().validate_on_submit():
        services.unmark_workshop(g.cafe, event, current_actor())
        flash(_("“%(title)s” is no longer counted as a digital workshop.", title=event.title), "success")
    return redirect_to(url_for(".workshops"))


@bp.post("/impact/workshops/<int:event_id>/sessions/<key>")
@requires(helper)
def record_attendance(event_id: int, key: str):
    from ..events.recurrence import parse_occurrence_key

    event = _event_or_404(event_id)
    if services.workshop_of(g.cafe, event) is None:
        abort(404)
    original_start = parse_occurrence_key(key)
    sessions = {s["original_start"]: s for s in services.past_sessions(g.cafe, event)}
    if original_start is None or original_start not in sessions:
        abort(404)
    form = AttendanceForm()
    if form.validate_on_submit():
        services.record_attendance(
            g.cafe, event, original_start, form.participants.data, form.duration.data, current_actor()
        )
        flash(_("Attendance recorded: %(num)d participant(s).", num=form.participants.data), "success")
        return redirect_to(url_for(".workshop", event_id=event.id))
    return _workshop_page(event, attendance_form=form, attendance_key=key, status=422)


def occurrence_duration(occurrence) -> int:
    return int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)


@bp.app_template_global()
def impact_minutes(occurrence) -> int:
    return occurrence_duration(occurrence)


@bp.app_template_global()
def impact_month_label(year: int, month: int) -> str:
    from flask_babel import format_date

    return format_date(datetime(year, month, 1), "MMM")


@bp.app_template_filter("impact_number")
def impact_number(value) -> str:
    """1 234 or 1 234,5 in French, 1,234.5 in English."""
    from flask_babel import format_decimal

    return format_decimal(value or 0)


@bp.app_template_filter("impact_label")
def impact_label(value: str, dimension: str) -> str:
    """The label of a report's category value, in the reader's language."""
    from ...models import impact

    labels = {
        "kind": impact.KINDS,
        "theme": impact.THEMES,
        "equipment": impact.EQUIPMENT,
        "autonomy": impact.AUTONOMY,
        "referral": impact.REFERRALS,
        "age_band": impact.AGE_BANDS,
        "level": impact.WORKSHOP_LEVELS,
    }[dimension]
    return str(labels.get(value, "")) if value else ""


@bp.app_template_global()
def impact_reports_needed(bookings) -> set[int]:
    """For the staff day view: ids of attended bookings to offer "fill in the report" for."""
    return services.bookings_needing_report(g.cafe, list(bookings))
