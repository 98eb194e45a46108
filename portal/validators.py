"""Field validators shared by the forms (phone numbers live in portal.phones)."""

from .phones import PhoneNumber, format_phone  # noqa: F401  (moving to portal.phones)
from .phones import parse_phone as normalise_phone  # noqa: F401
