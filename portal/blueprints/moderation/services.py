"""Moderation rules: who is published at once, reports, hiding, suspensions, the queue.

The noticeboard asks these functions what to do; moderators' actions go through them
too, so every decision is written to the decision history and the audit log.
"""

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ... import audit
from ...claims import claim
from ...extensions import db
from ...models import (
    Cafe,
    ModerationDecision,
    ModerationMode,
    ModerationSettings,
    Notice,
    NoticeStatus,
    Report,
    ReportReason,
    Suspension,
    User,
    utcnow,
)
from ...text import clean_text
from . import notifications


class AlreadyReported(Exception):
    """This person has already reported this notice."""


class NotAllowed(Exception):
    """The action does not apply to the notice in its current state."""


def _fold(text: str) -> str:
    """Lower case, no accents, compatibility forms unified: what blocked words match on."""
    decomposed = unicodedata.normalize("NFKD", clean_text(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def settings_for(cafe: Cafe) -> ModerationSettings:
    """The café's moderation settings; defaults (not saved) when it never changed them."""
    settings = db.session.scalar(select(ModerationSettings).where(ModerationSettings.cafe_id == cafe.id))
    if settings is None:
        settings = ModerationSettings(
            cafe_id=cafe.id,
            mode=ModerationMode.NEW_POSTERS,
            approvals_needed=2,
            report_threshold=3,
            blocked_words="",
            max_links_new_posters=1,
        )
    return settings


def save_settings(
    cafe: Cafe,
    mode: ModerationMode,
    approvals_needed: int,
    report_threshold: int,
    blocked_words: str,
    max_links_new_posters: int,
    *,
    actor: User | None,
) -> ModerationSettings:
    """Change how the café's board is moderated."""
    settings = settings_for(cafe)
    if settings.id is None:
        db.session.add(settings)
    words = [w.strip() for w in clean_text(blocked_words).replace(",", "\n").splitlines() if w.strip()]
    settings.mode = mode
    settings.approvals_needed = approvals_needed
    settings.report_threshold = report_threshold
    settings.blocked_words = "\n".join(dict.fromkeys(words))
    settings.max_links_new_posters = max_links_new_posters
    audit.record(
        "moderation.settings_updated",
        cafe,
        target=mode.value,
        approvals_needed=approvals_needed,
        report_threshold=report_threshold,
        blocked_words=len(words),
        max_links=max_links_new_posters,
        actor=actor,
    )
    db.session.commit()
    return settings


def blocked_words_in(settings: ModerationSettings, *texts: str) -> list[str]:
    """The café's blocked words found in the texts (whole words, accents and case ignored)."""
    haystack = _fold(" ".join(texts))
    found = []
    for word in settings.blocked_word_list:
        if re.search(r"(?<!\w)" + re.escape(_fold(word)) + r"(?!\w)", haystack):
            found.append(word)
    return found


def approved_count(cafe: Cafe, user: User) -> int:
    """How many of this person's notices a moderator has approved in this café."""
    return (
        db.session.scalar(
            select(func.count(Notice.id)).where(
                Notice.cafe_id == cafe.id, Notice.author_id == user.id, Notice.approved_by_id.is_not(None)
            )
        )
        or 0
    )


def is_new_poster(cafe: Cafe, user: User | None, settings: ModerationSettings | None = None) -> bool:
    """True until a moderator has approved the café's required number of their notices."""
    if user is None:
        return False
    settings = settings or settings_for(cafe)
    return approved_count(cafe, user) < settings.approvals_needed


def active_suspension(cafe: Cafe, user: User) -> Suspension | None:
    """The suspension that stops this person posting or replying here now, if any."""
    now = utcnow()
    return db.session.scalar(
        select(Suspension)
        .where(
            Suspension.cafe_id == cafe.id,
            Suspension.user_id == user.id,
            Suspension.lifted_at.is_(None),
            or_(Suspension.until.is_(None), Suspension.until > now),
        )
        .order_by(Suspension.until.is_(None).desc(), Suspension.until.desc())
        .limit(1)
    )


def initial_status(
    cafe: Cafe, notice: Notice, author: User | None, trusted: bool
) -> tuple[NoticeStatus, str]:
    """Published at once or held for a moderator, and why (blocked words always hold)."""
    settings = settings_for(cafe)
    if blocked_words_in(settings, notice.title, notice.body):
        return NoticeStatus.PENDING, "blocked_words"
    if trusted:
        return NoticeStatus.PUBLISHED, ""
    if settings.mode == ModerationMode.POST:
        return NoticeStatus.PUBLISHED, ""
    if settings.mode == ModerationMode.PRE:
        return NoticeStatus.PENDING, "pre_moderation"
    if is_new_poster(cafe, author, settings):
        return NoticeStatus.PENDING, "new_poster"
    return NoticeStatus.PUBLISHED, ""


def link_limit_for(cafe: Cafe, author: User | None, trusted: bool) -> int | None:
    """How many links this author may put in a notice (None: no limit)."""
    if trusted or author is None:
        return None
    settings = settings_for(cafe)
    return settings.max_links_new_posters if is_new_poster(cafe, author, settings) else None


def _decide(
    cafe: Cafe,
    action: str,
    notice: Notice | None = None,
    reason: str = "",
    subject: User | None = None,
    *,
    actor: User | None,
    **details,
) -> None:
    """Write one decision to the history and the audit log (the caller commits)."""
    db.session.add(
        ModerationDecision(
            cafe_id=cafe.id,
            action=action,
            notice_id=notice.id if notice else None,
            subject_user_id=subject.id if subject else None,
            actor_id=actor.id if actor else None,
            reason=reason,
        )
    )
    target = f"notice {notice.id}: {notice.title}"[:255] if notice else (subject.email if subject else "")
    audit.record(f"moderation.{action}", cafe, target=target, actor=actor, reason=reason, **details)


def _resolve_reports(notice: Notice, *, actor: User | None) -> None:
    db.session.execute(
        update(Report)
        .where(Report.notice_id == notice.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    )


def _claim(notice: Notice, still, **values) -> None:
    """Change the notice only if it is still as the moderator saw it: of two moderators
    deciding at the same moment, one wins and the other gets NotAllowed (no double mail)."""
    if not claim(update(Notice).where(Notice.id == notice.id, still).values(**values)):
        db.session.rollback()
        raise NotAllowed


def approve(cafe: Cafe, notice: Notice, *, actor: User | None) -> None:
    """Publish a notice that waited for approval, and count it for its author."""
    if notice.status != NoticeStatus.PENDING:
        raise NotAllowed
    _claim(notice, Notice.status == NoticeStatus.PENDING, status=NoticeStatus.PUBLISHED)
    now = utcnow()
    notice.status = NoticeStatus.PUBLISHED
    notice.approved_at = now
    notice.approved_by_id = actor.id
    notice.published_at = notice.published_at or now
    notice.held_because = ""
    _decide(cafe, "approved", notice, subject=notice.author, actor=actor)
    notifications.notice_decided(cafe, notice, "approved")
    db.session.commit()  # the decision and its mail together


def reject(cafe: Cafe, notice: Notice, reason: str, *, actor: User | None) -> None:
    """Turn a notice down for good, telling its author why."""
    if notice.status not in (NoticeStatus.PENDING, NoticeStatus.PUBLISHED):
        raise NotAllowed
    _claim(notice, Notice.status == notice.status, status=NoticeStatus.REJECTED)
    reason = clean_text(reason)[:500]
    notice.status = NoticeStatus.REJECTED
    notice.reject_reason = reason
    _resolve_reports(notice, actor=actor)
    _decide(cafe, "rejected", notice, reason=reason, subject=notice.author, actor=actor)
    notifications.notice_decided(cafe, notice, "rejected", reason)
    db.session.commit()


def hide(cafe: Cafe, notice: Notice, reason: str, *, actor: User | None) -> None:
    """Take a published notice off the board until a moderator restores it."""
    if notice.status != NoticeStatus.PUBLISHED or notice.hidden:
        raise NotAllowed
    _claim(notice, (Notice.status == NoticeStatus.PUBLISHED) & Notice.hidden.is_(False), hidden=True)
    reason = clean_text(reason)[:500]
    notice.hidden = True
    notice.hidden_at = utcnow()
    notice.hidden_by_id = actor.id
    notice.hidden_reason = reason
    _resolve_reports(notice, actor=actor)
    _decide(cafe, "hidden", notice, reason=reason, subject=notice.author, actor=actor)
    notifications.notice_decided(cafe, notice, "hidden", reason)
    db.session.commit()


def restore(cafe: Cafe, notice: Notice, *, actor: User | None) -> None:
    """Put a hidden (or reported) notice back on the board and close its reports."""
    if notice.status != NoticeStatus.PUBLISHED:
        raise NotAllowed
    was_hidden = notice.hidden
    _claim(notice, (Notice.status == NoticeStatus.PUBLISHED) & (Notice.hidden == was_hidden), hidden=False)
    notice.hidden = False
    notice.hidden_at = None
    notice.hidden_by_id = None
    notice.hidden_reason = ""
    _resolve_reports(notice, actor=actor)
    _decide(cafe, "restored", notice, subject=notice.author, actor=actor)
    if was_hidden:
        notifications.notice_decided(cafe, notice, "restored")
    db.session.commit()


def visitor_key(session_token: str) -> str:
    """A visitor without an account is known by a hash of a random id kept in their session."""
    secret = current_app.config["SECRET_KEY"]
    return "a:" + hashlib.sha256(f"{secret}:{session_token}".encode()).hexdigest()[:40]


def report(
    cafe: Cafe,
    notice: Notice,
    reason: ReportReason,
    note: str,
    reporter: User | None,
    anonymous_key: str = "",
) -> Report:
    """Record one report; hide the notice when enough distinct accounts reported it.

    Only reports from accounts count towards hiding: a visitor without one can clear
    their cookies and report again, and one person must not be able to hide a
    neighbour's notice alone. Their reports still reach the moderators.
    """
    key = f"u:{reporter.id}" if reporter is not None else anonymous_key
    entry = Report(
        cafe_id=cafe.id,
        notice_id=notice.id,
        reporter_id=reporter.id if reporter else None,
        reporter_key=key,
        reason=reason,
        note=clean_text(note)[:500],
    )
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReported from None
    audit.record(
        "moderation.reported",
        cafe,
        target=f"notice {notice.id}: {notice.title}"[:255],
        actor=reporter,
        reason=reason.value,
    )
    db.session.commit()
    _maybe_hide_automatically(cafe, notice)
    return entry


def open_account_reports(notice_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(Report.reporter_id))).where(
                Report.notice_id == notice_id, Report.resolved_at.is_(None), Report.reporter_id.is_not(None)
            )
        )
        or 0
    )


