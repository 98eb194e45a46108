"""The noticeboard: what is on it, posting, editing, renewing, withdrawing, replying."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ... import audit
from ...extensions import db
from ...models import Cafe, Notice, NoticeCategory, NoticeReply, NoticeStatus, User, utcnow
from ...phones import parse_phone
from ...text import clean_text
from ..moderation import services as moderation
from . import notifications

DEFAULT_DAYS = 14


class Suspended(Exception):
    """The person is suspended from this café's board."""

    def __init__(self, suspension):
        super().__init__()
        self.suspension = suspension


@dataclass
class NoticeData:
    title: str
    body: str
    category: NoticeCategory
    expires_on: date
    relay_contact: bool
    contact_phone: str


def today_in(cafe: Cafe, now: datetime | None = None) -> date:
    """The date it is at the café (an overseas café may already be on tomorrow)."""
    return cafe.local_day(now) if now else cafe.today()


def default_expiry(cafe: Cafe) -> date:
    return today_in(cafe) + timedelta(days=DEFAULT_DAYS)


def latest_expiry(cafe: Cafe) -> date:
    """A notice lives three months at most."""
    return today_in(cafe) + relativedelta(months=3)


def _visible(cafe: Cafe):
    return (
        select(Notice)
        .where(
            Notice.cafe_id == cafe.id,
            Notice.status == NoticeStatus.PUBLISHED,
            Notice.hidden.is_(False),
            Notice.expires_on >= today_in(cafe),
        )
        .options(selectinload(Notice.author))
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )


def board(cafe: Cafe, category: NoticeCategory | None = None) -> list[Notice]:
    """Published notices that are neither hidden nor expired, newest first."""
    query = _visible(cafe)
    if category is not None:
        query = query.where(Notice.category == category)
    return list(db.session.scalars(query))


def latest(cafe: Cafe, count: int = 3) -> list[Notice]:
    """The newest notices, for the café's home page."""
    return list(db.session.scalars(_visible(cafe).limit(count)))


