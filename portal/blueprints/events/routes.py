"""What's on, for residents: the list, an event's page, answering (RSVP) and one's answer.

Feeds and the printed programme are publishing.py; staff pages (/events/manage/) are staff.py.
"""

import secrets
from itertools import groupby

from flask import abort, current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import allowed, cafe_role
from ...extensions import limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import Event, EventCategory, Role, Rsvp, RsvpStatus, utcnow
from ...tenancy import get_cafe_owned_or_404
from . import bp, services
from .forms import FindRsvpForm, RsvpForm
from .recurrence import parse_occurrence_key


def _local_day(occurrence):
    return g.cafe.local_day(occurrence.starts_at)


def by_day(occurrences):
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
        days=by_day(result.occurrences),
        category=category,
        all_ages=all_ages,
        past=past,
        categories=list(EventCategory),
        seats_left=services.seats_left,
    )


def occurrence_or_404(event: Event, key: str | None):
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
        data = {"occurrence": occurrence.key, "party_size": 1, "form_key": secrets.token_urlsafe(24)}
        # Staff answering at the counter do it for someone else: no prefill for them.
        if current_user.is_authenticated and not allowed(cafe_role(Role.HELPER)):
            data.update(name=current_user.display_name, email=current_user.email)
        form = RsvpForm(formdata=None, data=data)
    # A name or an email in the form (prefilled, or typed and sent back): keep the page
    # out of caches and of htmx's history.
    personal = bool(form.name.data or form.email.data or form.phone.data)
    return render(
        "events/detail.html",
        block="rsvp_panel",
        status=status,
        private=personal,
        event=event,
        occurrence=occurrence,
        next_dates=services.next_occurrences(g.cafe, event) if event.is_recurring else [],
        seats_left=services.seats_left_for(event, occurrence.original_start),
        form=form,
        full=full,
        can_answer=event.rsvp_enabled and not occurrence.is_cancelled and occurrence.starts_at > utcnow(),
    )


# The codes of the answers made in this browser, newest first.
RSVP_CODES_KEY = "rsvp_codes"


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    return _detail_page(event, occurrence_or_404(event, request.args.get("on")))


@bp.post("/events/<int:event_id>/rsvp")
# Against spam, per IP; generous, since a café tablet may answer for many people.
@limiter.limit(lambda: current_app.config["RSVP_RATE_LIMIT"])
def rsvp(event_id: int):
    event = get_cafe_owned_or_404(Event, event_id)
    form = RsvpForm()
    occurrence = occurrence_or_404(event, form.occurrence.data or None)
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
            form_key=form.form_key.data or "",
            known_codes=session.get(RSVP_CODES_KEY, []),
        )
    except services.AlreadyAnswered as already:
        if already.same_browser:
            flash(_("You had already answered for this date: here is your answer."), "success")
            return redirect_to(url_for(".my_rsvp", code=already.rsvp.code))
        # Someone else's browser typed the same contact: say so, never show their code.
        form.email.errors.append(
            _(
                "Someone with this email address or phone number already has a place for this date. "
                "The code in the confirmation message they received opens their answer, "
                "to change or cancel it."
            )
        )
        return _detail_page(event, occurrence, form, status=409)
    except services.EventFull as full:
        form.waitlist.data = "1"
        return _detail_page(event, occurrence, form, status=409, full=full.seats_left)
    except services.RsvpClosed:
        flash(_("This date can no longer be answered."), "error")
        return redirect_to(url_for(".detail", event_id=event.id, on=occurrence.key))
    # This browser may open its own answers again (a second form for the same date finds them).
    session[RSVP_CODES_KEY] = [answer.code, *session.get(RSVP_CODES_KEY, [])][:20]
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
    return render("events/find_rsvp.html", form=form)


def _rsvp_or_404(code: str) -> Rsvp:
    found = services.find_rsvp(g.cafe, code)
    if found is None:
        abort(404)
    return found


@bp.get("/events/rsvp/<code>")
def my_rsvp(code: str):
    answer = _rsvp_or_404(code)
    occurrence = services.occurrence_of(g.cafe, answer.event, answer.occurrence_start)
    return render("events/my_rsvp.html", private=True, rsvp=answer, occurrence=occurrence, form=ActionForm())


@bp.post("/events/rsvp/<code>/cancel")
def cancel_rsvp(code: str):
    answer = _rsvp_or_404(code)
    if ActionForm().validate_on_submit():
        services.cancel_rsvp(g.cafe, answer)
        flash(_("Your answer is cancelled. Thank you for letting the café know."), "success")
    return redirect_to(url_for(".my_rsvp", code=answer.code))
