"""Running a café: profile, hours, services, team. Every change is audited."""

import secrets
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ... import audit
from ...claims import claim
from ...extensions import db
from ...models import (
    SERVICES,
    AuditEntry,
    Cafe,
    CafeService,
    HoursException,
    Invitation,
    Membership,
    Role,
    User,
    WeeklyHours,
    utcnow,
)
from ...phones import parse_phone
from ...sessions import end_every_session


class InvitationUsed(Exception):
    """Someone else accepted this one-time invitation first."""


class LastManagerError(Exception):
    """A café must always keep at least one manager."""


def update_profile(
    cafe: Cafe, name: str, address: str, phone: str, email: str, description: str, *, actor: User | None
) -> None:
    """Save the café's public details."""
    cafe.name = name.strip()
    cafe.address = address.strip()
    cafe.phone = parse_phone(phone, cafe.phone_region) if phone else ""
    cafe.email = email.strip().lower()
    cafe.description = description.strip()
    cafe.refresh_search_text()
    audit.record("cafe.profile_updated", cafe, target=cafe.name, actor=actor)
    db.session.commit()


def replace_weekly_hours(cafe: Cafe, days: list[list[tuple[time, time]]], *, actor: User | None) -> None:
    """Replace the usual week with `days` (Monday first, a list of periods each)."""
    cafe.weekly_hours.clear()
    for weekday, periods in enumerate(days):
        for opens, closes in periods:
            cafe.weekly_hours.append(WeeklyHours(weekday=weekday, opens=opens, closes=closes))
    audit.record(
        "cafe.hours_updated",
        cafe,
        week=[[f"{o:%H:%M}-{c:%H:%M}" for o, c in periods] for periods in days],
        actor=actor,
    )
    db.session.commit()


def save_hours_exception(
    cafe: Cafe,
    day: date,
    closed: bool,
    opens: time | None,
    closes: time | None,
    label: str,
    *,
    actor: User | None,
) -> HoursException:
    """Add an exceptional day, or replace the one already set for that date."""
    exception = db.session.scalar(
        select(HoursException).where(HoursException.cafe_id == cafe.id, HoursException.day == day)
    )
    if exception is None:
        exception = HoursException(cafe=cafe, day=day)
        db.session.add(exception)
    exception.closed = closed
    exception.opens = None if closed else opens
    exception.closes = None if closed else closes
    exception.label = label.strip()
    audit.record(
        "cafe.hours_exception_saved",
        cafe,
        target=day.isoformat(),
        closed=closed,
        label=exception.label,
        actor=actor,
    )
    db.session.commit()
    return exception


def delete_hours_exception(cafe: Cafe, exception: HoursException, *, actor: User | None) -> None:
    """Remove an exceptional day: the usual hours apply again."""
    audit.record("cafe.hours_exception_deleted", cafe, target=exception.day.isoformat(), actor=actor)
    db.session.delete(exception)
    db.session.commit()


def set_services(cafe: Cafe, keys: list[str], *, actor: User | None) -> None:
    """Make the café offer exactly the known services in `keys`."""
    wanted = [key for key in SERVICES if key in set(keys)]
    current = {service.key: service for service in cafe.services}
    for key, service in current.items():
        if key not in wanted:
            cafe.services.remove(service)
    for key in wanted:
        if key not in current:
            cafe.services.append(CafeService(key=key))
    audit.record("cafe.services_updated", cafe, services=wanted, actor=actor)
    db.session.commit()


def team(cafe: Cafe) -> list[Membership]:
    """The café's members, highest role first."""
    members = db.session.scalars(
        select(Membership)
        .where(Membership.cafe_id == cafe.id)
        .options(selectinload(Membership.user))
        .join(Membership.user)
        .order_by(User.display_name)
    ).all()
    return sorted(members, key=lambda m: -m.role)


def open_invitations(cafe: Cafe) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.cafe_id == cafe.id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def create_invitation(
    cafe: Cafe, role: Role, email: str = "", *, actor: User | None
) -> tuple[Invitation, str]:
    """A one-time invitation; the raw token is returned once and only its hash is kept.

    With an address, the invitation mail is recorded in the same transaction as the invitation.
    """
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        cafe=cafe,
        role=role,
        email=email.strip().lower(),
        token_hash=Invitation.hash_token(token),
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
        created_by=actor,
    )
    db.session.add(invitation)
    target = invitation.email or role.name.lower()
    audit.record("team.invited", cafe, target=target, role=role.name.lower(), actor=actor)
    if invitation.email:
        from ...urls import external_url
        from .notifications import invitation_sent

        invitation_sent(cafe, invitation, external_url("cafe.manage.join", cafe_slug=cafe.slug, token=token))
    db.session.commit()
    return invitation, token


def find_invitation(cafe: Cafe, token: str) -> Invitation | None:
    """The café's invitation for this token, usable or not."""
    return db.session.scalar(
        select(Invitation).where(
            Invitation.cafe_id == cafe.id, Invitation.token_hash == Invitation.hash_token(token)
        )
    )


def accept_invitation(cafe: Cafe, invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invited role; an existing member keeps the higher role.

    One-time: of two people sending the link at the same moment, only one joins.
    """
    now = utcnow()
    claimed = claim(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
    )
    if not claimed:
        db.session.rollback()
        raise InvitationUsed
    membership = membership_of(cafe, user)
    if membership is None:
        membership = Membership(cafe=cafe, user=user, role=invitation.role)
        db.session.add(membership)
    elif invitation.role > membership.role:
        membership.role = invitation.role
    invitation.accepted_at = now
    invitation.accepted_by = user
    audit.record("team.joined", cafe, target=user.email, role=membership.role.name.lower(), actor=user)
    db.session.commit()
    return membership


def revoke_invitation(cafe: Cafe, invitation: Invitation, *, actor: User | None) -> None:
    audit.record(
        "team.invitation_revoked", cafe, target=invitation.email or invitation.role.name.lower(), actor=actor
    )
    db.session.delete(invitation)
    db.session.commit()


def membership_of(cafe: Cafe, user: User) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.cafe_id == cafe.id, Membership.user_id == user.id)
    )


def _manager_count(cafe: Cafe) -> int:
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.cafe_id == cafe.id, Membership.role == Role.MANAGER
            )
        )
        or 0
    )


def change_role(cafe: Cafe, membership: Membership, role: Role, *, actor: User | None) -> None:
    """Give a member another role; the last manager cannot be demoted."""
    if membership.role == Role.MANAGER and role != Role.MANAGER and _manager_count(cafe) <= 1:
        raise LastManagerError
    previous = membership.role
    membership.role = role
    audit.record(
        "team.role_changed",
        cafe,
        target=membership.user.email,
        previous=previous.name.lower(),
        role=role.name.lower(),
        actor=actor,
    )
    db.session.commit()


def remove_member(cafe: Cafe, membership: Membership, *, actor: User | None) -> None:
    """Take someone off the team; the last manager cannot be removed."""
    if membership.role == Role.MANAGER and _manager_count(cafe) <= 1:
        raise LastManagerError
    audit.record(
        "team.removed", cafe, target=membership.user.email, role=membership.role.name.lower(), actor=actor
    )
    user = membership.user
    db.session.delete(membership)
    db.session.commit()
    # Their open sessions (the café PC, a phone) must not keep the team's pages open.
    end_every_session(user)


def audit_log(cafe: Cafe, page: int, per_page: int = 50):
    """The café's audit entries, newest first, a page at a time."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.cafe_id == cafe.id)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
