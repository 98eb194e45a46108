from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from ...forms import OutsideHoursMixin, ReachableContactMixin, SelectField
from ...models import WEEKDAYS
from ...models.booking import AGE_BANDS
from ...opening_hours import day_warning, weekday_warning
from ...phones import PhoneNumber


def weekday_choices():
    return list(enumerate(WEEKDAYS))


def age_band_choices():
    return [("", _l("I prefer not to say"))] + list(AGE_BANDS.items())


class _ContactMixin(ReachableContactMixin):
    def person(self) -> dict:
        """Who the booking is for, as `services.book` takes it (fields a form lacks are empty)."""

        def value(name: str) -> str:
            field = getattr(self, name, None)
            return (field.data or "") if field is not None else ""

        return {
            "name": self.name.data,
            "phone": self.phone_e164,
            "email": value("email"),
            "age_band": value("age_band"),
            "note": value("note"),
        }


class BookingForm(_ContactMixin, FlaskForm):
    """What a resident gives to book: a name and a way to be reached."""

    slot = HiddenField()
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(
        _l("Phone"),
        validators=[Optional(), PhoneNumber()],
        description=_l("A mobile or a landline. Example: 05 53 12 34 56"),
    )
    email = EmailField(
        _l("Email address (optional)"),
        validators=[Optional(), Email(), Length(max=255)],
        description=_l("We send the reminder there the day before."),
    )
    age_band = SelectField(_l("Your age (optional)"), choices=age_band_choices, validators=[Optional()])
    note = TextAreaField(
        _l("Anything the helper should know? (optional)"), validators=[Optional(), Length(max=500)]
    )


class StaffBookingForm(_ContactMixin, FlaskForm):
    """Booking for someone at the counter: a name and a landline are enough."""

    slot = HiddenField()
    topic = SelectField(_l("Topic"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name of the person"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(_l("Phone (a landline is fine)"), validators=[Optional(), PhoneNumber()])
    email = EmailField(_l("Email address (optional)"), validators=[Optional(), Email(), Length(max=255)])
    age_band = SelectField(_l("Age (optional)"), choices=age_band_choices, validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    overbook = BooleanField(_l("This slot is full: book anyway (overbook knowingly)"))


class CounterForm(_ContactMixin, FlaskForm):
    """The last step at the counter tablet: a name and a phone number."""

    slot = HiddenField()
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(_l("Your phone number"), validators=[InputRequired(), PhoneNumber()])
    email = HiddenField()


class FindBookingForm(FlaskForm):
    """Finding one's booking to cancel or move it: the code and the phone or email given."""

    code = StringField(_l("Booking code"), validators=[InputRequired(), Length(max=20)])
    contact = StringField(
        _l("Phone or email given when booking"), validators=[InputRequired(), Length(max=255)]
    )


class MarkForm(FlaskForm):
    status = HiddenField(validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class UnlockForm(FlaskForm):
    """A staff member's login, to leave counter mode."""

    email = EmailField(_l("Staff email"), validators=[InputRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[InputRequired()])


# --- setting up the help -----------------------------------------------------------------------


class TopicForm(FlaskForm):
    name = StringField(_l("Topic"), validators=[InputRequired(), Length(max=120)])
    duration_minutes = IntegerField(
        _l("Usual duration (minutes)"), default=30, validators=[InputRequired(), NumberRange(min=5, max=480)]
    )
    what_to_bring = TextAreaField(_l("What to bring (optional)"), validators=[Optional(), Length(max=1000)])


class _PeriodMixin:
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.ends.data <= self.starts.data:
            self.ends.errors.append(_l("The end must be after the start."))
            valid = False
        return valid


class RuleForm(OutsideHoursMixin, _PeriodMixin, FlaskForm):
    helper = SelectField(_l("Helper"), coerce=int, validators=[InputRequired()])
    weekday = SelectField(_l("Day of the week"), coerce=int, choices=weekday_choices)
    starts = TimeField(_l("From"), validators=[InputRequired()])
    ends = TimeField(_l("To"), validators=[InputRequired()])
    slot_minutes = IntegerField(
        _l("Slot length (minutes)"), default=30, validators=[InputRequired(), NumberRange(min=5, max=480)]
    )
    seats = IntegerField(
        _l("Seats per slot"),
        default=1,
        description=_l("1 for one-to-one help, more for a group workshop."),
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )
    valid_from = DateField(_l("From the date (optional)"), validators=[Optional()])
    valid_until = DateField(_l("Until the date (optional)"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        cafe = g.get("cafe")
        if valid and cafe is not None:
            warning = weekday_warning(cafe, self.weekday.data, self.starts.data, self.ends.data)
            valid = self.check_opening_hours(warning, self.starts)
        return valid


class ExtraOpeningForm(OutsideHoursMixin, _PeriodMixin, FlaskForm):
    helper = SelectField(_l("Helper"), coerce=int, validators=[InputRequired()])
    day = DateField(_l("Date"), validators=[InputRequired()])
    starts = TimeField(_l("From"), validators=[InputRequired()])
    ends = TimeField(_l("To"), validators=[InputRequired()])
    slot_minutes = IntegerField(
        _l("Slot length (minutes)"), default=30, validators=[InputRequired(), NumberRange(min=5, max=480)]
    )
    seats = IntegerField(
        _l("Seats per slot"), default=1, validators=[InputRequired(), NumberRange(min=1, max=50)]
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        cafe = g.get("cafe")
        if valid and cafe is not None:
            warning = day_warning(cafe, self.day.data, self.starts.data, self.ends.data)
            valid = self.check_opening_hours(warning, self.starts)
        return valid


class ClosureForm(FlaskForm):
    helper = SelectField(_l("Who"), coerce=int)
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.last_day.data < self.first_day.data:
            self.last_day.errors.append(_l("The last day cannot be before the first one."))
            valid = False
        return valid


class SettingsForm(FlaskForm):
    window_days = IntegerField(
        _l("People may book up to (days ahead)"), validators=[InputRequired(), NumberRange(min=1, max=366)]
    )
    min_notice_hours = IntegerField(
        _l("Minimum notice to book (hours)"), validators=[InputRequired(), NumberRange(min=0, max=720)]
    )
    cancel_notice_hours = IntegerField(
        _l("Cancel or move online up to (hours before)"),
        validators=[InputRequired(), NumberRange(min=0, max=720)],
    )
    # The café's retention period (portal/personal_data.py): bookings and event replies alike.
    retention_months = IntegerField(
        _l("Keep names and contacts for (months after the date)"),
        validators=[InputRequired(), NumberRange(min=1, max=24)],
        description=_l("12 by default, 24 at most; event replies are kept as long."),
    )
