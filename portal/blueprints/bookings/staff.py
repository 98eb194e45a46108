"""Staff run the day: the day and week views, marks, booking for someone, the slip."""

from datetime import date, timedelta

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import allowed, cafe_role, current_actor, requires
from ...htmx import redirect_to, render
from ...models import Booking, Role
from ...tenancy import get_cafe_owned_or_404
from ..parcels import services as parcel_services
from . import bp, services
from .forms import MarkForm, StaffBookingForm
from .services import SlotNotFound, SlotUnavailable

helpers_only = requires(cafe_role(Role.HELPER))


def _day_arg(name: str = "date") -> date:
    """The day asked for in the query string; today when it is garbage or absurdly far."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        day = None
    today = g.cafe.today()
    if day is None or abs((day - today).days) > 3660:
        return today
    return day


@bp.get("/staff/")
@helpers_only
def day():
    day = _day_arg()
    return render(
        "bookings/staff_day.html",
        day=day,
        bookings=services.bookings_between(g.cafe, day),
        slots=services.day_slots(g.cafe, day),
        to_phone=services.people_to_phone(g.cafe, day + timedelta(days=1)),
        # Parcels are the staff's: a digital helper does not see whose parcel is waiting.
        parcels_to_phone=parcel_services.people_to_phone(g.cafe) if allowed(cafe_role(Role.STAFF)) else [],
        mark_form=MarkForm(),
        tomorrow=day + timedelta(days=1),
        previous=day - timedelta(days=1),
    )


@bp.get("/staff/week")
@helpers_only
def week():
    # A real week, Monday to Sunday; from Saturday noon on, the coming one by default.
    asked = _day_arg("start") if request.args.get("start") else None
    first = services.week_monday(g.cafe, asked)
    current = services.week_monday(g.cafe)
    bookings = services.bookings_between(g.cafe, first, 7)
    days = [(first + timedelta(days=n), []) for n in range(7)]
    for booking in bookings:
        days[(g.cafe.local_day(booking.starts_at) - first).days][1].append(booking)
    return render(
        "bookings/staff_week.html",
        first=first,
        last=first + timedelta(days=6),
        days=days,
        today=g.cafe.today(),
        current=current,
        previous=first - timedelta(days=7),
        following=first + timedelta(days=7),
    )


@bp.post("/staff/bookings/<int:booking_id>/mark")
@helpers_only
def mark(booking_id: int):
    booking = get_cafe_owned_or_404(Booking, booking_id)
    form = MarkForm()
    back = url_for(".day", date=g.cafe.local_day(booking.starts_at).isoformat())
    if not form.validate_on_submit():
        flash(_("Choose a mark."), "error")
        return redirect_to(back)
    if form.status.data == services.CANCELLED_BY_CAFE and not (form.reason.data or "").strip():
        flash(_("Give the reason for the cancellation, so the person can be told."), "error")
        return redirect_to(back)
    try:
        services.mark(g.cafe, booking, form.status.data, form.reason.data or "", actor=current_actor())
    except services.NotAllowed:
        flash(_("This booking is cancelled: it cannot be marked any more."), "error")
        return redirect_to(back)
    flash(_("%(name)s: %(status)s.", name=booking.name, status=booking.status_label), "success")
    return redirect_to(back)


def _chosen_topic(form: StaffBookingForm):
    """The topic asked for; before one is chosen, the slot is judged with the shortest one."""
    topics = services.active_topics(g.cafe)
    if not topics:
        abort(404)
    form.topic.choices = [(t.id, t.name) for t in topics]
    shortest = min(topics, key=lambda t: t.duration_minutes)
    wanted = form.topic.data if request.method == "POST" else request.args.get("topic", type=int)
    return next((t for t in topics if t.id == wanted), shortest)


def _cannot_book_here():
    flash(
        _("This time can no longer be booked (past, or the topic does not fit). Choose another one."),
        "error",
    )
    return redirect_to(url_for(".day"))


@bp.route("/staff/book", methods=["GET", "POST"])
@helpers_only
def book_for_someone():
    form = StaffBookingForm()
    topic = _chosen_topic(form)
    key = (form.slot.data if request.method == "POST" else request.args.get("slot", "")) or ""
    try:
        slot = services.find_slot(g.cafe, topic, key, staff=True)
    except SlotNotFound:
        abort(404)
    except SlotUnavailable:
        if (same := services.booking_of_form(g.cafe, form.form_key.data)) is not None:
            return _booked(same)
        return _cannot_book_here()
    context = dict(form=form, slot=slot, when=services.when_in_words(g.cafe, slot.starts_at))
    if request.method == "GET":
        form.slot.data = key
        form.topic.data = topic.id
        form.issue_key()
        return render("bookings/staff_book.html", **context)
    if not form.validate_on_submit():
        return render("bookings/staff_book.html", status=422, **context)
    taken = services.take(
        g.cafe,
        topic,
        key,
        form.person(),
        form_key=form.form_key.data,
        actor=current_user._get_current_object(),
        overbook=bool(form.overbook.data),
    )
    if taken.ok:
        return _booked(taken.booking)
    if taken.outcome != services.FULL:
        return _cannot_book_here()
    if slot.seats_left < 1:
        form.overbook.errors.append(
            _("This slot is full. Tick the box to overbook knowingly, or choose another slot.")
        )
        # A long topic may run into the next booking: say which, and where it fits.
        context.update(why=services.why_full(g.cafe, topic, slot), topic=topic)
    else:
        form.overbook.errors.append(_("This slot was just taken. Tick the box to overbook knowingly."))
    return render("bookings/staff_book.html", status=409, **context)


def _booked(booking: Booking):
    flash(_("Booked for %(name)s. Print the slip below.", name=booking.name), "success")
    return redirect_to(url_for(".slip", booking_id=booking.id))


@bp.get("/staff/bookings/<int:booking_id>/slip")
@helpers_only
def slip(booking_id: int):
    booking = get_cafe_owned_or_404(Booking, booking_id)
    return render(
        "bookings/slip.html", booking=booking, when=services.when_in_words(g.cafe, booking.starts_at)
    )
