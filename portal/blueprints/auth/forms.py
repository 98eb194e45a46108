from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

MIN_PASSWORD = 8


def strip_whitespace(value):
    """Drop the spaces phone keyboards and copy-paste add around an address."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[strip_whitespace], validators=[InputRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    remember = BooleanField(_l("Stay logged in on this device"))


class RegisterForm(FlaskForm):
    # DataRequired, not InputRequired: a name of spaces only is no name.
    display_name = StringField(
        _l("Your name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=120)]
    )
    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[InputRequired(), Email(), Length(max=255)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[strip_whitespace], validators=[InputRequired(), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired()])