def _maybe_hide_automatically(cafe: Cafe, notice: Notice) -> None:
    threshold = settings_for(cafe).report_threshold
    count = open_account_reports(notice.id)
    if count < threshold:
        return
    # Conditional UPDATE: when reports arrive together, exactly one of them hides it.
    hidden = claim(
        update(Notice)
        .where(Notice.id == notice.id, Notice.hidden.is_(False), Notice.status == NoticeStatus.PUBLISHED)
        .values(hidden=True, hidden_at=utcnow(), hidden_by_id=None, hidden_reason="")
    )
    if not hidden:
        db.session.rollback()
        return
    db.session.add(
        ModerationDecision(
            cafe_id=cafe.id,
            action="auto_hidden",
            notice_id=notice.id,
            subject_user_id=notice.author_id,
            reason="",
        )
    )
    audit.record(
        "moderation.auto_hidden",
        cafe,
        target=f"notice {notice.id}: {notice.title}"[:255],
        actor=None,
        reports=count,
    )
    db.session.flush()
    db.session.refresh(notice)  # the conditional UPDATE changed it behind the session's back
    notifications.notice_decided(cafe, notice, "auto_hidden")
    db.session.commit()


def suspend(
    cafe: Cafe,
    user: User,
    days: int | None,
    reason: str,
    notice: Notice | None = None,
    *,
    actor: User | None,
) -> Suspension:
    """Stop someone posting and replying on this café's board, for `days` or for good."""
    until = utcnow() + timedelta(days=days) if days else None
    reason = clean_text(reason)[:500]
    suspension = Suspension(cafe_id=cafe.id, user_id=user.id, until=until, reason=reason, by_id=actor.id)
    db.session.add(suspension)
    _decide(cafe, "suspended", notice, reason=reason, subject=user, days=days or "for good", actor=actor)
    notifications.suspended(cafe, user, reason, until)
    db.session.commit()
    return suspension