def my_notices(cafe: Cafe, user: User) -> list[Notice]:
    """Everything this person posted here, in every state, newest first."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.cafe_id == cafe.id, Notice.author_id == user.id)
            .order_by(Notice.created_at.desc())
        )
    )


def can_see(cafe: Cafe, notice: Notice, user: User | None, is_moderator: bool) -> bool:
    """Everyone sees the board; authors and moderators also see what is not on it."""
    if notice.is_visible(today_in(cafe)):
        return True
    if is_moderator:
        return True
    return user is not None and notice.author_id == user.id


def can_edit(notice: Notice, user: User | None, is_staff: bool) -> bool:
    """Authors edit theirs; staff edit what they posted for someone at the counter."""
    if user is None or notice.status in (NoticeStatus.REJECTED, NoticeStatus.WITHDRAWN):
        return False
    if notice.author_id is not None:
        return notice.author_id == user.id
    return is_staff


def check_not_suspended(cafe: Cafe, user: User) -> None:
    """Raise Suspended when this person may not post or reply here now."""
    suspension = moderation.active_suspension(cafe, user)
    if suspension is not None:
        raise Suspended(suspension)


def link_limit(cafe: Cafe, user: User | None, trusted: bool) -> int | None:
    """How many web links this poster may include (None: as many as they like)."""
    return moderation.link_limit_for(cafe, user, trusted)


def _apply(cafe: Cafe, notice: Notice, data: NoticeData) -> None:
    notice.title = clean_text(data.title)[:120]
    notice.body = clean_text(data.body)
    notice.category = data.category
    notice.expires_on = data.expires_on
    notice.relay_contact = data.relay_contact and notice.author_id is not None
    notice.contact_phone = parse_phone(data.contact_phone, cafe.phone_region) if data.contact_phone else ""


def _place(cafe: Cafe, notice: Notice, trusted: bool) -> None:
    status, why = moderation.initial_status(cafe, notice, notice.author, trusted)
    notice.status = status
    notice.held_because = why
    if status == NoticeStatus.PUBLISHED:
        notice.published_at = notice.published_at or utcnow()


def notice_of_form(cafe: Cafe, poster: User, form_key: str | None) -> Notice | None:
    """The notice this very form (this browser, this person) already posted, or None."""
    if not form_key:
        return None
    return db.session.scalar(
        select(Notice).where(
            Notice.cafe_id == cafe.id, Notice.form_key == form_key, Notice.posted_by_id == poster.id
        )
    )


def _save_once(cafe: Cafe, notice: Notice, poster: User) -> Notice | None:
    """Flush the new notice; None when the same form got in first (even at the same instant)."""
    db.session.add(notice)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if notice_of_form(cafe, poster, notice.form_key) is None:
            raise
        return None
    return notice


def create_notice(cafe: Cafe, author: User, data: NoticeData, form_key: str | None = None) -> Notice:
    """A resident's notice: published at once or sent to the queue, as the café decided.

    The same form sent again (`form_key`, unique in the database) gives back the first notice.
    """
    if (same := notice_of_form(cafe, author, form_key)) is not None:
        return same
    check_not_suspended(cafe, author)
    notice = Notice(cafe_id=cafe.id, author=author, posted_by=author, form_key=form_key or None)
    notice.author_id = author.id
    _apply(cafe, notice, data)
    _place(cafe, notice, trusted=False)
    if _save_once(cafe, notice, author) is None:
        return notice_of_form(cafe, author, form_key)
    db.session.commit()
    return notice


def create_counter_notice(
    cafe: Cafe,
    staff: User,
    on_behalf_of: str,
    data: NoticeData,
    form_key: str | None = None,
    *,
    actor: User | None,
) -> Notice:
    """A notice typed by staff for someone at the counter: a name, no account (once per form)."""
    if (same := notice_of_form(cafe, staff, form_key)) is not None:
        return same
    notice = Notice(
        cafe_id=cafe.id,
        on_behalf_of=clean_text(on_behalf_of)[:120],
        posted_by=staff,
        form_key=form_key or None,
    )
    data.relay_contact = False
    _apply(cafe, notice, data)
    _place(cafe, notice, trusted=True)
    if _save_once(cafe, notice, staff) is None:
        return notice_of_form(cafe, staff, form_key)
    audit.record(
        "noticeboard.posted_for",
        cafe,
        target=f"notice {notice.id}: {notice.title}"[:255],
        on_behalf_of=notice.on_behalf_of,
        actor=actor,
    )
    db.session.commit()
    return notice


def update_notice(
    cafe: Cafe, notice: Notice, data: NoticeData, editor: User, trusted: bool, *, actor: User | None
) -> None:
    """Save an edit; a published notice goes through the same checks as a new one."""
    if notice.author_id is not None:
        check_not_suspended(cafe, editor)
    data.relay_contact = data.relay_contact and notice.author_id is not None
    _apply(cafe, notice, data)
    if notice.status == NoticeStatus.PUBLISHED and not notice.hidden:
        _place(cafe, notice, trusted)
    if notice.author_id is None:
        audit.record(
            "noticeboard.edited_for", cafe, target=f"notice {notice.id}: {notice.title}"[:255], actor=actor
        )
    db.session.commit()


def renew(cafe: Cafe, notice: Notice, expires_on: date) -> None:
    """Keep a notice on the board longer (at most three months from today)."""
    notice.expires_on = min(expires_on, latest_expiry(cafe))
    db.session.commit()


def withdraw(cafe: Cafe, notice: Notice, *, actor: User | None) -> None:
    """The author takes their notice off the board; it stays in the history."""
    notice.status = NoticeStatus.WITHDRAWN
    if notice.author_id is None:
        audit.record(
            "noticeboard.withdrawn_for", cafe, target=f"notice {notice.id}: {notice.title}"[:255], actor=actor
        )
    db.session.commit()


def can_reply(notice: Notice) -> bool:
    """Replies are relayed only to authors with an account who asked for it."""
    return notice.relay_contact and notice.author is not None and bool(notice.author.email)


def send_reply(cafe: Cafe, notice: Notice, sender: User, message: str, form_key: str | None = None) -> None:
    """Email the author a resident's message; the sender sees no address, the author gets theirs.

    The same reply form sent again (`form_key`, unique in the database) sends nothing more.
    """
    check_not_suspended(cafe, sender)
    # That they replied, not what: the person can find it in their data (and erase it).
    db.session.add(
        NoticeReply(cafe_id=cafe.id, notice_id=notice.id, sender_id=sender.id, form_key=form_key or None)
    )
    try:
        db.session.flush()
    except IntegrityError:  # this form was already sent: its email went with the first
        db.session.rollback()
        if not form_key or not db.session.scalar(
            select(NoticeReply.id).where(
                NoticeReply.cafe_id == cafe.id,
                NoticeReply.sender_id == sender.id,
                NoticeReply.form_key == form_key,
            )
        ):
            raise
        return
    notifications.reply_relayed(cafe, notice, sender, clean_text(message))
    db.session.commit()
