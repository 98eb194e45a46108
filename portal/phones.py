"""Phone numbers, read the way people of each café's region type them.

A café in La Réunion reads "0692 12 34 56" as +262 692 12 34 56; a mainland café reads
"06 12 34 56 78" as +33 6 12 34 56 78. Numbers are stored in E.164 ("+33612345678").
"""

import phonenumbers
from flask import g
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def default_region() -> str:
    """The region of the café of this request, or mainland France."""
    cafe = g.get("cafe") if g else None
    return cafe.phone_region if cafe is not None else "FR"


def parse_phone(raw: str, region: str | None = None) -> str:
    """A phone number in E.164; raises ValueError when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, region or default_region())
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """'+33553000000' -> '05 53 00 00 00'; French overseas numbers too; others international."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    # France and its overseas departments share the national "0…" format.
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code in (33, 262, 269, 508, 590, 594, 596, 681, 687, 689)
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def is_mobile(e164: str) -> bool:
    """True when the number can receive an SMS (mainland and overseas mobiles alike)."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _MOBILE_TYPES


class PhoneNumber:
    """Form validator: a number valid in the café's region, or international (+xx)."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            parse_phone(field.data)
        except ValueError:
            raise ValidationError(
                _l("This phone number is not valid. Example: 05 53 12 34 56 or +32 2 512 34 56.")
            ) from None
