"""The network team's work: opening and closing cafés, appointing managers."""

from sqlalchemy import func, select

from ... import audit
from ...extensions import db
from ...models import AuditEntry, Cafe, Membership, Role, User, utcnow
from ..auth.services import find_user_by_email
from ..manage.services import membership_of


def all_cafes() -> list[tuple[Cafe, int]]:
    """Every café, open or closed, with how many members its team has."""
    member_count = select(func.count(Membership.id)).where(Membership.cafe_id == Cafe.id).scalar_subquery()
    rows = db.session.execute(
        select(Cafe, member_count).order_by(Cafe.closed_at.is_not(None), Cafe.department, Cafe.name)
    ).all()
    return [(cafe, count) for cafe, count in rows]


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Cafe.id).where(Cafe.slug == slug)) is not None


def create_cafe(name: str, slug: str, village: str, postcode: str, department: str, timezone: str) -> Cafe:
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
    audit.record("network.cafe_created", cafe, target=slug, village=cafe.village)
    db.session.commit()
    return cafe


def close_cafe(cafe: Cafe) -> None:
    """Take a café out of the directory; its data stays for the records."""
    cafe.closed_at = utcnow()
    audit.record("network.cafe_closed", cafe, target=cafe.slug)
    db.session.commit()


def reopen_cafe(cafe: Cafe) -> None:
    cafe.closed_at = None
    audit.record("network.cafe_reopened", cafe, target=cafe.slug)
    db.session.commit()


def appoint_manager(cafe: Cafe, email: str) -> User | None:
    """Make the account with `email` a manager of the café; None if there is no such account."""
    user = find_user_by_email(email)
    if user is None:
        return None
    membership = membership_of(cafe, user)
    if membership is None:
        db.session.add(Membership(cafe=cafe, user=user, role=Role.MANAGER))
    else:
        membership.role = Role.MANAGER
    audit.record("network.manager_appointed", cafe, target=user.email)
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
