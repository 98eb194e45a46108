"""The activity report form, the period picker and the workshop form."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ...models.impact import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY,
    DIGITAL_THEMES,
    DURATION_PRESETS,
    EQUIPMENT,
    GENDERS,
    KINDS,
    NOT_GIVEN,
    REFERRALS,
    SOCIAL_STATUSES,
    THEMES,
    WORKSHOP_LEVELS,
)

MAX_MINUTES = 1440
OTHER = "autre"


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in labels.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ThemesField(MultiCheckboxField):
    """Themes from the Coop's list; anything else is named in the message."""

    def pre_validate(self, form):
        unknown = [value for value in (self.data or []) if value not in THEMES]
        if unknown:
            raise ValidationError(
                _l(
                    "“%(value)s” is not one of the themes: tick themes from the list.",
                    value=unknown[0][:40],
                )
            )


class OpenRadioField(RadioField):
    """Radio buttons for presets; the route checks any other value itself."""

    def pre_validate(self, form):
        return None


def _duration_choices():
    return [(str(minutes), _l("%(num)d min", num=minutes)) for minutes in DURATION_PRESETS] + [
        (OTHER, _l("Other"))
    ]


class ReportForm(FlaskForm):
    kind = RadioField(_l("Type of help"), choices=lambda: _choices(KINDS), default="individuel")
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date of the help."))])
    duration = OpenRadioField(_l("Duration"), choices=_duration_choices, default="30")
    other_duration = IntegerField(
        _l("Other duration, in minutes"),
        validators=[Optional()],
        description=_l("Only if you chose “Other” above."),
    )
    participants = IntegerField(
        _l("Number of participants (workshop)"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=500, message=_l("Between 1 and 500 participants.")),
        ],
    )
    workshop_level = RadioField(
        _l("Workshop level"),
        choices=lambda: [("", _l("Not a workshop"))] + _choices(WORKSHOP_LEVELS),
        default="",
    )
    equipment = MultiCheckboxField(_l("Equipment used"), choices=lambda: _choices(EQUIPMENT))
    digital_themes = ThemesField(_l("Digital skills"), choices=lambda: _choices(DIGITAL_THEMES))
    admin_themes = ThemesField(_l("Administrative procedures"), choices=lambda: _choices(ADMIN_THEMES))
    autonomy = RadioField(
        _l("Autonomy reached"), choices=lambda: [("", _l("Not assessed"))] + _choices(AUTONOMY), default=""
    )
    referred = RadioField(
        _l("Referred elsewhere?"), choices=[("non", _l("No")), ("oui", _l("Yes"))], default="non"
    )
    referred_to = SelectField(
        _l("Referred to"), choices=lambda: [("", _l("Choose…"))] + _choices(REFERRALS), default=""
    )
    age_band = RadioField(_l("Age band"), choices=lambda: _choices(AGE_BANDS), default=NOT_GIVEN)
    gender = RadioField(_l("Gender"), choices=lambda: _choices(GENDERS), default=NOT_GIVEN)
    social_status = RadioField(_l("Situation"), choices=lambda: _choices(SOCIAL_STATUSES), default=NOT_GIVEN)
    postcode = StringField(
        _l("Home postcode"),
        validators=[Optional(), Regexp(r"^\d{5}$", message=_l("A postcode has 5 digits."))],
    )
    commune = StringField(_l("Home commune"), validators=[Optional(), Length(max=120)])
    insee_code = StringField(
        _l("INSEE code of the commune (if known)"),
        validators=[
            Optional(),
            Regexp(r"^[0-9][0-9AB][0-9]{3}$", message=_l("An INSEE code has 5 characters, e.g. 24396.")),
        ],
    )
    first_visit = RadioField(
        _l("First visit?"),
        choices=[("", _l("Not given")), ("oui", _l("Yes")), ("non", _l("No"))],
        default="",
    )
    note = TextAreaField(
        _l("Note for the team"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "No name, phone number or address: this note is for the team only, and deleted later."
        ),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_day(self, field):
        if field.data and field.data > self.today:
            raise ValidationError(_l("The date cannot be in the future: the help has to have happened."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Give a date after the year 2000."))

    @property
    def minutes(self) -> int | None:
        """The duration chosen: a preset, or the number typed (None when it is not valid)."""
        raw = (self.duration.data or "").strip()
        if raw == OTHER:
            value = self.other_duration.data
        else:
            try:
                value = int(raw)
            except ValueError:
                return None
        if value is None or not 1 <= value <= MAX_MINUTES:
            return None
        return value

    @property
    def themes(self) -> list[str]:
        return list(self.digital_themes.data or []) + list(self.admin_themes.data or [])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.minutes is None:
            target = self.other_duration if (self.duration.data or "") == OTHER else self.duration
            if not target.errors:
                target.errors = list(target.errors) + [
                    _l("The duration is a number of minutes between 1 and 1,440 (24 hours).")
                ]
            valid = False
        if not self.themes and not self.digital_themes.errors and not self.admin_themes.errors:
            self.digital_themes.errors = list(self.digital_themes.errors) + [_l("Tick at least one theme.")]
            valid = False
        if self.referred.data == "oui" and not self.referred_to.data:
            self.referred_to.errors = list(self.referred_to.errors) + [
                _l("Say where the person was referred to.")
            ]
            valid = False
        if self.kind.data == "individuel" and (self.participants.data or 1) != 1:
            self.participants.errors = list(self.participants.errors) + [
                _l("Individual help is for one person: choose “Collective workshop” for a group.")
            ]
            valid = False
        return valid


class WalkInForm(FlaskForm):
    """Tap a theme: the walk-in is recorded (30 minutes, nothing else known)."""

    theme = StringField(validators=[InputRequired()])
    next = StringField()


class PromptForm(FlaskForm):
    answer = RadioField(choices=[("later", _l("Not now")), ("declined", _l("Decline"))])


class WorkshopForm(FlaskForm):
    level = RadioField(_l("Level"), choices=lambda: _choices(WORKSHOP_LEVELS), default="debutant")
    digital_themes = ThemesField(_l("Digital skills"), choices=lambda: _choices(DIGITAL_THEMES))
    admin_themes = ThemesField(_l("Administrative procedures"), choices=lambda: _choices(ADMIN_THEMES))


class AttendanceForm(FlaskForm):
    participants = IntegerField(
        _l("How many people came?"),
        validators=[
            InputRequired(message=_l("Give the number of participants.")),
            NumberRange(min=1, max=500, message=_l("Between 1 and 500 participants.")),
        ],
    )
    duration = IntegerField(
        _l("Duration, in minutes"),
        validators=[
            InputRequired(message=_l("Give the duration in minutes.")),
            NumberRange(
                min=1,
                max=MAX_MINUTES,
                message=_l("The duration is a number of minutes between 1 and 1,440 (24 hours)."),
            ),
        ],
    )
