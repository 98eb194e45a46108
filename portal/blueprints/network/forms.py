from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..auth.forms import strip_whitespace

# The zones of the network's cafés, mainland and overseas.
TIMEZONES = [
    ("Europe/Paris", _l("Mainland France and Corsica")),
    ("America/Guadeloupe", _l("Guadeloupe")),
    ("America/Martinique", _l("Martinique")),
    ("America/Cayenne", _l("French Guiana")),
    ("Indian/Reunion", _l("Réunion")),
    ("Indian/Mayotte", _l("Mayotte")),
    ("America/Miquelon", _l("Saint Pierre and Miquelon")),
    ("Pacific/Noumea", _l("New Caledonia")),
    ("Pacific/Tahiti", _l("French Polynesia (Tahiti)")),
    ("Pacific/Wallis", _l("Wallis and Futuna")),
]


class CafeForm(FlaskForm):
    # DataRequired, not InputRequired: spaces only are no name (nor village, nor department).
    name = StringField(_l("Café name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Web address"),
        validators=[
            InputRequired(),
            Length(min=3, max=60),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Use lower-case letters, digits and hyphens only, e.g. cafe-de-la-place."),
            ),
        ],
        description=_l("The café’s page will be /c/<address>/."),
    )
    village = StringField(_l("Village"), validators=[DataRequired(), Length(max=120)])
    postcode = StringField(
        _l("Postcode"),
        validators=[InputRequired(), Regexp(r"^\d{5}$", message=_l("A postcode has 5 digits."))],
    )
    department = StringField(_l("Department"), validators=[DataRequired(), Length(max=80)])
    timezone = SelectField(_l("Time zone"), choices=TIMEZONES, default="Europe/Paris")
    manager_email = EmailField(
        _l("Manager’s email address (optional)"),
        filters=[strip_whitespace],
        validators=[Optional(), Email()],
        description=_l(
            "With an account, they manage the café at once; otherwise they get an invitation by email."
            " You can also appoint a manager later."
        ),
    )


class AppointManagerForm(FlaskForm):
    email = EmailField(
        _l("Email address of the new manager"),
        filters=[strip_whitespace],
        validators=[InputRequired(), Email()],
        description=_l("Without an account yet, they get an invitation by email."),
    )


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file of cafés"))
    # The file's content, carried from the dry run to the import (a file input cannot be refilled).
    content = HiddenField()
