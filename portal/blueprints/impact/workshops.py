"""Digital workshops: an event marked as one, and the attendance of each session."""

from flask import abort, flash, g, url_for
from flask_babel import gettext as _

from ...access import allowed, current_actor, requires
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models.impact import ADMIN_THEMES, DIGITAL_THEMES, WORKSHOP_LEVELS
from . import bp, services
from .checks import helper, staff
from .forms import AttendanceForm, WorkshopForm

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
        can_mark=allowed(staff),
        status=status,
    )


@bp.get("/impact/workshops/<int:event_id>")
@requires(helper)
def workshop(event_id: int):
    return _workshop_page(_event_or_404(event_id))


@bp.post("/impact/workshops/<int:event_id>")
@requires(staff)
def mark_workshop(event_id: int):
    event = _event_or_404(event_id)
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
