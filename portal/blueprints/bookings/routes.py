"""Digital help: residents book without an account (/c/<slug>/help/), staff run the day."""

from datetime import date, timedelta
from functools import wraps

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ... import audit
from ...confirm import is_confirmed
from ...extensions import db, limiter
from ...forms import ActionForm
from ...htmx import redirect_to, render
from ...models import WEEKDAYS, AvailabilityRule, Booking, Closure, ExtraOpening, HelpTopic, Role
from ...models.booking import BOOKED
from ...notify import Recipient, notify
from ...templating import format_time_short
from ...tenancy import cafe_role_required, get_cafe_owned_or_404, has_role, login_required_response
from ..auth.services import authenticate
from . import bp, services
from .forms import (
    BookingForm,
    ClosureForm,
    CounterForm,
    ExtraOpeningForm,
    FindBookingForm,
    MarkForm,
    RuleForm,
    SettingsForm,
    StaffBookingForm,
    TopicForm,
    UnlockForm,
)
from .services import SlotNotFound, SlotUnavailable, TooLate

MY_BOOKINGS = "help_bookings"  # ids of the bookings made in this browser, to show their confirmation
CHANGING = "help_changing"  # the booking whose code and contact were given, to cancel or move it
COUNTER = "counter_cafe"  # the café whose counter mode this browser is in
COUNTER_LAST = "counter_last"


def _topic_or_404(topic_id: int):
    topic = services.get_active_topic(g.cafe, topic_id)
    if topic is None:
        abort(404)
    return topic


def _remember(booking: Booking) -> None:
    ids = [i for i in session.get(MY_BOOKINGS, []) if i != booking.id][-9:]
    session[MY_BOOKINGS] = ids + [booking.id]


def _slot_problem(template: str, reason: str, status_for_closed: int = 422, **context):
    """The slot cannot be had: say why, keep what was typed, offer the next free ones."""
    message = (
        _("Sorry, this slot was just taken by someone else. Here are the next free ones.")
        if reason == "taken"
        else _("This time can no longer be booked. Here are the next free slots.")
    )
    topic = context["topic"]
    alternatives = [s for _day, slots in services.next_free_by_day(g.cafe, topic, days=3) for s in slots][:8]
    status = 409 if reason == "taken" else status_for_closed
    return render(template, status=status, problem=message, alternatives=alternatives, slot=None, **context)


def _send_confirmation(booking: Booking) -> None:
    if not booking.email:
        return
    cafe = g.cafe
    when = services.when_in_words(cafe, booking.starts_at)
    body = "\n".join(
        [
            _("Your digital-help appointment is booked: %(when)s at %(cafe)s.", when=when, cafe=cafe.name),
            f"{cafe.address}, {cafe.postcode} {cafe.village}",
            _("Topic: %(topic)s", topic=booking.topic.name),
            _("Your booking code: %(code)s", code=booking.code),
            _("To cancel or move it: %(link)s", link=url_for(".find", code=booking.code, _external=True)),
        ]
    )
    notify(
        Recipient(email=booking.email),
        _("Digital help at %(cafe)s: %(when)s", cafe=cafe.name, when=when),
        body,
    )


# Pages anyone may keep: the topics and their free times. Every other page of the help
# shows or takes names and contacts, so no cache (nor the back button of a shared
# tablet) may keep it.
CACHEABLE = {"cafe.bookings.index", "cafe.bookings.topic"}


@bp.after_request
def personal_pages_are_not_stored(response):
    if request.endpoint not in CACHEABLE:
        response.headers["Cache-Control"] = "no-store"
    return response


# --- residents -----------------------------------------------------------------------------------


@bp.get("/")
def index():
    return render("bookings/index.html", topics=services.active_topics(g.cafe))


@bp.get("/<int:topic_id>/")
def topic(topic_id: int):
    topic = _topic_or_404(topic_id)
    return render(
        "bookings/topic.html", block="slot_list", topic=topic, days=services.next_free_by_day(g.cafe, topic)
    )


