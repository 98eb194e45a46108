"""What's on, for the café's staff: /c/<slug>/events/manage/ (publish, edit, cancel,
dates of a series, who is coming), and a network admin's publishing in several cafés."""

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ...access import cafe_role, current_actor, network_admin, requires
from ...confirm import is_confirmed
from ...extensions import db
from ...formatting import span_in_words
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Cafe, Event, Role, Rsvp, RsvpStatus
from ...tenancy import get_cafe_owned_or_404
from . import bp, services
from .forms import CancelForm, EventForm, NetworkEventForm, OccurrenceForm
from .recurrence import occurrence_key, parse_occurrence_key
from .routes import occurrence_or_404


@bp.get("/events/manage/")
@requires(cafe_role(Role.STAFF))
def manage():
    past = request.args.get("when") == "past"
    return render(
        "events/manage.html",
        events=services.staff_events(g.cafe, past=past),
        past=past,
        action_form=ActionForm(),
    )


def _event_form_page(form, event=None, title=None):
    return render("events/form.html", form=form, event=event, title=title)


@bp.route("/events/manage/new", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def new():
    form = EventForm(zone=g.cafe.zone, is_new=True)
    if form.validate_on_submit():
        copied = request.form.get("copied_from", type=int)
        source = (
            db.session.scalar(select(Event).where(Event.cafe_id == g.cafe.id, Event.id == copied))
            if copied
            else None
        )
        event = services.create_event(
            g.cafe, form.fields(), copied_from=source, form_key=form.form_key.data, actor=current_actor()
        )
        flash(_("The event is published."), "success")
        return redirect_to(url_for(".detail", event_id=event.id))
    form.issue_key()
    return _event_form_page(form, title=_("New event"))


@bp.get("/events/manage/<int:event_id>/duplicate")
@requires(cafe_role(Role.STAFF))
def duplicate(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    data = EventForm.data_from(event, g.cafe.zone)
    data["day"] = None  # a copy needs its own date
    form = EventForm(formdata=None, data=data, zone=g.cafe.zone)
    form.issue_key()
    return render(
        "events/form.html",
        form=form,
        event=None,
        copied_from=event,
        title=_("Copy of “%(title)s”", title=event.title),
    )


@bp.route("/events/manage/<int:event_id>/edit", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def edit(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    if request.method == "POST":
        form = EventForm(zone=g.cafe.zone, is_new=False)
    else:
        form = EventForm(
            formdata=None, data=EventForm.data_from(event, g.cafe.zone), zone=g.cafe.zone, is_new=False
        )
    if form.validate_on_submit():
        try:
            services.update_event(g.cafe, event, form.fields(), actor=current_actor())
        except services.CapacityTooSmall as error:
            form.capacity.errors.append(
                _(
                    "%(taken)d people already said they are coming: the capacity cannot be lower.",
                    taken=error.taken,
                )
            )
        else:
            flash(_("The event is saved."), "success")
            return redirect_to(url_for(".detail", event_id=event.id))
    return _event_form_page(form, event, title=_("Edit “%(title)s”", title=event.title))


@bp.route("/events/manage/<int:event_id>/cancel", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def cancel(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    form = CancelForm()
    if form.validate_on_submit():
        services.cancel_event(g.cafe, event, form.reason.data, actor=current_actor())
        flash(_("The event is cancelled; the reason is shown on its page."), "success")
        return redirect_to(url_for(".detail", event_id=event.id))
    return render("events/cancel.html", form=form, event=event)


@bp.post("/events/manage/<int:event_id>/reinstate")
@requires(cafe_role(Role.STAFF))
def reinstate(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    if ActionForm().validate_on_submit():
        services.reinstate_event(g.cafe, event, actor=current_actor())
        flash(_("The event is back on."), "success")
    return redirect_to(url_for(".detail", event_id=event.id))


@bp.route("/events/manage/<int:event_id>/delete", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def delete(event_id: int):
    """Deleting asks first, with or without JavaScript, saying who is affected."""
    event = get_cafe_owned_or_404(Event, event_id)
    if request.method == "POST" and is_confirmed() and ActionForm().validate_on_submit():
        services.delete_event(g.cafe, event, actor=current_actor())
        flash(_("The event is deleted."), "success")
        return redirect_to(url_for(".manage"))
    people = services.people_answered(g.cafe, event)
    consequence = (
        ngettext(
            "%(num)d person said they are coming: their answer is deleted too and they are not told. "
            "To let them know, cancel the event instead.",
            "%(num)d people said they are coming: their answers are deleted too and they are not told. "
            "To let them know, cancel the event instead.",
            people,
        )
        if people
        else _("Nobody has answered yet. The event disappears from the programme and the calendars.")
    )
    return render(
        "confirm.html",
        question=_("Delete “%(title)s” for good?", title=event.title),
        consequence=consequence,
        action=url_for(".delete", event_id=event.id),
        button=_("Delete for good"),
        back=url_for(".manage"),
    )


@bp.route("/events/manage/<int:event_id>/dates", methods=["GET", "POST"])
@requires(cafe_role(Role.STAFF))
def occurrences(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    if not event.is_recurring:
        abort(404)
    coming = services.next_occurrences(g.cafe, event, limit=60)
    form = OccurrenceForm()
    form.at_cafe = event.at_cafe
    form.occurrence.choices = [(o.key, span_in_words(g.cafe, o.starts_at, o.ends_at)) for o in coming]
    if request.method == "GET" and request.args.get("on"):
        form.occurrence.data = request.args["on"]
    if form.validate_on_submit():
        original = parse_occurrence_key(form.occurrence.data)
        if form.action.data == "cancel":
            services.cancel_occurrence(g.cafe, event, original, form.reason.data, actor=current_actor())
            flash(_("This date is cancelled; the others are unchanged."), "success")
        elif form.action.data == "move":
            services.move_occurrence(
                g.cafe,
                event,
                original,
                *form.new_times(g.cafe.zone),
                form.reason.data or "",
                actor=current_actor(),
            )
            flash(_("This date is moved; the others are unchanged."), "success")
        else:
            services.restore_occurrence(g.cafe, event, original, actor=current_actor())
            flash(_("This date is back as usual."), "success")
        return redirect_to(url_for(".occurrences", event_id=event.id))
    return render("events/occurrences.html", form=form, event=event, coming=coming)


@bp.get("/events/manage/<int:event_id>/attendees")
@requires(cafe_role(Role.STAFF))
def attendees(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    occurrence = occurrence_or_404(event, request.args.get("on"))
    people = services.attendees(g.cafe, event, occurrence.original_start)
    going = [p for p in people if p.status == RsvpStatus.GOING]
    return render(
        "events/attendees.html",
        private=True,
        event=event,
        occurrence=occurrence,
        going=going,
        waiting=[p for p in people if p.status == RsvpStatus.WAITLIST],
        total=sum(p.party_size for p in going),
        next_dates=services.next_occurrences(g.cafe, event) if event.is_recurring else [],
        action_form=ActionForm(),
    )


@bp.post("/events/manage/rsvp/<int:rsvp_id>/cancel")
@requires(cafe_role(Role.STAFF))
def staff_cancel_rsvp(rsvp_id: int):
    answer = get_cafe_owned_or_404(Rsvp, rsvp_id)
    if ActionForm().validate_on_submit():
        services.staff_cancel_rsvp(g.cafe, answer, actor=current_actor())
        flash(_("%(name)s is taken off the list.", name=answer.name), "success")
    return redirect_to(
        url_for(".attendees", event_id=answer.event_id, on=occurrence_key(answer.occurrence_start))
    )


@bp.route("/events/manage/network", methods=["GET", "POST"])
@requires(network_admin)
def network_copy():
    cafes = list(db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None)).order_by(Cafe.name)))
    form = NetworkEventForm(zone=g.cafe.zone, is_new=True)
    form.cafes.choices = [(c.id, f"{c.name} ({c.village})") for c in cafes]
    if request.method == "GET":
        form.cafes.data = [g.cafe.id]
    if form.validate_on_submit():
        chosen = [c for c in cafes if c.id in set(form.cafes.data)]
        copies = services.copy_to_cafes(
            chosen, form.fields(), form.local_start(), form.local_end(), actor=current_actor()
        )
        flash(_("The event is published in %(count)d cafés.", count=len(copies)), "success")
        return redirect_to(url_for(".manage"))
    return render(
        "events/form.html", form=form, event=None, network=True, title=_("Publish an event in several cafés")
    )
