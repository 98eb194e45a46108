"""The network team's work: the list of cafés, opening and closing them, appointing managers."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ... import audit
from ...extensions import db
from ...models import (
    AuditEntry,
    Booking,
    Cafe,
    Event,
    Invitation,
    Membership,
    Report,
    Role,
    User,
    utcnow,
)
from ...models.booking import CANCELLED
from ...models.cafe import normalise_for_search
from ..auth.services import find_user_by_email
from ..manage.services import create_invitation, membership_of

PER_PAGE = 50
NETWORK_ZONE = ZoneInfo("Europe/Paris")
QUIET_DAYS = 60


@dataclass
class CafeRow:
    """One line of the network's list: the café and what tells whether it needs a call."""

    cafe: Cafe
    members: int
    manager: str
    pending_invitation: str
    last_event_at: datetime | None
    open_reports: int
    bookings_this_month: int

    @property
    def needs_call(self) -> list[str]:
        """Why the network team should call this café (empty: all is well)."""
        from flask_babel import gettext as _

        reasons = []
        if not self.cafe.is_open_for_business:
            return reasons
        if not self.manager:
            reasons.append(
                _("no manager yet") if not self.pending_invitation else _("manager not arrived yet")
            )
        if self.last_event_at is None or self.last_event_at < utcnow() - timedelta(days=QUIET_DAYS):
            reasons.append(_("no event posted for 2 months"))
        if self.open_reports:
            reasons.append(_("reported notices waiting"))
        return reasons


def month_start(now: datetime | None = None) -> datetime:
    """The first moment of this month, on the network's clock."""
    local = (now or utcnow()).astimezone(NETWORK_ZONE)
    return datetime.combine(local.date().replace(day=1), time.min, tzinfo=NETWORK_ZONE)


