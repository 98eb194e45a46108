"""Event forms: staff (event, cancel, one occurrence, network copy) and residents (RSVP, find)."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from ...forms import FormKeyMixin, OutsideHoursMixin, SelectField
from ...models import EventCategory, Recurrence, utcnow
from ...opening_hours import day_warning, series_warning
from ...phones import PhoneNumber
from .recurrence import MAX_OCCURRENCES, MAX_SPAN, build_rule, local_naive, nth_weekday_of_month, to_utc

MAX_PARTY = 10


def _too_far(field) -> bool:
    """A year far from now is a typo (2062 for 2026), and near year 1 or 9999 the date
    arithmetic overflows: say so by the field."""
    if field.data is None:
        return False
    if 2000 <= field.data.year <= utcnow().year + 10:
        return False
    field.errors.append(_l("This date is too far away: check the year."))
    return True


def _hours_warning(cafe, local_start: datetime, local_end: datetime) -> str | None:
    """The warning when an event at the café starts or ends while it is shut."""
    ends = local_end.time() if local_end.date() == local_start.date() else time.max
    return day_warning(cafe, local_start.date(), local_start.time(), ends)


class EventForm(FormKeyMixin, OutsideHoursMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=160)])
    category = SelectField(_l("Category"), choices=EventCategory.choices, default="other")
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Plain text. Line breaks are kept; web addresses become links."),
    )
    for_all_ages = BooleanField(_l("For all ages"))
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    place_kind = RadioField(
        _l("Where"),
        choices=[("cafe", _l("At the café")), ("elsewhere", _l("Somewhere else"))],
        default="cafe",
    )
    place = StringField(_l("Place (when not at the café)"), validators=[Optional(), Length(max=200)])
    price = StringField(
        _l("Price"),
        validators=[Optional(), Length(max=80)],
        description=_l("Leave empty when it is free. For example: 5 €, 8 € with a meal."),
    )
    accessibility = TextAreaField(
        _l("Accessibility"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For example: step-free access, accessible toilets, hearing loop."),
    )
    rsvp_enabled = BooleanField(_l("People say they are coming (RSVP)"))
    capacity = IntegerField(
        _l("Seats"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leave empty for no limit."),
    )
    recurrence = SelectField(
        _l("How often"),
        choices=Recurrence.choices,
        default="none",
    )
    monthly_week = SelectField(
        _l("Which weekday of the month"),
        choices=[
            ("same", _l("As on the first date (e.g. 2nd Tuesday)")),
            ("last", _l("The last one")),
        ],
        default="same",
    )
    repeat_until = DateField(_l("Repeat until"), validators=[Optional()])
    repeat_count = IntegerField(
        _l("Or a number of times"), validators=[Optional(), NumberRange(min=1, max=MAX_OCCURRENCES)]
    )

    def __init__(self, *args, zone=None, is_new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.is_new = is_new

    def local_start(self) -> datetime:
        return datetime.combine(self.day.data, self.start_time.data)

    def local_end(self) -> datetime:
        end = datetime.combine(self.day.data, self.end_time.data)
        # A concert from 21 h to 1 h ends the next day.
        return end + timedelta(days=1) if end <= self.local_start() else end

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.day.errors or self.start_time.errors or self.end_time.errors or _too_far(self.day):
            return False
        if self.end_time.data == self.start_time.data:
            self.end_time.errors.append(_l("The end must be after the start."))
            valid = False
        if self.is_new and self.zone is not None and to_utc(self.local_start(), self.zone) < utcnow():
            self.day.errors.append(_l("This date is in the past. Choose a date to come."))
            valid = False
        if self.place_kind.data == "elsewhere" and not (self.place.data or "").strip():
            self.place.errors.append(_l("Say where it takes place."))
            valid = False
        if self.recurrence.data != Recurrence.NONE.value:
            valid = self._validate_series() and valid
        cafe = g.get("cafe")
        if valid and cafe is not None and self.place_kind.data != "elsewhere":
            if self.recurrence.data != Recurrence.NONE.value and self.zone is not None:
                warning = series_warning(cafe, self.occurrence_spans(cafe.today()))
            else:
                warning = _hours_warning(cafe, self.local_start(), self.local_end())
            valid = self.check_opening_hours(warning, self.day)
        return valid

    def occurrence_spans(self, today) -> list[tuple[datetime, datetime]]:
        """Local start and end of every occurrence the series will have from `today` on."""
        fields = self.fields()
        rule = build_rule(SimpleNamespace(**fields), self.zone)
        duration = self.local_end() - self.local_start()
        return [(start, start + duration) for start in list(rule)[:MAX_OCCURRENCES] if start.date() >= today]

    def _validate_series(self) -> bool:
        if self.repeat_until.errors or self.repeat_count.errors:
            return False
        until, count = self.repeat_until.data, self.repeat_count.data
        if until is None and count is None:
            self.repeat_until.errors.append(_l("Say when the series ends: a last date or a number of times."))
            return False
        if until is not None and count is not None:
            self.repeat_count.errors.append(_l("Give either a last date or a number of times, not both."))
            return False
        if until is not None and until < self.day.data:
            self.repeat_until.errors.append(_l("The last date must be after the first one."))
            return False
        if until is not None and until > self.day.data + MAX_SPAN:
            self.repeat_until.errors.append(_l("A series can last two years at most."))
            return False
        return True

    def fields(self) -> dict:
        """The event's columns from what was typed (times converted to UTC in the café's zone)."""
        recurrence = Recurrence(self.recurrence.data)
        repeating = recurrence != Recurrence.NONE
        monthly_week = None
        if recurrence == Recurrence.MONTHLY:
            monthly_week = (
                -1 if self.monthly_week.data == "last" else nth_weekday_of_month(self.local_start())
            )
        return {
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "category": self.category.data,
            "for_all_ages": bool(self.for_all_ages.data),
            "starts_at": to_utc(self.local_start(), self.zone),
            "ends_at": to_utc(self.local_end(), self.zone),
            "at_cafe": self.place_kind.data != "elsewhere",
            "place": (self.place.data or "").strip() if self.place_kind.data == "elsewhere" else "",
            "price": (self.price.data or "").strip(),
            "accessibility": (self.accessibility.data or "").strip(),
            "rsvp_enabled": bool(self.rsvp_enabled.data),
            "capacity": self.capacity.data,
            "recurrence": recurrence,
            "monthly_week": monthly_week,
            "repeat_until": self.repeat_until.data if repeating else None,
            "repeat_count": self.repeat_count.data if repeating else None,
        }

    @staticmethod
    def data_from(event, zone) -> dict:
        """What the form shows for an existing event."""
        start, end = local_naive(event.starts_at, zone), local_naive(event.ends_at, zone)
        return {
            "title": event.title,
            "category": event.category.value,
            "description": event.description,
            "for_all_ages": event.for_all_ages,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place_kind": "cafe" if event.at_cafe else "elsewhere",
            "place": event.place,
            "price": event.price,
            "accessibility": event.accessibility,
            "rsvp_enabled": event.rsvp_enabled,
            "capacity": event.capacity,
            "recurrence": event.recurrence.value,
            "monthly_week": "last" if event.monthly_week == -1 else "same",
            "repeat_until": event.repeat_until,
            "repeat_count": event.repeat_count,
        }


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NetworkEventForm(EventForm):
    cafes = MultiCheckboxField(_l("Publish in these cafés"), coerce=int)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.cafes.data:
            self.cafes.errors.append(_l("Choose at least one café."))
            valid = False
        return valid


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason shown to visitors"),
        validators=[InputRequired(), Length(max=300)],
        description=_l("For example: the musicians are ill; postponed to spring."),
    )


class OccurrenceForm(OutsideHoursMixin, FlaskForm):
    occurrence = SelectField(_l("Date"), validators=[InputRequired()])
    action = RadioField(
        _l("What to do"),
        choices=[
            ("cancel", _l("Cancel this date")),
            ("move", _l("Move this date")),
            ("restore", _l("Put it back as usual")),
        ],
        default="cancel",
    )
    reason = StringField(_l("Reason shown to visitors"), validators=[Optional(), Length(max=300)])
    new_day = DateField(_l("New date"), validators=[Optional()])
    new_start_time = TimeField(_l("New start time"), validators=[Optional()])
    new_end_time = TimeField(_l("New end time"), validators=[Optional()])
    at_cafe = True  # the route says when the event is elsewhere: then the café's hours don't matter

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.action.data == "cancel" and not (self.reason.data or "").strip():
            self.reason.errors.append(_l("Give a reason: visitors will see it."))
            valid = False
        if self.action.data == "move":
            for f in (self.new_day, self.new_start_time, self.new_end_time):
                if f.data is None and not f.errors:
                    f.errors.append(_l("Give the new date and times."))
                    valid = False
            if _too_far(self.new_day):
                valid = False
            if valid and self.new_end_time.data == self.new_start_time.data:
                self.new_end_time.errors.append(_l("The end must be after the start."))
                valid = False
            cafe = g.get("cafe")
            if valid and cafe is not None and self.at_cafe:
                start = datetime.combine(self.new_day.data, self.new_start_time.data)
                end = datetime.combine(self.new_day.data, self.new_end_time.data)
                end += timedelta(days=1) if end <= start else timedelta(0)
                valid = self.check_opening_hours(_hours_warning(cafe, start, end), self.new_day)
        return valid

    def new_times(self, zone) -> tuple[datetime, datetime]:
        start = datetime.combine(self.new_day.data, self.new_start_time.data)
        end = datetime.combine(self.new_day.data, self.new_end_time.data)
        if end <= start:
            end += timedelta(days=1)
        return to_utc(start, zone), to_utc(end, zone)


class RsvpForm(FlaskForm):
    occurrence = HiddenField()
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    # A space a phone keyboard added after the address is not a mistake to point out.
    email = EmailField(
        _l("Email address"),
        filters=[lambda value: value.strip() if value else value],
        validators=[Optional(), Email(), Length(max=255)],
    )
    phone = TelField(_l("Or phone number"), validators=[Optional(), PhoneNumber()])
    party_size = IntegerField(
        _l("Number of people"),
        default=1,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=MAX_PARTY, message=_l("Between 1 and %(max)d people.", max=MAX_PARTY)),
        ],
    )
    waitlist = HiddenField(default="")
    # Made when the form is shown: the same form sent twice is recognised (services.answer).
    form_key = HiddenField(validators=[Optional(), Length(max=64)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.errors and not self.phone.errors and not (self.email.data or self.phone.data):
            self.email.errors.append(
                _l("Give an email address or a phone number, so the café can reach you.")
            )
            valid = False
        return valid


class FindRsvpForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup

    code = StringField(_l("Your code"), validators=[InputRequired(), Length(max=20)])

