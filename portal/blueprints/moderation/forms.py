from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...models import ModerationMode


class ReasonForm(FlaskForm):
    """Approve, hide and restore: a reason is optional."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class RejectForm(FlaskForm):
    reason = StringField(
        _l("Reason sent to the author"),
        validators=[DataRequired(_l("Tell the author why, so they can do better.")), Length(max=500)],
        filters=[lambda value: value.strip() if value else value],
    )


SUSPENSION_CHOICES = [
    ("7", _l("7 days")),
    ("30", _l("30 days")),
    ("90", _l("3 months")),
    ("0", _l("For good")),
]


class SuspendForm(FlaskForm):
    days = SelectField(_l("For how long"), choices=SUSPENSION_CHOICES, default="7")
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason: the person receives it.")), Length(max=500)],
        filters=[lambda value: value.strip() if value else value],
    )


class SettingsForm(FlaskForm):
    mode = RadioField(_l("Moderation"), choices=ModerationMode.choices, validators=[InputRequired()])
    approvals_needed = IntegerField(
        _l("Approved notices before a resident posts freely"),
        validators=[InputRequired(_l("Give a number.")), NumberRange(min=1, max=20)],
        description=_l("Used with “Only new posters’ notices wait for approval”."),
    )
    report_threshold = IntegerField(
        _l("Reports that hide a notice until a moderator looks at it"),
        validators=[InputRequired(_l("Give a number.")), NumberRange(min=1, max=50)],
        description=_l("Reports from different accounts. Nothing is ever deleted by reports alone."),
    )
    max_links_new_posters = IntegerField(
        _l("Web links allowed in a new poster’s notice"),
        validators=[InputRequired(_l("Give a number.")), NumberRange(min=0, max=20)],
    )
    blocked_words = TextAreaField(
        _l("Blocked words"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "One per line. A notice containing one waits for a moderator instead of being published."
        ),
    )
