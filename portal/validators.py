"""Field validators shared by the forms."""

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


def normalise_phone(raw: str, region: str = "FR") -> str:
    """A phone number in international form; French by default, +xx accepted."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """'+33553000000' -> '05 53 00 00 00' for French numbers, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneNumber:
    """Accepts a French or international phone number (empty is left to Optional)."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            normalise_phone(field.data)
        except ValueError:
            raise ValidationError(
                _l("This phone number is not valid. Example: 05 53 12 34 56 or +32 2 512 34 56.")
            ) from None
