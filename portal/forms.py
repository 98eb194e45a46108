"""Forms shared across blueprints."""

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, HiddenField
from wtforms import SelectField as _SelectField
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import HiddenInput, Select

from .phones import parse_phone


def _hidden_tag_without_ids(self, *fields):
    """Hidden fields need no id (no label points at them), and with ids, two forms on one
    page ("csrf_token" twice) gave duplicate ids that validators and screen readers trip on."""
    chosen = (getattr(self, f, None) if isinstance(f, str) else f for f in (fields or self))
    hidden = (f for f in chosen if f is not None and isinstance(f.widget, HiddenInput))
    return Markup("\n".join(str(f(id=False)) for f in hidden))


# Every form of the app renders its hidden fields through this (Flask-WTF's own keeps ids).
FlaskForm.hidden_tag = _hidden_tag_without_ids


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons, so the CSRF token travels with them."""


class FormKeyMixin:
    """A random key given to this browser with the form: the same form sent twice (a double
    tap, slow 3G, several at once) is recognised by a unique column in the database, and only
    this browser can be shown what the first one made. Call issue_key() when showing the form."""

    form_key = HiddenField(validators=[Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]*$")])

    def issue_key(self) -> None:
        """A fresh key when the form is shown (kept when it is shown again with errors)."""
        if not self.form_key.data:
            self.form_key.data = secrets.token_urlsafe(18)


class ReachableContactMixin(FormKeyMixin):
    """A form with `name`, `phone` and `email` fields: one of phone or email is needed, so the
    café can reach the person; the phone is kept in E.164 (parsed with the café's region)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors.append(
                _l("Give a phone number or an email address, so the café can reach you.")
            )
            valid = False
        return valid

    @property
    def phone_e164(self) -> str:
        return parse_phone(self.phone.data) if (self.phone.data or "").strip() else ""


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


class PlaceholderSelect(Select):
    """A <select> that, when required, starts with an empty disabled option.

    HTML asks a required single select to start with an empty placeholder (screen readers
    and validators rely on it); being disabled, the browser still shows the first real
    choice, and the submitted values are unchanged.
    """

    def __call__(self, field, **kwargs):
        html = super().__call__(field, **kwargs)
        if not field.flags.required:
            return html
        html = str(html)
        end_of_tag = html.index(">") + 1
        return Markup(html[:end_of_tag] + '<option value="" disabled>—</option>' + html[end_of_tag:])


class SelectField(_SelectField):
    widget = PlaceholderSelect()


def with_id_prefix(form, prefix: str):
    """Several forms on one page: their fields' ids (and so their labels' `for`) must differ,
    or a label points at another form's input. Names, and so the data sent, stay the same."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
    return form
