"""What moderation tells people: the author of a notice hears each decision about it, and a
suspended resident hears why. Texts in templates/moderation/email/; sent by portal.notify."""

from datetime import datetime

from flask_babel import gettext as _

from ...formatting import long_date
from ...grammar import of_place
from ...messages import render_text
from ...models import Cafe, Notice, User
from ...notify import Recipient, notify
from ...urls import external_url

SUBJECTS = {
    "approved": lambda title: _("Your notice is on the board: %(title)s", title=title),
    "rejected": lambda title: _("Your notice was not published: %(title)s", title=title),
    "hidden": lambda title: _("Your notice is hidden: %(title)s", title=title),
    "restored": lambda title: _("Your notice is back on the board: %(title)s", title=title),
    "auto_hidden": lambda title: _("Your notice is waiting for a moderator: %(title)s", title=title),
}


def notice_decided(cafe: Cafe, notice: Notice, decision: str, reason: str = "") -> None:
    """Tell the author (when they have an address) what the moderators decided."""
    if notice.author is None or not notice.author.email:
        return
    url = external_url("cafe.noticeboard.detail", cafe_slug=cafe.slug, notice_id=notice.id)
    body = render_text(f"moderation/email/{decision}.txt", cafe=cafe, notice=notice, reason=reason, url=url)
    notify(Recipient(email=notice.author.email), SUBJECTS[decision](notice.title), body)


def suspended(cafe: Cafe, user: User, reason: str, until: datetime | None) -> None:
    """'… suspended you until 12 décembre 2026' (the café's date), or for good."""
    if not user.email:
        return
    until = _("until %(date)s", date=long_date(cafe.local_day(until))) if until else _("for good")
    notify(
        Recipient(email=user.email),
        _("You can no longer post on the board %(of_cafe)s", of_cafe=of_place(cafe.name)),
        render_text("moderation/email/suspended.txt", cafe=cafe, reason=reason, until=until),
    )
