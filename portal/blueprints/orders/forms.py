from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TelField,
    TimeField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import ReachableContactMixin
from ...models import WEEKDAYS
from ...phones import PhoneNumber

MAX_PER_PRODUCT = 30


def weekday_choices():
    return [(str(n), label) for n, label in enumerate(WEEKDAYS)]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ContactForm(ReachableContactMixin, FlaskForm):
    """Who the bread is for: a name and a phone or an email."""

    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(
        _l("Phone"),
        validators=[Optional(), PhoneNumber()],
        description=_l("A mobile or a landline. Example: 05 53 12 34 56"),
    )
    email = EmailField(
        _l("Email address (optional)"),
        validators=[Optional(), Email(), Length(max=255)],
        description=_l("We send you the order and the link to change it."),
    )

    def person(self) -> dict:
        return {"name": self.name.data, "phone": self.phone_e164, "email": (self.email.data or "").strip()}


class StaffOrderForm(ContactForm):
    name = StringField(_l("Name of the person"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(_l("Phone (a landline is fine)"), validators=[Optional(), PhoneNumber()])
    email = EmailField(_l("Email address (optional)"), validators=[Optional(), Email(), Length(max=255)])


class CounterOrderForm(ContactForm):
    """At the tablet: a name and a phone (the café calls if needed); no email to type."""

    phone = TelField(_l("Your phone number"), validators=[InputRequired(), PhoneNumber()])
    email = HiddenField()


class StandingOrderForm(ContactForm):
    weekdays = MultiCheckboxField(_l("Which days"), choices=weekday_choices)

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one day."))


class PauseForm(FlaskForm):
    first_day = DateField(_l("From"), validators=[InputRequired()])
    last_day = DateField(_l("Until (included)"), validators=[InputRequired()])

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day comes after the first."))


class SettingsForm(FlaskForm):
    cutoff_days_before = IntegerField(
        _l("Orders close how many days before"),
        validators=[InputRequired(), NumberRange(min=0, max=7)],
        description=_l("1: the day before."),
    )
    cutoff_time = TimeField(_l("Orders close at"), validators=[InputRequired()])
    collect_from = TimeField(_l("Bread can be collected from"), validators=[InputRequired()])
    closing_time = TimeField(
        _l("Uncollected orders are marked at"),
        validators=[InputRequired()],
        description=_l("Usually when the café closes."),
    )
    days_ahead = IntegerField(
        _l("How many days ahead people can order"), validators=[InputRequired(), NumberRange(min=1, max=30)]
    )
    baker_email = EmailField(
        _l("Baker's email (the list is sent at the cut-off)"),
        validators=[Optional(), Email(), Length(max=255)],
    )
    parcel_retention_days = IntegerField(
        _l("Days a parcel's name and contact are kept after it leaves"),
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )


class ProductForm(FlaskForm):
    name = StringField(_l("Product"), validators=[InputRequired(), Length(max=80)])
    price = DecimalField(
        _l("Price (€)"), places=2, validators=[InputRequired(), NumberRange(min=0, max=1000)]
    )
    daily_quantity = IntegerField(
        _l("Quantity delivered per day"), validators=[InputRequired(), NumberRange(min=0, max=10000)]
    )
    weekdays = MultiCheckboxField(_l("Days it can be collected"), choices=weekday_choices)
    active = BooleanField(_l("On sale"), default=True)

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one day."))


class DayQuantityForm(FlaskForm):
    product = IntegerField(validators=[InputRequired()])
    quantity = IntegerField(_l("Delivered"), validators=[InputRequired(), NumberRange(min=0, max=10000)])