def lift(cafe: Cafe, suspension: Suspension, *, actor: User | None) -> None:
    """End a suspension early."""
    if suspension.lifted_at is not None:
        raise NotAllowed
    suspension.lifted_at = utcnow()
    suspension.lifted_by_id = actor.id
    _decide(cafe, "lifted", reason="", subject=suspension.user, actor=actor)
    db.session.commit()


def active_suspensions(cafe: Cafe) -> list[Suspension]:
    """The café's suspensions in force, most recent first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Suspension)
            .where(
                Suspension.cafe_id == cafe.id,
                Suspension.lifted_at.is_(None),
                or_(Suspension.until.is_(None), Suspension.until > now),
            )
            .options(selectinload(Suspension.user))
            .order_by(Suspension.created_at.desc())
        )
    )


def _queue_query(cafe_ids: list[int] | None):
    open_reports = exists().where(Report.notice_id == Notice.id, Report.resolved_at.is_(None))
    query = (
        select(Notice)
        .where(
            or_(
                Notice.status == NoticeStatus.PENDING,
                (Notice.status == NoticeStatus.PUBLISHED) & (Notice.hidden.is_(True) | open_reports),
            )
        )
        .options(
            selectinload(Notice.author),
            selectinload(Notice.reports),
            selectinload(Notice.cafe),
            selectinload(Notice.posted_by),
        )
        .order_by(Notice.hidden.desc(), Notice.created_at)
    )
    if cafe_ids is not None:
        query = query.where(Notice.cafe_id.in_(cafe_ids))
    return query


def queue(cafe: Cafe) -> list[Notice]:
    """What waits for a moderator: pending notices, hidden ones, and ones with open reports."""
    return list(db.session.scalars(_queue_query([cafe.id])))


def network_queue() -> list[Notice]:
    """The queue of every café open for business, for the network's moderators."""
    open_cafes = select(Cafe.id).where(Cafe.closed_at.is_(None))
    return list(db.session.scalars(_queue_query(None).where(Notice.cafe_id.in_(open_cafes))))


def queue_count(cafe: Cafe | None) -> int:
    """How many notices wait in the café's queue (the network's when `cafe` is None)."""
    query = _queue_query([cafe.id] if cafe is not None else None)
    if cafe is None:
        query = query.where(Notice.cafe_id.in_(select(Cafe.id).where(Cafe.closed_at.is_(None))))
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def queue_item(cafe: Cafe, notice_id: int) -> Notice | None:
    """One notice of the café with what the queue shows about it."""
    return db.session.scalar(
        select(Notice)
        .where(Notice.cafe_id == cafe.id, Notice.id == notice_id)
        .options(selectinload(Notice.author), selectinload(Notice.reports))
    )


def history(cafe: Cafe, page: int, per_page: int = 50):
    """The café's moderation decisions, newest first, a page at a time."""
    query = (
        select(ModerationDecision)
        .where(ModerationDecision.cafe_id == cafe.id)
        .options(
            selectinload(ModerationDecision.actor),
            selectinload(ModerationDecision.notice),
            selectinload(ModerationDecision.subject_user),
        )
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def days_left(suspension: Suspension, now: datetime | None = None) -> int | None:
    if suspension.until is None:
        return None
    return max(0, (suspension.until - (now or utcnow())).days)