def _cafe_columns():
    """The list's columns, as subqueries correlated to the café of each row."""
    members = select(func.count(Membership.id)).where(Membership.cafe_id == Cafe.id).scalar_subquery()
    manager = (
        select(User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cafe_id == Cafe.id, Membership.role == Role.MANAGER)
        .order_by(Membership.id)
        .limit(1)
        .scalar_subquery()
    )
    pending = (
        select(Invitation.email)
        .where(
            Invitation.cafe_id == Cafe.id,
            Invitation.role == Role.MANAGER,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    last_event = select(func.max(Event.created_at)).where(Event.cafe_id == Cafe.id).scalar_subquery()
    open_reports = (
        select(func.count(Report.id))
        .where(Report.cafe_id == Cafe.id, Report.resolved_at.is_(None))
        .scalar_subquery()
    )
    bookings = (
        select(func.count(Booking.id))
        .where(
            Booking.cafe_id == Cafe.id,
            Booking.starts_at >= month_start(),
            Booking.status.not_in(CANCELLED),
        )
        .scalar_subquery()
    )
    return members, manager, pending, last_event, open_reports, bookings


def cafe_list(
    query: str = "",
    department: str = "",
    status: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    cafe_id: int | None = None,
):
    """A page of cafés with their team size, manager, last event, open reports and bookings this month.

    Two queries whatever the number of cafés: the count, and the page with correlated subqueries.
    """
    members, manager, pending, last_event, open_reports, bookings = _cafe_columns()
    statement = select(
        Cafe,
        members.label("members"),
        manager.label("manager"),
        pending.label("pending"),
        last_event.label("last_event"),
        open_reports.label("open_reports"),
        bookings.label("bookings"),
    )
    conditions = []
    words = normalise_for_search(query or "")
    if words:
        conditions.append(Cafe.search_text.contains(words))
    if department:
        conditions.append(Cafe.department == department)
    if cafe_id is not None:
        conditions.append(Cafe.id == cafe_id)
    if status == "open":
        conditions.append(Cafe.closed_at.is_(None))
    elif status == "closed":
        conditions.append(Cafe.closed_at.is_not(None))
    statement = statement.where(*conditions).order_by(Cafe.closed_at.is_not(None), Cafe.department, Cafe.name)
    total = db.session.scalar(select(func.count(Cafe.id)).where(*conditions)) or 0
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(
        items=[
            CafeRow(
                cafe=row.Cafe,
                members=int(row.members or 0),
                manager=row.manager or "",
                pending_invitation=row.pending or "",
                last_event_at=row.last_event,
                open_reports=int(row.open_reports or 0),
                bookings_this_month=int(row.bookings or 0),
            )
            for row in rows
        ],
        page=page,
        per_page=per_page,
        total=total,
    )


@dataclass
class Page:
    items: list[CafeRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def cafe_row(cafe: Cafe) -> CafeRow:
    """The list's line for one café (to show it with a form error, wherever it is in the list)."""
    return cafe_list(cafe_id=cafe.id).items[0]


def departments() -> list[str]:
    return list(db.session.scalars(select(Cafe.department).distinct().order_by(Cafe.department)))


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Cafe.id).where(Cafe.slug == slug)) is not None


def create_cafe(
    name: str, slug: str, village: str, postcode: str, department: str, timezone: str, *, actor: User | None
) -> Cafe:
    """Open a new café in the network."""
    cafe = Cafe(
        name=name.strip(),
        slug=slug,
        village=village.strip(),
        postcode=postcode,
        department=department.strip(),
        timezone=timezone,
    )
    cafe.refresh_search_text()
    db.session.add(cafe)
    db.session.flush()
    audit.record("network.cafe_created", cafe, target=slug, village=cafe.village, actor=actor)
    db.session.commit()
    return cafe


def close_cafe(cafe: Cafe, *, actor: User | None) -> None:
    """Take a café out of the directory; its data stays for the records."""
    cafe.closed_at = utcnow()
    audit.record("network.cafe_closed", cafe, target=cafe.slug, actor=actor)
    db.session.commit()


def reopen_cafe(cafe: Cafe, *, actor: User | None) -> None:
    cafe.closed_at = None
    audit.record("network.cafe_reopened", cafe, target=cafe.slug, actor=actor)
    db.session.commit()


def invite_manager(cafe: Cafe, email: str, *, actor: User | None) -> Invitation | None:
    """Email a one-time link that makes whoever opens it the café's manager (pending until claimed).

    None when an invitation to that address is already waiting (inviting twice changes nothing).
    """
    email = email.strip().lower()
    waiting = db.session.scalar(
        select(Invitation.id).where(
            Invitation.cafe_id == cafe.id,
            Invitation.role == Role.MANAGER,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if waiting is not None:
        return None
    invitation, _token = create_invitation(
        cafe, Role.MANAGER, email, actor=actor
    )  # mailed in its transaction
    return invitation


def appoint_or_invite(cafe: Cafe, email: str, *, actor: User | None) -> tuple[User | None, Invitation | None]:
    """An existing account becomes manager at once; anyone else gets an invitation by email."""
    user = appoint_manager(cafe, email, actor=actor)
    if user is not None:
        return user, None
    return None, invite_manager(cafe, email, actor=actor)


def appoint_manager(cafe: Cafe, email: str, *, actor: User | None) -> User | None:
    """Make the account with `email` a manager of the café; None if there is no such account."""
    user = find_user_by_email(email)
    if user is None:
        return None
    membership = membership_of(cafe, user)
    if membership is None:
        db.session.add(Membership(cafe=cafe, user=user, role=Role.MANAGER))
    else:
        membership.role = Role.MANAGER
    audit.record("network.manager_appointed", cafe, target=user.email, actor=actor)
    db.session.commit()
    return user


def network_audit_log(page: int, per_page: int = 50):
    """Every audit entry of the network, newest first."""
    from sqlalchemy.orm import selectinload

    query = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor), selectinload(AuditEntry.cafe))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