def _already_booked(topic: HelpTopic, key: str, form) -> Booking | None:
    """This person's booking of this very slot, when the form is a second tap on "book"."""
    if request.method != "POST" or not form.validate_on_submit():
        return None
    return services.same_booking(
        g.cafe,
        topic,
        key or "",
        name=form.name.data,
        phone=form.phone_e164,
        email=form.email.data or "",
    )


def _show_done(booking: Booking):
    _remember(booking)
    return redirect_to(url_for(".done", code=booking.code))


@bp.route("/<int:topic_id>/book", methods=["GET", "POST"])
def book(topic_id: int):
    topic = _topic_or_404(topic_id)
    form = BookingForm()
    key = form.slot.data if request.method == "POST" else request.args.get("slot", "")
    try:
        slot = services.find_slot(g.cafe, topic, key or "")
    except SlotNotFound:
        abort(404)
    except SlotUnavailable as problem:
        if (same := _already_booked(topic, key, form)) is not None:
            return _show_done(same)
        return _slot_problem("bookings/book.html", problem.reason, topic=topic, form=form)
    if request.method == "GET":
        form.slot.data = key
        return render("bookings/book.html", topic=topic, form=form, slot=slot)
    if not form.validate_on_submit():
        return render("bookings/book.html", status=422, topic=topic, form=form, slot=slot)
    if (same := _already_booked(topic, key, form)) is not None:
        return _show_done(same)
    try:
        booking = services.book(g.cafe, topic, slot, **form.person())
    except SlotUnavailable as problem:
        if (same := _already_booked(topic, key, form)) is not None:
            return _show_done(same)
        return _slot_problem("bookings/book.html", problem.reason, topic=topic, form=form)
    _send_confirmation(booking)
    return _show_done(booking)


@bp.get("/booking/<code>")
def done(code: str):
    booking = services.find_by_code(g.cafe, code)
    if booking is None or booking.id not in session.get(MY_BOOKINGS, []):
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
    )


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
        slot = services.find_slot(g.cafe, booking.topic, request.form.get("slot", ""))
        services.reschedule(g.cafe, booking, slot)
    except SlotNotFound:
        abort(404)
    except TooLate:
        return _change_page(booking, 422, _("It is too late to change online: please call the café."))
    except SlotUnavailable as problem:
        message = (
            _("Sorry, this slot was just taken by someone else. Here are the next free ones.")
            if problem.reason == "taken"
            else _("This time can no longer be booked. Here are the next free slots.")
        )
        return _change_page(booking, 409 if problem.reason == "taken" else 422, message)
    _remember(booking)
    flash(_("Your appointment is moved."), "success")
    return redirect_to(url_for(".done", code=booking.code))


# --- staff ---------------------------------------------------------------------------------------


