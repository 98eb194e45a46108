from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ...forms import FormKeyMixin
from ...models import NoticeCategory, ReportReason
from ...phones import PhoneNumber
from ...text import clean_text, count_links


def _clean(value):
    """What will be stored, so blank or invisible-only text fails validation, not the database."""
    return clean_text(value) if value is not None else value


class NoticeForm(FormKeyMixin, FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give your notice a title.")), Length(min=3, max=120)],
        filters=[_clean],
        description=_l("For example: Giving away a child’s bike."),
    )
    body = TextAreaField(
        _l("Your notice"),
        validators=[DataRequired(_l("Write the text of your notice.")), Length(min=10, max=4000)],
        filters=[_clean],
        description=_l("Plain text. Web addresses become links."),
    )
    category = SelectField(_l("Category"), choices=NoticeCategory.choices, default=NoticeCategory.OTHER.value)
    expires_on = DateField(
        _l("Remove it from the board after"),
        validators=[InputRequired(_l("Choose a date."))],
        description=_l("Two weeks by default, three months at most."),
    )
    relay_contact = BooleanField(
        _l("Neighbours may write to me through the site (my email stays hidden)"), default=True
    )
    contact_phone = StringField(
        _l("Phone number to show (optional)"),
        validators=[Optional(), PhoneNumber()],
        description=_l("Only if you want it on the board for everyone to see."),
    )

    def __init__(self, *args, today=None, latest=None, link_limit=None, relay_possible=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.latest, self.link_limit = today, latest, link_limit
        self.relay_possible = relay_possible

    def validate_expires_on(self, field):
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError(_l("Choose a date from today onwards."))
        if field.data > self.latest:
            raise ValidationError(_l("A notice can stay on the board three months at most."))

    def validate_body(self, field):
        if (
            self.link_limit is not None
            and count_links(field.data or "", self.title.data or "") > self.link_limit
        ):
            if self.link_limit == 0:
                raise ValidationError(_l("Your first notices may not contain web links."))
            raise ValidationError(
                ngettext(
                    "Your first notices may contain at most %(num)d web link.",
                    "Your first notices may contain at most %(num)d web links.",
                    self.link_limit,
                )
            )

    def validate(self, extra_validators=None):
        # Not validate_contact_phone: Optional() stops the chain on an empty number before it runs.
        valid = super().validate(extra_validators)
        if self.relay_possible and not self.relay_contact.data and not self.contact_phone.data:
            self.contact_phone.errors = [
                *self.contact_phone.errors,
                _l(
                    "Neighbours need a way to reach you: accept messages through the site, "
                    "or give a phone number."
                ),
            ]
            valid = False
        return valid


class CounterNoticeForm(NoticeForm):
    on_behalf_of = StringField(
        _l("Name of the person"),
        validators=[DataRequired(_l("Give the person’s name.")), Length(max=120)],
        filters=[_clean],
        description=_l("As it should appear on the board, for example: Mme Dupuis."),
    )


class RenewForm(FlaskForm):
    expires_on = DateField(_l("New end date"), validators=[InputRequired(_l("Choose a date."))])

    def __init__(self, *args, today=None, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.latest = today, latest

    def validate_expires_on(self, field):
        NoticeForm.validate_expires_on(self, field)


class ReplyForm(FormKeyMixin, FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(_l("Write your message.")), Length(min=5, max=2000)],
        filters=[_clean],
        description=_l(
            "The author receives it by email, with your name and email address so they can answer."
        ),
    )


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this notice?"),
        choices=ReportReason.choices,
        validators=[InputRequired(_l("Choose a reason."))],
    )
    note = TextAreaField(_l("Anything to add (optional)"), validators=[Optional(), Length(max=500)])


class CategoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    category = SelectField(
        _l("Category"),
        choices=lambda: [("", _l("All categories"))] + NoticeCategory.choices(),
        validators=[Optional()],
        validate_choice=False,
    )
