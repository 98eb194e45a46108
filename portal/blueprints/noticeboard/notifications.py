"""What the noticeboard tells people: a resident's reply, relayed to the notice's author.
Text in templates/noticeboard/email/; sent by portal.notify."""

from flask_babel import gettext as _

from ...messages import render_text
from ...models import Cafe, Notice, User
from ...notify import Recipient, notify
from ...urls import external_url


def reply_relayed(cafe: Cafe, notice: Notice, sender: User, message: str) -> None:
    """The author gets the sender's message and address; the sender never sees the author's."""
    url = external_url("cafe.noticeboard.detail", cafe_slug=cafe.slug, notice_id=notice.id)
    notify(
        Recipient(email=notice.author.email),
        _("A reply to your notice: %(title)s", title=notice.title),
        render_text(
            "noticeboard/email/reply.txt", cafe=cafe, notice=notice, sender=sender, message=message, url=url
        ),
    )
