"""What the café's management tells people: the invitation to join the team.
Text in templates/manage/email/; sent by portal.notify."""

from flask_babel import gettext as _

from ...messages import render_text
from ...models import Cafe, Invitation
from ...notify import Recipient, notify


def invitation_sent(cafe: Cafe, invitation: Invitation, link: str) -> None:
    """Mail the one-time link (built from the public address) to the invited person."""
    notify(
        Recipient(email=invitation.email),
        _("You are invited to join the team of %(cafe)s", cafe=cafe.name),
        render_text("manage/email/invitation.txt", cafe=cafe, invitation=invitation, link=link),
    )
