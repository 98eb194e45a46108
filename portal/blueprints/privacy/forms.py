from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired()])
    confirm = BooleanField(
        _l("I understand that my account will be erased for good."),
        validators=[DataRequired(_l("Tick this box to confirm."))],
    )


class RecordForm(FlaskForm):
    """One booking or RSVP, for someone without an account: its code and the contact given."""

    code = StringField(
        _l("The code of your appointment or event reply"), validators=[InputRequired(), Length(max=20)]
    )
    contact = StringField(
        _l("The phone number or email address you gave"), validators=[InputRequired(), Length(max=255)]
    )
