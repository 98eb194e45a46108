"""Recording the help given: reports, corrections, walk-ins, the prompt after a booking."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import current_actor, requires
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models.impact import ADMIN_THEMES, DIGITAL_THEMES, THEMES
from ...navigation import safe_next_url
from ...paging import page_arg
from . import bp, services
from .checks import helper, helper_or_counter
from .forms import PromptForm, ReportForm, WalkInForm


def _report_or_404(report_id: int):
    report = services.get_report(g.cafe, report_id)
    if report is None:
        abort(404)
    return report


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


def _settled(report):
    """A report past its correction window: shown, never changed (a change is a conflict)."""
    return render("impact/report_view.html", report=report, status=409 if request.method == "POST" else 200)


@bp.route("/impact/reports/<int:report_id>", methods=["GET", "POST"])
@requires(helper)
def edit_report(report_id: int):
    report = _report_or_404(report_id)
    if not services.can_correct(g.cafe, report):
        return _settled(report)
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
        return _settled(report)
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