def _day_arg(name: str = "date") -> date:
    """The day asked for in the query string; today when it is garbage or absurdly far."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        day = None
    today = services.local_today(g.cafe)
    if day is None or abs((day - today).days) > 3660:
        return today
    return day


@bp.get("/staff/")
@cafe_role_required(Role.HELPER)
def day():
    day = _day_arg()
    return render(
        "bookings/staff_day.html",
        day=day,
        bookings=services.bookings_between(g.cafe, day),
        slots=services.day_slots(g.cafe, day),
        to_phone=services.people_to_phone(g.cafe, day + timedelta(days=1)),
        mark_form=MarkForm(),
        tomorrow=day + timedelta(days=1),
        previous=day - timedelta(days=1),
    )


@bp.get("/staff/week")
@cafe_role_required(Role.HELPER)
def week():
    # Seven days from the day asked for, today by default: on a Sunday, tomorrow's
    # appointments are in the week, not the week that is ending.
    first = _day_arg("start")
    bookings = services.bookings_between(g.cafe, first, 7)
    days = [(first + timedelta(days=n), []) for n in range(7)]
    for booking in bookings:
        local_day = booking.starts_at.astimezone(g.cafe.zone).date()
        days[(local_day - first).days][1].append(booking)
    return render(
        "bookings/staff_week.html",
        first=first,
        days=days,
        previous=first - timedelta(days=7),
        following=first + timedelta(days=7),
    )


@bp.post("/staff/bookings/<int:booking_id>/mark")
@cafe_role_required(Role.HELPER)
def mark(booking_id: int):
    booking = get_cafe_owned_or_404(Booking, booking_id)
    form = MarkForm()
    back = url_for(".day", date=booking.starts_at.astimezone(g.cafe.zone).date().isoformat())
    if not form.validate_on_submit():
        flash(_("Choose a mark."), "error")
        return redirect_to(back)
    if form.status.data == services.CANCELLED_BY_CAFE and not (form.reason.data or "").strip():
        flash(_("Give the reason for the cancellation, so the person can be told."), "error")
        return redirect_to(back)
    try:
        services.mark(g.cafe, booking, form.status.data, form.reason.data or "")
    except services.NotAllowed:
        flash(_("This booking is cancelled: it cannot be marked any more."), "error")
        return redirect_to(back)
    flash(_("%(name)s: %(status)s.", name=booking.name, status=booking.status_label), "success")
    return redirect_to(back)


@bp.route("/staff/book", methods=["GET", "POST"])
@cafe_role_required(Role.HELPER)
def book_for_someone():
    form = StaffBookingForm()
    topics = services.active_topics(g.cafe)
    form.topic.choices = [(t.id, t.name) for t in topics]
    key = form.slot.data if request.method == "POST" else request.args.get("slot", "")
    if not topics:
        abort(404)
    # Before a topic is chosen, the slot is judged with the shortest one.
    shortest = min(topics, key=lambda t: t.duration_minutes)
    wanted = form.topic.data if request.method == "POST" else request.args.get("topic", type=int)
    topic = next((t for t in topics if t.id == wanted), shortest)
    try:
        slot = services.find_slot(g.cafe, topic, key or "", staff=True)
    except SlotNotFound:
        abort(404)
    except SlotUnavailable:
        flash(
            _("This time can no longer be booked (past, or the topic does not fit). Choose another one."),
            "error",
        )
        return redirect_to(url_for(".day"))
    context = dict(form=form, slot=slot, when=services.when_in_words(g.cafe, slot.starts_at))
    if request.method == "GET":
        form.slot.data = key
        form.topic.data = topic.id
        return render("bookings/staff_book.html", **context)
    if not form.validate_on_submit():
        return render("bookings/staff_book.html", status=422, **context)
    if (same := _already_booked(topic, key, form)) is not None:
        # A second tap: the slot now looks full, but it is this very person's booking.
        flash(_("Booked for %(name)s. Print the slip below.", name=same.name), "success")
        return redirect_to(url_for(".slip", booking_id=same.id))
    overbook = slot.seats_left < 1
    if overbook and not form.overbook.data:
        form.overbook.errors.append(
            _("This slot is full. Tick the box to overbook knowingly, or choose another slot.")
        )
        why = services.why_full(g.cafe, topic, slot)
        return render("bookings/staff_book.html", status=409, why=why, topic=topic, **context)
    try:
        booking = services.book(
            g.cafe,
            topic,
            slot,
            **form.person(),
            booked_by=current_user._get_current_object(),
            overbook=overbook,
        )
    except SlotUnavailable:
        form.overbook.errors.append(_("This slot was just taken. Tick the box to overbook knowingly."))
        return render("bookings/staff_book.html", status=409, **dict(context, slot=slot))
    flash(_("Booked for %(name)s. Print the slip below.", name=booking.name), "success")
    return redirect_to(url_for(".slip", booking_id=booking.id))


@bp.get("/staff/bookings/<int:booking_id>/slip")
@cafe_role_required(Role.HELPER)
def slip(booking_id: int):
    booking = get_cafe_owned_or_404(Booking, booking_id)
    return render(
        "bookings/slip.html", booking=booking, when=services.when_in_words(g.cafe, booking.starts_at)
    )


# --- setting up the help -------------------------------------------------------------------------


def _helper_choices(with_whole_cafe: bool = False):
    choices = [(u.id, u.display_name) for u in services.team_helpers(g.cafe)]
    return ([(0, _("The whole café"))] if with_whole_cafe else []) + choices


def _setup_forms(**given):
    forms = {
        "topic_form": TopicForm(formdata=None),
        "rule_form": RuleForm(formdata=None),
        "extra_form": ExtraOpeningForm(formdata=None),
        "closure_form": ClosureForm(formdata=None),
        "settings_form": SettingsForm(formdata=None, obj=services.settings_for(g.cafe)),
    }
    forms.update(given)
    forms["rule_form"].helper.choices = _helper_choices()
    forms["extra_form"].helper.choices = _helper_choices()
    forms["closure_form"].helper.choices = _helper_choices(with_whole_cafe=True)
    return forms


def _setup_page(status: int = 200, **given):
    return render(
        "bookings/setup.html",
        status=status,
        action_form=ActionForm(),
        weekdays=WEEKDAYS,
        **services.setup_overview(g.cafe),
        **_setup_forms(**given),
    )


@bp.get("/staff/setup")
@cafe_role_required(Role.STAFF)
def setup():
    return _setup_page()


@bp.post("/staff/setup/topics")
@cafe_role_required(Role.STAFF)
def add_topic():
    form = TopicForm()
    if not form.validate_on_submit():
        return _setup_page(422, topic_form=form)
    services.add_topic(g.cafe, form.name.data, form.duration_minutes.data, form.what_to_bring.data or "")
    flash(_("The topic is added."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/topics/<int:topic_id>/toggle")
@cafe_role_required(Role.STAFF)
def toggle_topic(topic_id: int):
    services.toggle_topic(g.cafe, get_cafe_owned_or_404(HelpTopic, topic_id))
    return redirect_to(url_for(".setup"))


def _add_setup_row(form, adder, name: str, **extra_values):
    form.helper.choices = _helper_choices(with_whole_cafe=name == "closure_form")
    if not form.validate_on_submit():
        return _setup_page(422, **{name: form})
    values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "helper", "outside_hours_ok")}
    helper_id = form.helper.data or None
    try:
        adder(g.cafe, helper_id=helper_id, **values, **extra_values)
    except services.NotAllowed:
        abort(404)
    flash(_("Saved."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/rules")
@cafe_role_required(Role.STAFF)
def add_rule():
    return _add_setup_row(RuleForm(), services.add_rule, "rule_form")


@bp.post("/staff/setup/extras")
@cafe_role_required(Role.STAFF)
def add_extra():
    return _add_setup_row(ExtraOpeningForm(), services.add_extra, "extra_form")


@bp.post("/staff/setup/closures")
@cafe_role_required(Role.STAFF)
def add_closure():
    return _add_setup_row(ClosureForm(), services.add_closure, "closure_form")


SETUP_ROWS = {"rules": AvailabilityRule, "extras": ExtraOpening, "closures": Closure}


@bp.post("/staff/setup/<any(rules, extras, closures):kind>/<int:row_id>/delete")
@cafe_role_required(Role.STAFF)
def delete_setup_row(kind: str, row_id: int):
    services.delete_setup_row(g.cafe, get_cafe_owned_or_404(SETUP_ROWS[kind], row_id))
    flash(_("Removed."), "success")
    return redirect_to(url_for(".setup"))


@bp.post("/staff/setup/settings")
@cafe_role_required(Role.MANAGER)
def save_settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _setup_page(422, settings_form=form)
    services.save_settings(
        g.cafe,
        window_days=form.window_days.data,
        min_notice_hours=form.min_notice_hours.data,
        cancel_notice_hours=form.cancel_notice_hours.data,
        purge_days=form.purge_days.data,
    )
    flash(_("The booking settings are saved."), "success")
    return redirect_to(url_for(".setup"))


# --- counter mode --------------------------------------------------------------------------------


def _in_counter_mode() -> bool:
    return session.get(COUNTER) == g.cafe.id


def counter_view(view):
    """The kiosk pages: open in a browser a staff member unlocked, or to the staff themselves."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if _in_counter_mode():
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            return login_required_response()
        if not has_role(Role.HELPER):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.post("/counter/start")
