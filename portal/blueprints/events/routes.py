"""What's on: public pages, RSVP, feeds and the printed programme; staff pages under /events/manage/."""

from datetime import timedelta
from itertools import groupby

import segno
from flask import abort, current_app, flash, g, make_response, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ...confirm import is_confirmed
from ...edge import xml_safe
from ...extensions import db, limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import WEEKDAYS, Cafe, Event, EventCategory, Role, Rsvp, RsvpStatus, utcnow
from ...tenancy import cafe_role_required, get_cafe_owned_or_404, has_role, is_network_admin
from ..cafes.services import weekly_table
from . import bp, feeds, services
from .forms import (
    CancelForm,
    EventForm,
    FindRsvpForm,
    NetworkEventForm,
    OccurrenceForm,
    RsvpForm,
)
from .recurrence import occurrence_key, parse_occurrence_key


@bp.app_template_filter("event_when")
def when_label(occurrence) -> str:
    """'vendredi 27 novembre, 20 h – 23 h' in the café's zone (Flask-Babel converts)."""
    from ...templating import format_time_short
    from ...typography import first_of_month, time_range

    zone = g.cafe.zone
    start, end = occurrence.starts_at.astimezone(zone), occurrence.ends_at.astimezone(zone)
    day = first_of_month(format_date(start, "EEEE d MMMM"))
    if end.date() != start.date() and end - start > timedelta(hours=12):
        last_day = first_of_month(format_date(end, "EEEE d MMMM"))
        return f"{day}, {format_time_short(start)} – {last_day}, {format_time_short(end)}"
    return f"{day}, {time_range(start, end)}"


@bp.app_template_filter("month_year")
def month_year(day) -> str:
    return format_date(day, "MMMM y")


def _local_day(occurrence):
    return occurrence.starts_at.astimezone(g.cafe.zone).date()


def _by_day(occurrences):
    return [(day, list(items)) for day, items in groupby(occurrences, key=_local_day)]


def _filters():
    category = request.args.get("category", "")
    if category not in {c.value for c in EventCategory}:
        category = ""
    return category, request.args.get("all_ages") == "1", request.args.get("when") == "past"


@bp.app_context_processor
def feed_links():
    """The café's feeds, announced in <head> on every café page."""
    cafe = g.get("cafe")
    if cafe is None:
        return {}
    return {
        "cafe_feeds": [
            ("text/calendar", _("Events (iCalendar)"), url_for("cafe.events.feed_ics", cafe_slug=cafe.slug)),
            (
                "application/atom+xml",
                _("Events (Atom)"),
                url_for("cafe.events.feed_atom", cafe_slug=cafe.slug),
            ),
        ]
    }


# Residents -------------------------------------------------------------------------------


@bp.get("/events/")
def index():
    category, all_ages, past = _filters()
    page = request.args.get("page", 1, type=int)
    result = services.list_page(
        g.cafe,
        page=page,
        per_page=current_app.config["EVENTS_PAGE_SIZE"],
        category=category or None,
        all_ages=all_ages,
        past=past,
    )
    block = "event_rows" if request.headers.get("HX-Target") == "more-events" else "event_results"
    return render(
        "events/index.html",
        block=block,
        result=result,
        days=_by_day(result.occurrences),
        category=category,
        all_ages=all_ages,
        past=past,
        categories=list(EventCategory),
        seats_left=services.seats_left,
    )


def _occurrence_or_404(event: Event, key: str | None):
    original = parse_occurrence_key(key) if key else None
    if key and original is None:
        abort(404)
    occurrence = services.occurrence_of(g.cafe, event, original)
    if occurrence is None:
        abort(404)
    return occurrence


