from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, StringField, TelField
from wtforms.validators import Email, InputRequired, Length, Optional

from ...forms import FormKeyMixin
from ...models.shop import CARRIERS
from ...phones import PhoneNumber, parse_phone


def carrier_choices():
    return [(key, label) for key, (label, _days) in CARRIERS.items()]


def carrier_hint() -> str:
    from flask_babel import gettext

    days = ", ".join(f"{label} {hold}" for label, hold in CARRIERS.values())
    return gettext("Leave empty for the carrier's usual hold (days): %(days)s.", days=days)


class ParcelForm(FormKeyMixin, FlaskForm):
    recipient = StringField(_l("Recipient"), validators=[InputRequired(), Length(max=120)])
    phone = TelField(
        _l("Phone (if known)"),
        validators=[Optional(), PhoneNumber()],
        description=_l("A mobile gets an SMS; a landline puts them on the list of people to phone."),
    )
    email = EmailField(_l("Email (if known)"), validators=[Optional(), Email(), Length(max=255)])
    carrier = RadioField(
        _l("Carrier"), choices=carrier_choices, default="la_poste", validators=[InputRequired()]
    )
    keep_until = DateField(_l("To be collected by"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_until.description = carrier_hint()

    @property
    def phone_e164(self) -> str:
        return parse_phone(self.phone.data) if (self.phone.data or "").strip() else ""