@cafe_role_required(Role.HELPER)
def counter_start():
    audit.record("bookings.counter_start", g.cafe)
    db.session.commit()
    # The tablet is left to the public: nobody stays logged in on it.
    logout_user()
    session.pop("_flashes", None)  # nothing said to the staff member may show to the public
    session[COUNTER] = g.cafe.id
    session.pop(COUNTER_LAST, None)
    return redirect_to(url_for(".counter"))


@bp.get("/counter/")
@counter_view
def counter():
    session.pop(COUNTER_LAST, None)
    return render_template("bookings/counter_topics.html", topics=services.active_topics(g.cafe))


@bp.get("/counter/<int:topic_id>/")
@counter_view
def counter_slots(topic_id: int):
    topic = _topic_or_404(topic_id)
    slots = [s for _day, day_slots in services.next_free_by_day(g.cafe, topic, days=4) for s in day_slots][:8]
    words = {s.key: services.when_in_words(g.cafe, s.starts_at) for s in slots}
    return render_template("bookings/counter_slots.html", topic=topic, slots=slots, words=words)


@bp.route("/counter/<int:topic_id>/book", methods=["GET", "POST"])
@counter_view
def counter_book(topic_id: int):
    topic = _topic_or_404(topic_id)
    form = CounterForm()
    key = form.slot.data if request.method == "POST" else request.args.get("slot", "")
    try:
        slot = services.find_slot(g.cafe, topic, key or "")
    except SlotNotFound:
        abort(404)
    except SlotUnavailable as problem:
        if (same := _already_booked(topic, key, form)) is not None:
            session[COUNTER_LAST] = same.id
            return redirect_to(url_for(".counter_done"))
        flash(
            _("Sorry, this slot was just taken. Choose another one.")
            if problem.reason == "taken"
            else _("This time can no longer be booked. Choose another one."),
            "error",
        )
        return redirect_to(url_for(".counter_slots", topic_id=topic.id))
    when = services.when_in_words(g.cafe, slot.starts_at)
    if request.method == "GET":
        form.slot.data = key
    elif form.validate_on_submit():
        try:
            booking = _already_booked(topic, key, form) or services.book(g.cafe, topic, slot, **form.person())
        except SlotUnavailable:
            booking = _already_booked(topic, key, form)
            if booking is None:
                flash(_("Sorry, this slot was just taken. Choose another one."), "error")
                return redirect_to(url_for(".counter_slots", topic_id=topic.id))
        session[COUNTER_LAST] = booking.id
        return redirect_to(url_for(".counter_done"))
    status = 422 if request.method == "POST" else 200
    return render_template("bookings/counter_book.html", topic=topic, form=form, when=when), status


