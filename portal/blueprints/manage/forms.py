from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ...models import SERVICES, WEEKDAYS, Role
from ...phones import PhoneNumber
from ..auth.forms import strip_whitespace

# A bar may close after midnight; later than this, a "closing" earlier than the
# opening is far more likely a typo than a night shift.
LATEST_NIGHT_CLOSING = time(6, 0)


def check_period(opens: time | None, closes: time | None) -> str | None:
    """The error for one opening period, or None when it makes sense."""
    if opens is None and closes is None:
        return None
    if opens is None or closes is None:
        return _l("Give both the opening and the closing time.")
    if closes == opens:
        return _l("The closing time must differ from the opening time.")
    if closes < opens and closes > LATEST_NIGHT_CLOSING:
        return _l("The closing time must be after the opening time.")
    return None


class CafeProfileForm(FlaskForm):
    # DataRequired, not InputRequired: a name of spaces only would leave the café nameless.
    name = StringField(_l("Café name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Phone"), validators=[Optional(), PhoneNumber()])
    email = EmailField(
        _l("Email address"), filters=[strip_whitespace], validators=[Optional(), Email(), Length(max=255)]
    )
    description = TextAreaField(_l("A few words about the café"), validators=[Optional(), Length(max=2000)])


class DayHoursForm(Form):
    opens_1 = TimeField(_l("Opens"), validators=[Optional()])
    closes_1 = TimeField(_l("Closes"), validators=[Optional()])
    opens_2 = TimeField(_l("Opens again"), validators=[Optional()])
    closes_2 = TimeField(_l("Closes"), validators=[Optional()])

    def validate(self, extra_validators=None):
        # Not validate_closes_*: Optional() stops the chain on an empty closing time before
        # they run, so an opening time without a closing one was dropped without a word.
        valid = super().validate(extra_validators)
        for opens, closes in ((self.opens_1, self.closes_1), (self.opens_2, self.closes_2)):
            if not opens.errors and not closes.errors and (error := check_period(opens.data, closes.data)):
                closes.errors.append(error)
                valid = False
        if (
            not self.closes_2.errors
            and self.opens_2.data
            and self.closes_1.data
            and self.opens_2.data < self.closes_1.data
        ):
            self.closes_2.errors.append(_l("The second period must start after the first one ends."))
            valid = False
        return valid

    def periods(self) -> list[tuple[time, time]]:
        pairs = [(self.opens_1.data, self.closes_1.data), (self.opens_2.data, self.closes_2.data)]
        return [(o, c) for o, c in pairs if o is not None and c is not None]


class WeeklyHoursForm(FlaskForm):
    days = FieldList(FormField(DayHoursForm), min_entries=7, max_entries=7)

    def day_names(self):
        return WEEKDAYS


class HoursExceptionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    status = RadioField(
        _l("That day the café is"),
        choices=[("closed", _l("Closed")), ("open", _l("Open with special hours"))],
        default="closed",
        validators=[InputRequired()],
    )
    opens = TimeField(_l("Opens"), validators=[Optional()])
    closes = TimeField(_l("Closes"), validators=[Optional()])
    label = StringField(
        _l("Reason shown to visitors"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example: Assumption Day, village fête."),
    )

    def validate(self, extra_validators=None):
        # Not validate_closes: Optional() stops the chain on an empty closing time before it
        # runs, so "open" without times was saved as an open day with no hours.
        valid = super().validate(extra_validators)
        if self.status.data != "open" or self.opens.errors or self.closes.errors:
            return valid
        if self.opens.data is None and self.closes.data is None:
            error = _l("Give the special opening and closing times.")
        else:
            error = check_period(self.opens.data, self.closes.data)
        if error:
            self.closes.errors.append(error)
            valid = False
        return valid


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ServicesForm(FlaskForm):
    services = MultiCheckboxField(
        _l("Services offered"), choices=lambda: [(k, str(v)) for k, v in SERVICES.items()]
    )


class InvitationForm(FlaskForm):
    role = SelectField(_l("Role"), choices=Role.choices, default="staff")
    email = EmailField(
        _l("Their email address (optional)"),
        filters=[strip_whitespace],
        validators=[Optional(), Email(), Length(max=255)],
        description=_l("We send them the link. Without an address, give them the link yourself."),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=Role.choices)