def _detail_page(
    event: Event, occurrence, form: RsvpForm | None = None, status: int = 200, full: int | None = None
):
    if form is None:
        data = {"occurrence": occurrence.key, "party_size": 1}
        # Staff answering at the counter do it for someone else: no prefill for them.
        if current_user.is_authenticated and not has_role(Role.HELPER):
            data.update(name=current_user.display_name, email=current_user.email)
        form = RsvpForm(formdata=None, data=data)
    # A name or an email in the form (prefilled, or typed and sent back): keep the page
    # out of caches and of htmx's history.
    personal = bool(form.name.data or form.email.data or form.phone.data)
    response = render(
        "events/detail.html",
        block="rsvp_panel",
        status=status,
        event=event,
        occurrence=occurrence,
        next_dates=services.next_occurrences(g.cafe, event) if event.is_recurring else [],
        seats_left=services.seats_left_for(event, occurrence.original_start),
        form=form,
        full=full,
        can_answer=event.rsvp_enabled and not occurrence.is_cancelled and occurrence.starts_at > utcnow(),
        personal=personal,
    )
    if personal:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    return _detail_page(event, _occurrence_or_404(event, request.args.get("on")))


@bp.post("/events/<int:event_id>/rsvp")
# Against spam, per IP; generous, since a café tablet may answer for many people.
@limiter.limit(lambda: current_app.config["RSVP_RATE_LIMIT"])
def rsvp(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    form = RsvpForm()
    occurrence = _occurrence_or_404(event, form.occurrence.data or None)
    if not form.validate_on_submit():
        return _detail_page(event, occurrence, form, status=422)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        answer = services.answer(
            g.cafe,
            occurrence,
            form.name.data,
            form.email.data or "",
            form.phone.data or "",
            form.party_size.data,
            waitlist=form.waitlist.data == "1",
            user=user,
        )
    except services.EventFull as full:
        form.waitlist.data = "1"
        return _detail_page(event, occurrence, form, status=409, full=full.seats_left)
    except services.RsvpClosed:
        flash(_("This date can no longer be answered."), "error")
        return redirect_to(url_for(".detail", event_id=event.id, on=occurrence.key))
    if answer.status == RsvpStatus.WAITLIST:
        flash(_("You are on the waiting list. We will tell you if seats become free."), "success")
    else:
        flash(_("Thank you, the café counts on you."), "success")
    return redirect_to(url_for(".my_rsvp", code=answer.code))


@bp.get("/events/rsvp")
def find_rsvp():
    form = FindRsvpForm(request.args)
    if request.args and form.validate():
        found = services.find_rsvp(g.cafe, form.code.data)
        if found is not None:
            return redirect_to(url_for(".my_rsvp", code=found.code))
        form.code.errors.append(_("No answer with this code at this café. Check the letters and digits."))
    status = 422 if form.errors else 200
    return render_template("events/find_rsvp.html", form=form), status


def _rsvp_or_404(code: str) -> Rsvp:
    found = services.find_rsvp(g.cafe, code)
    if found is None:
        abort(404)
    return found


@bp.get("/events/rsvp/<code>")
def my_rsvp(code: str):
    answer = _rsvp_or_404(code)
    occurrence = services.occurrence_of(g.cafe, answer.event, answer.occurrence_start)
    response = make_response(
        render_template("events/my_rsvp.html", rsvp=answer, occurrence=occurrence, form=ActionForm())
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/rsvp/<code>/cancel")
def cancel_rsvp(code: str):
    answer = _rsvp_or_404(code)
    if ActionForm().validate_on_submit():
        services.cancel_rsvp(g.cafe, answer)
        flash(_("Your answer is cancelled. Thank you for letting the café know."), "success")
    return redirect_to(url_for(".my_rsvp", code=answer.code))


# Feeds and the printed programme -----------------------------------------------------------


def _ics_response(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    return _ics_response(feeds.calendar(g.cafe, [event], event.title), f"event-{event.id}.ics")


@bp.get("/events.ics")
def feed_ics():
    return _ics_response(
        feeds.calendar(g.cafe, services.feed_events(g.cafe), g.cafe.name), f"{g.cafe.slug}.ics"
    )


@bp.get("/events.atom")
def feed_atom():
    occurrences = services.occurrences_between(
        g.cafe, utcnow() - timedelta(hours=12), utcnow() + timedelta(days=62)
    )
    seen, entries = set(), []
    for occurrence in occurrences:  # one entry per event, at its next date
        if occurrence.event.id not in seen:
            seen.add(occurrence.event.id)
            entries.append(occurrence)
    updated = max((o.event.updated_at for o in entries), default=g.cafe.updated_at)
    response = make_response(
        xml_safe(
            render_template(
                "events/feed.atom.xml",
                entries=entries[:50],
                updated=updated,
                feed_title=_("What’s on at %(cafe)s", cafe=g.cafe.name),
            )
        )
    )
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@bp.get("/events/programme")
def programme():
    period = "month" if request.args.get("period") == "month" else "week"
    offset = min(max(request.args.get("offset", 0, type=int), 0), 12)
    first, last, occurrences = services.programme(g.cafe, period, offset)
    cafe_url = url_for("cafe.cafes.home", _external=True)
    qr = segno.make(cafe_url, error="m").svg_inline(scale=4, title=_("QR code: %(url)s", url=cafe_url))
    return render_template(
        "events/programme.html",
        period=period,
        offset=offset,
        first=first,
        last=last,
        days=_by_day(occurrences),
        months=[services.programme_window(g.cafe, "month", n)[0] for n in (0, 1)],
        hours=weekly_table(g.cafe),
        weekdays=WEEKDAYS,
        qr=Markup(qr),
        cafe_url=cafe_url,
    )


# Staff --------------------------------------------------------------------------------


@bp.get("/events/manage/")
@cafe_role_required(Role.STAFF)
def manage():
    past = request.args.get("when") == "past"
    return render_template(
        "events/manage.html",
        events=services.staff_events(g.cafe, past=past),
        past=past,
        action_form=ActionForm(),
    )


def _event_form_page(form, event=None, status=200, title=None):
    return render_template("events/form.html", form=form, event=event, title=title), status


@bp.route("/events/manage/new", methods=["GET", "POST"])
@cafe_role_required(Role.STAFF)
def new():
    form = EventForm(zone=g.cafe.zone, is_new=True)
    if form.validate_on_submit():
        copied = request.form.get("copied_from", type=int)
        source = (
            db.session.scalar(select(Event).where(Event.cafe_id == g.cafe.id, Event.id == copied))
            if copied
            else None
        )
        event = services.create_event(g.cafe, form.fields(), copied_from=source)
        flash(_("The event is published."), "success")
        return redirect_to(url_for(".detail", event_id=event.id))
    return _event_form_page(form, status=422 if request.method == "POST" else 200, title=_("New event"))


@bp.get("/events/manage/<int:event_id>/duplicate")
@cafe_role_required(Role.STAFF)
def duplicate(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    data = EventForm.data_from(event, g.cafe.zone)
    data["day"] = None  # a copy needs its own date
    form = EventForm(formdata=None, data=data, zone=g.cafe.zone)
    return render_template(
        "events/form.html",
        form=form,
        event=None,
        copied_from=event,
        title=_("Copy of “%(title)s”", title=event.title),
    )


@bp.route("/events/manage/<int:event_id>/edit", methods=["GET", "POST"])
@cafe_role_required(Role.STAFF)
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
            services.update_event(g.cafe, event, form.fields())
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
    return _event_form_page(
        form,
        event,
        status=422 if request.method == "POST" else 200,
        title=_("Edit “%(title)s”", title=event.title),
    )


@bp.route("/events/manage/<int:event_id>/cancel", methods=["GET", "POST"])
@cafe_role_required(Role.STAFF)
def cancel(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    form = CancelForm()
    if form.validate_on_submit():
        services.cancel_event(g.cafe, event, form.reason.data)
        flash(_("The event is cancelled; the reason is shown on its page."), "success")
        return redirect_to(url_for(".detail", event_id=event.id))
    return render_template(
        "events/cancel.html", form=form, event=event
    ), 422 if request.method == "POST" else 200


@bp.post("/events/manage/<int:event_id>/reinstate")
@cafe_role_required(Role.STAFF)
def reinstate(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    if ActionForm().validate_on_submit():
        services.reinstate_event(g.cafe, event)
        flash(_("The event is back on."), "success")
    return redirect_to(url_for(".detail", event_id=event.id))


@bp.route("/events/manage/<int:event_id>/delete", methods=["GET", "POST"])
@cafe_role_required(Role.STAFF)
def delete(event_id: int):
    """Deleting asks first, with or without JavaScript, saying who is affected."""
    event = get_cafe_owned_or_404(Event, event_id)
    if request.method == "POST" and is_confirmed() and ActionForm().validate_on_submit():
        services.delete_event(g.cafe, event)
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
@cafe_role_required(Role.STAFF)
def occurrences(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    if not event.is_recurring:
        abort(404)
    coming = services.next_occurrences(g.cafe, event, limit=60)
    form = OccurrenceForm()
    form.at_cafe = event.at_cafe
    form.occurrence.choices = [(o.key, when_label(o)) for o in coming]
    if request.method == "GET" and request.args.get("on"):
        form.occurrence.data = request.args["on"]
    if form.validate_on_submit():
        original = parse_occurrence_key(form.occurrence.data)
        if form.action.data == "cancel":
            services.cancel_occurrence(g.cafe, event, original, form.reason.data)
            flash(_("This date is cancelled; the others are unchanged."), "success")
        elif form.action.data == "move":
            services.move_occurrence(
                g.cafe, event, original, *form.new_times(g.cafe.zone), form.reason.data or ""
            )
            flash(_("This date is moved; the others are unchanged."), "success")
        else:
            services.restore_occurrence(g.cafe, event, original)
            flash(_("This date is back as usual."), "success")
        return redirect_to(url_for(".occurrences", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("events/occurrences.html", form=form, event=event, coming=coming), status


@bp.get("/events/manage/<int:event_id>/attendees")
@cafe_role_required(Role.STAFF)
def attendees(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    occurrence = _occurrence_or_404(event, request.args.get("on"))
    people = services.attendees(g.cafe, event, occurrence.original_start)
    going = [p for p in people if p.status == RsvpStatus.GOING]
    response = make_response(
        render_template(
            "events/attendees.html",
            event=event,
            occurrence=occurrence,
            going=going,
            waiting=[p for p in people if p.status == RsvpStatus.WAITLIST],
            total=sum(p.party_size for p in going),
            next_dates=services.next_occurrences(g.cafe, event) if event.is_recurring else [],
            action_form=ActionForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/manage/rsvp/<int:rsvp_id>/cancel")
@cafe_role_required(Role.STAFF)
def staff_cancel_rsvp(rsvp_id: int):
    answer = get_cafe_owned_or_404(Rsvp, rsvp_id)
    if ActionForm().validate_on_submit():
        services.staff_cancel_rsvp(g.cafe, answer)
        flash(_("%(name)s is taken off the list.", name=answer.name), "success")
    return redirect_to(
        url_for(".attendees", event_id=answer.event_id, on=occurrence_key(answer.occurrence_start))
    )


@bp.route("/events/manage/network", methods=["GET", "POST"])
@cafe_role_required(Role.MANAGER)
def network_copy():
    if not is_network_admin():
        abort(403)
    cafes = list(db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None)).order_by(Cafe.name)))
    form = NetworkEventForm(zone=g.cafe.zone, is_new=True)
    form.cafes.choices = [(c.id, f"{c.name} ({c.village})") for c in cafes]
    if request.method == "GET":
        form.cafes.data = [g.cafe.id]
    if form.validate_on_submit():
        chosen = [c for c in cafes if c.id in set(form.cafes.data)]
        copies = services.copy_to_cafes(chosen, form.fields(), form.local_start(), form.local_end())
        flash(_("The event is published in %(count)d cafés.", count=len(copies)), "success")
        return redirect_to(url_for(".manage"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "events/form.html", form=form, event=None, network=True, title=_("Publish an event in several cafés")
    ), status