@bp.get("/counter/done")
@counter_view
def counter_done():
    booking_id = session.get(COUNTER_LAST)
    booking = services.get_booking(g.cafe, booking_id) if booking_id else None
    if booking is None:
        return redirect(url_for(".counter"))
    return render_template(
        "bookings/counter_done.html", booking=booking, when=services.when_in_words(g.cafe, booking.starts_at)
    )


@bp.route("/counter/exit", methods=["GET", "POST"])
@counter_view
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], per_method=True)
def counter_exit():
    form = UnlockForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        allowed = user is not None and (
            user.is_network_admin
            or any(m.cafe_id == g.cafe.id and m.role >= Role.HELPER for m in user.memberships)
        )
        if allowed:
            audit.record("bookings.counter_exit", g.cafe, actor=user)
            db.session.commit()
            session.pop(COUNTER, None)
            session.pop(COUNTER_LAST, None)
            login_user(user)
            flash(_("Counter mode is off."), "success")
            return redirect_to(url_for(".day"))
        form.password.errors.append(_("Only a member of the café’s team can leave counter mode."))
    status = 422 if request.method == "POST" else 200
    return render_template("bookings/counter_exit.html", form=form), status


@bp.app_template_filter("help_when")
def help_when(moment) -> str:
    """'mardi 3 décembre à 10 h 30' in the current café's zone."""
    return services.when_in_words(g.cafe, moment)


@bp.app_template_filter("help_time")
def help_time(moment) -> str:
    """'10 h 30' in the current café's zone."""
    return format_time_short(moment.astimezone(g.cafe.zone).time())
