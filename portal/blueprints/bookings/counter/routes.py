"""The kiosk's pages: topics → times → name and phone → booked; and leaving counter mode."""

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from .... import audit
from ....access import COUNTER_SESSION_KEY, cafe_role, current_actor, has_cafe_role, requires
from ....extensions import db, limiter
from ....htmx import redirect_to, render
from ....models import Role
from ...auth.services import authenticate
from .. import services
from ..common import topic_or_404, unavailable_message
from ..forms import CounterForm, UnlockForm
from ..services import SlotNotFound, SlotUnavailable
from . import bp

LAST_BOOKING = "counter_last"  # the booking this tablet just made, for the "booked" page


def _end_counter_mode() -> None:
    session.pop(COUNTER_SESSION_KEY, None)
    session.pop(LAST_BOOKING, None)


@bp.post("/start")
@requires(cafe_role(Role.HELPER))
def start():
    audit.record("bookings.counter_start", g.cafe, actor=current_actor())
    db.session.commit()
    # The tablet is left to the public: nobody stays logged in on it.
    logout_user()
    session.pop("_flashes", None)  # nothing said to the staff member may show to the public
    session[COUNTER_SESSION_KEY] = g.cafe.id
    session.pop(LAST_BOOKING, None)
    return redirect_to(url_for(".topics"))


@bp.get("/")
def topics():
    session.pop(LAST_BOOKING, None)
    return render("counter/topics.html", topics=services.active_topics(g.cafe))


@bp.get("/<int:topic_id>/")
def slots(topic_id: int):
    topic = topic_or_404(topic_id)
    slots = [s for _day, day_slots in services.next_free_by_day(g.cafe, topic, days=4) for s in day_slots][:8]
    words = {s.key: services.when_in_words(g.cafe, s.starts_at) for s in slots}
    return render("counter/slots.html", topic=topic, slots=slots, words=words)


def _back_to_the_times(topic, outcome: str):
    flash(unavailable_message(outcome), "error")
    return redirect_to(url_for(".slots", topic_id=topic.id))


def _show_done(booking):
    session[LAST_BOOKING] = booking.id
    return redirect_to(url_for(".done"))


@bp.route("/<int:topic_id>/book", methods=["GET", "POST"])
def book(topic_id: int):
    topic = topic_or_404(topic_id)
    form = CounterForm()
    key = (form.slot.data if request.method == "POST" else request.args.get("slot", "")) or ""
    if request.method == "POST" and form.validate_on_submit():
        try:
            taken = services.take(g.cafe, topic, key, form.person(), form_key=form.form_key.data)
        except SlotNotFound:
            abort(404)
        return _show_done(taken.booking) if taken.ok else _back_to_the_times(topic, taken.outcome)
    try:
        slot = services.find_slot(g.cafe, topic, key)
    except SlotNotFound:
        abort(404)
    except SlotUnavailable as problem:
        if (same := services.booking_of_form(g.cafe, form.form_key.data)) is not None:
            return _show_done(same)
        return _back_to_the_times(topic, problem.reason)
    if request.method == "GET":
        form.slot.data = key
        form.issue_key()
    when = services.when_in_words(g.cafe, slot.starts_at)
    status = 422 if request.method == "POST" else 200
    return render("counter/book.html", status=status, topic=topic, form=form, when=when)


@bp.get("/done")
def done():
    booking_id = session.get(LAST_BOOKING)
    booking = services.get_booking(g.cafe, booking_id) if booking_id else None
    if booking is None:
        return redirect(url_for(".topics"))
    when = services.when_in_words(g.cafe, booking.starts_at)
    return render("counter/done.html", booking=booking, when=when)


@bp.route("/exit", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], per_method=True)
def exit():
    form = UnlockForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if has_cafe_role(user, g.cafe, Role.HELPER):
            audit.record("bookings.counter_exit", g.cafe, actor=user)
            db.session.commit()
            _end_counter_mode()
            login_user(user)
            flash(_("Counter mode is off."), "success")
            return redirect_to(url_for("cafe.bookings.day"))
        form.password.errors.append(_("Only a member of the café’s team can leave counter mode."))
    status = 422 if request.method == "POST" else 200
    return render("counter/exit.html", status=status, form=form)
