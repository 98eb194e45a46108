"""Forms shared across blueprints."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons, so the CSRF token travels with them."""


class OutsideHoursMixin:
    """Staff hear it when what they set falls while the café is shut, and may keep it anyway.

    The form's validate() calls check_opening_hours() with the warning (or None); the
    template shows the `outside_hours_ok` box once there was a warning.
    """

    outside_hours_ok = BooleanField(_l("Keep these times anyway"))
    hours_warning: str | None = None

    def check_opening_hours(self, warning: str | None, field) -> bool:
        self.hours_warning = warning
        if warning and not self.outside_hours_ok.data:
            field.errors.append(f"{warning} {_('Tick “Keep these times anyway” to confirm.')}")
            return False
        return True
