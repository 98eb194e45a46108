"""Residents: book digital help without an account, see it, cancel or move it (/c/<slug>/help/)."""

import re
import secrets

from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from ...confirm import is_confirmed
from ...extensions import limiter
from ...htmx import redirect_to, render
from ...models import Booking
from ...models.booking import BOOKED
from . import bp, services
from .common import made_here, remember, topic_or_404, unavailable_message, unavailable_status
from .forms import BookingForm, FindBookingForm
from .services import SlotNotFound, SlotUnavailable, TooLate

CHANGING = "help_changing"  # the booking whose code and contact were given, to cancel or move it


@bp.get("/")
def index():
    return render("bookings/index.html", topics=services.active_topics(g.cafe))


@bp.get("/<int:topic_id>/")
def topic(topic_id: int):
    topic = topic_or_404(topic_id)
    return render(
        "bookings/topic.html", block="slot_list", topic=topic, days=services.next_free_by_day(g.cafe, topic)
    )


def _book_page(topic, form, status: int = 200, slot=None, outcome: str | None = None):
    """The booking form; when the slot cannot be had, say why, keep what was typed, offer others."""
    context = {"topic": topic, "form": form, "slot": slot}
    if outcome is not None:
        days = services.next_free_by_day(g.cafe, topic, days=3)
        context.update(
            slot=None,
            problem=unavailable_message(outcome),
            alternatives=[s for _day, slots in days for s in slots][:8],
        )
    return render("bookings/book.html", status=status, **context)


def _show_done(booking: Booking):
    remember(booking)
    return redirect_to(url_for(".done", code=booking.code))


@bp.route("/<int:topic_id>/book", methods=["GET", "POST"])
def book(topic_id: int):
    topic = topic_or_404(topic_id)
    form = BookingForm()
    if request.method == "GET":
        key = request.args.get("slot", "")
        form.issue_key()
        try:
            slot = services.find_slot(g.cafe, topic, key)
        except SlotNotFound:
            abort(404)
        except SlotUnavailable as problem:
            return _book_page(topic, form, unavailable_status(problem.reason), outcome=problem.reason)
        form.slot.data = key
        return _book_page(topic, form, slot=slot)
    if not form.validate_on_submit():
        try:
            slot = services.find_slot(g.cafe, topic, form.slot.data or "")
        except SlotNotFound:
            abort(404)
        except SlotUnavailable as problem:
            return _book_page(topic, form, unavailable_status(problem.reason), outcome=problem.reason)
        return _book_page(topic, form, 422, slot=slot)
    try:
        taken = services.take(
            g.cafe, topic, form.slot.data or "", form.person(), form_key=form.form_key.data, confirm=True
        )
    except SlotNotFound:
        abort(404)
    if not taken.ok:
        return _book_page(topic, form, unavailable_status(taken.outcome), outcome=taken.outcome)
    return _show_done(taken.booking)


@bp.get("/booking/<code>")
def done(code: str):
    booking = services.find_by_code(g.cafe, code)
    if booking is None or not made_here(booking):
        abort(404)
    return render(
        "bookings/done.html", booking=booking, when=services.when_in_words(g.cafe, booking.starts_at)
    )


@bp.route("/change", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], per_method=True)
def find():
    form = FindBookingForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        booking = services.find_booking(g.cafe, form.code.data, form.contact.data)
        if booking is not None:
            session[CHANGING] = booking.id
            return redirect_to(url_for(".change"))
        form.code.errors.append(_("No booking has this code with this phone or email. Check both."))
    status = 422 if request.method == "POST" else 200
    return render("bookings/find.html", status=status, form=form)


def _changing_booking() -> Booking | None:
    booking_id = session.get(CHANGING)
    return services.get_booking(g.cafe, booking_id) if booking_id else None


def _change_page(booking: Booking, status: int = 200, problem: str | None = None):
    can_change = services.can_change(g.cafe, booking)
    days = services.next_free_by_day(g.cafe, booking.topic, days=5) if can_change else []
    return render(
        "bookings/change.html",
        status=status,
        booking=booking,
        when=services.when_in_words(g.cafe, booking.starts_at),
        can_change=can_change,
        days=days,
        problem=problem,
        notice_hours=services.settings_for(g.cafe).cancel_notice_hours,
        move_key=secrets.token_urlsafe(18),
    )


def _move_key() -> str:
    """The moving form's random key (a second tap of the same form moves once)."""
    key = request.form.get("form_key", "")
    return key if len(key) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]*", key) else ""


@bp.get("/change/booking")
def change():
    booking = _changing_booking()
    if booking is None:
        return redirect(url_for(".find"))
    return _change_page(booking)


@bp.route("/change/cancel", methods=["GET", "POST"])
def cancel():
    """Cancelling asks first (with or without JavaScript) and says what happens to the seat."""
    booking = _changing_booking()
    if booking is None:
        return redirect_to(url_for(".find"))
    if request.method == "GET" or not is_confirmed():
        if booking.status != BOOKED:  # a second tap, or an old page: show where things stand
            return redirect_to(url_for(".change"))
        return render(
            "confirm.html",
            private=True,
            question=_(
                "Cancel your appointment of %(when)s?", when=services.when_in_words(g.cafe, booking.starts_at)
            ),
            consequence=_(
                "Your seat goes back to the café for someone else. "
                "To come after all, you will need to book again."
            ),
            action=url_for(".cancel"),
            button=_("Yes, cancel my appointment"),
            back=url_for(".change"),
        )
    try:
        services.cancel_by_person(g.cafe, booking)
    except TooLate:
        return _change_page(booking, 422, _("It is too late to cancel online: please call the café."))
    flash(_("Your booking is cancelled. Thank you for letting us know."), "success")
    return redirect_to(url_for(".change"))


@bp.post("/change/move")
def move():
    booking = _changing_booking()
    if booking is None:
        return redirect_to(url_for(".find"))
    try:
        services.move(g.cafe, booking, request.form.get("slot", ""), form_key=_move_key())
    except SlotNotFound:
        abort(404)
    except TooLate:
        return _change_page(booking, 422, _("It is too late to change online: please call the café."))
    except SlotUnavailable as problem:
        return _change_page(booking, unavailable_status(problem.reason), unavailable_message(problem.reason))
    remember(booking)
    flash(_("Your appointment is moved."), "success")
    return redirect_to(url_for(".done", code=booking.code))
