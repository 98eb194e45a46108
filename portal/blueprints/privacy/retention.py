"""Retention that runs by itself: `flask --app wsgi purge-personal-data`, daily.

What each rule erases is the map's `on_expiry` (portal/personal_data.py); when is below:
- bookings and RSVPs: after the café's retention period (`Cafe.retention_months`, 12 by
  default, 24 at most) counted from the date, on the café's own calendar;
- notices: contact details blanked 3 months after the notice expired;
- accounts unused for 2 years: warned by email, then erased 30 days later unless used;
- the audit log and the moderation history: people replaced by pseudonyms after 12 months;
- the shop: bread orders 90 days after their collection day, regular orders 90 days after
  they stopped, parcels the café's number of days (30 by default) after they left.

Every change is a conditional UPDATE ("still not anonymised"), so running the command twice,
even at the same time, anonymises each row once and the second run reports nothing new.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_, select, update

from ...claims import claim, updated_rows
from ...extensions import db
from ...models import AuditEntry, Booking, Cafe, ModerationDecision, Notice, Rsvp, User, utcnow
from ...models.shop import PLACED, WAITING, BreadOrder, Parcel, ShopSettings, StandingOrder
from ...personal_data import MAP, PSEUDONYMISE, STAMP, pseudonym
from ...sessions import end_every_session
from ..impact.services import purge_report_notes
from . import erasure, notifications

NOTICE_CONTACTS_MONTHS = 3
SHOP_DAYS = 90  # bread orders after their day, regular orders after they stopped
DEFAULT_PARCEL_DAYS = 30  # until the café sets its own (ShopSettings.parcel_retention_days)
UNUSED_ACCOUNT_YEARS = 2
WARNING_DAYS = 30
AUDIT_MONTHS = 12
# Details of an audit entry that never name anyone; every other text is pseudonymised.
SAFE_DETAIL_KEYS = {"role", "active", "weekday", "day", "occurrence", "changed", "services", "tables", "mode"}


@dataclass
class Report:
    """What one run did, rule by rule."""

    bookings: int = 0
    rsvps: int = 0
    notices: int = 0
    report_notes: int = 0
    audit_entries: int = 0
    moderation_decisions: int = 0
    accounts_warned: int = 0
    accounts_erased: int = 0
    accounts_kept: list[str] = field(default_factory=list)
    bread_orders: int = 0
    standing_orders: int = 0
    parcels: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"{self.bookings} booking(s) and {self.rsvps} RSVP(s) anonymised.",
            f"{self.notices} expired notice(s) stripped of their contact details.",
            f"{self.report_notes} help report note(s) emptied.",
            f"{self.audit_entries} audit entry(ies) and {self.moderation_decisions} moderation decision(s)"
            " pseudonymised.",
            f"{self.accounts_warned} unused account(s) warned, {self.accounts_erased} erased.",
            f"{self.bread_orders} bread order(s), {self.standing_orders} regular order(s) and"
            f" {self.parcels} parcel(s) anonymised.",
        ]
        lines.extend(f"Kept (last manager of a café, or network team): {who}" for who in self.accounts_kept)
        return lines


def local_midnight(cafe: Cafe, day) -> datetime:
    """The first moment of `day` on the café's calendar."""
    return datetime.combine(day, time(0), tzinfo=cafe.zone)


def _expiry_values(table_name: str, now: datetime) -> dict:
    return erasure.values_for(table_name, "on_expiry", now)


def _not_yet(table_name: str, values: dict):
    """Rows still holding something the rule erases (so a second run changes nothing)."""
    table_ = erasure.table(table_name)
    stamps = [n for n, s in MAP[table_name].columns.items() if s.on_expiry == STAMP]
    if stamps:
        return table_.c[stamps[0]].is_(None)
    return or_(*(table_.c[name].is_distinct_from(value) for name, value in values.items()))


def anonymise_bookings_and_rsvps(cafe: Cafe, now: datetime) -> tuple[int, int]:
    """Names and contacts of this café's bookings and RSVPs older than its retention period."""
    kept_since = local_midnight(cafe, cafe.local_day(now) - relativedelta(months=cafe.retention_months))
    counts = []
    for model, when, table_name in (
        (Booking, Booking.starts_at, "booking"),
        (Rsvp, Rsvp.occurrence_start, "rsvp"),
    ):
        values = _expiry_values(table_name, now)
        counts.append(
            updated_rows(
                update(model)
                .where(model.cafe_id == cafe.id, when < kept_since, _not_yet(table_name, values))
                .values(**values)
            )
        )
    db.session.commit()
    return counts[0], counts[1]


def strip_expired_notices(cafe: Cafe, now: datetime) -> int:
    """Contact details of this café's notices that expired more than 3 months ago."""
    expired_before = cafe.local_day(now) - relativedelta(months=NOTICE_CONTACTS_MONTHS)
    values = _expiry_values("notice", now)
    count = updated_rows(
        update(Notice)
        .where(Notice.cafe_id == cafe.id, Notice.expires_on < expired_before, _not_yet("notice", values))
        .values(**values)
    )
    db.session.commit()
    return count


def anonymise_shop(cafe: Cafe, now: datetime) -> tuple[int, int, int]:
    """Names and contacts of this café's shop: bread orders 90 days after their collection day
    (once collected, cancelled or marked not collected), regular orders 90 days after they
    stopped, parcels the café's number of days after they left; on the café's calendar."""
    today = cafe.local_day(now)
    orders_values = _expiry_values("bread_order", now)
    orders = updated_rows(
        update(BreadOrder)
        .where(
            BreadOrder.cafe_id == cafe.id,
            BreadOrder.day < today - timedelta(days=SHOP_DAYS),
            BreadOrder.status != PLACED,
            _not_yet("bread_order", orders_values),
        )
        .values(**orders_values)
    )
    standing_values = _expiry_values("standing_order", now)
    standing = updated_rows(
        update(StandingOrder)
        .where(
            StandingOrder.cafe_id == cafe.id,
            StandingOrder.active.is_(False),
            StandingOrder.updated_at < local_midnight(cafe, today - timedelta(days=SHOP_DAYS)),
            _not_yet("standing_order", standing_values),
        )
        .values(**standing_values)
    )
    settings = db.session.get(ShopSettings, cafe.id)
    days = settings.parcel_retention_days if settings is not None else DEFAULT_PARCEL_DAYS
    left_before = local_midnight(cafe, today - timedelta(days=days))
    parcel_values = _expiry_values("parcel", now)
    parcels = updated_rows(
        update(Parcel)
        .where(
            Parcel.cafe_id == cafe.id,
            Parcel.status != WAITING,
            or_(Parcel.handed_over_at < left_before, Parcel.returned_at < left_before),
            _not_yet("parcel", parcel_values),
        )
        .values(**parcel_values)
    )
    db.session.commit()
    return orders, standing, parcels


def _pseudonymised_details(details: dict) -> dict:
    result = {}
    for key, value in (details or {}).items():
        if key in SAFE_DETAIL_KEYS or not isinstance(value, str) or not value:
            result[key] = value
        else:
            result[key] = pseudonym(value)
    return result


def pseudonymise_audit(now: datetime) -> int:
    """Audit entries older than 12 months: whoever acted, and whoever they named, become pseudonyms."""
    before = now - relativedelta(months=AUDIT_MONTHS)
    assert {n for n, s in MAP["audit_entry"].columns.items() if s.on_expiry == PSEUDONYMISE} == {
        "actor_id",
        "target",
        "details",
    }, "the map changed: teach pseudonymise_audit the new columns"
    count = 0
    rows = db.session.execute(
        select(AuditEntry.id, AuditEntry.actor_id, AuditEntry.target, AuditEntry.details).where(
            AuditEntry.created_at < before, AuditEntry.pseudonymised_at.is_(None)
        )
    ).all()
    for entry_id, actor_id, target, details in rows:
        details = _pseudonymised_details(details)
        if actor_id is not None:
            details["actor"] = pseudonym(f"user:{actor_id}")
        won = claim(
            update(AuditEntry)
            .where(AuditEntry.id == entry_id, AuditEntry.pseudonymised_at.is_(None))
            .values(
                actor_id=None,
                target=pseudonym(target) if target else "",
                details=details,
                pseudonymised_at=now,
            )
        )
        count += int(won)
    db.session.commit()
    return count


def strip_moderation_history(now: datetime) -> int:
    """Moderation decisions older than 12 months no longer say about whom, by whom, or why."""
    values = _expiry_values("moderation_decision", now)
    count = updated_rows(
        update(ModerationDecision)
        .where(
            ModerationDecision.created_at < now - relativedelta(months=AUDIT_MONTHS),
            _not_yet("moderation_decision", values),
        )
        .values(**values)
    )
    db.session.commit()
    return count


def note_seen(user: User) -> None:
    """The person logged in: the account is in use (and any warning is void)."""
    db.session.execute(
        update(User).where(User.id == user.id).values(last_seen_at=utcnow(), inactivity_warned_at=None)
    )
    db.session.commit()


def _last_seen():
    return func.coalesce(User.last_seen_at, User.created_at)


def warn_unused_accounts(now: datetime) -> int:
    """Accounts unused for 2 years get one email: log in within 30 days, or the account is erased."""
    unused_since = now - relativedelta(years=UNUSED_ACCOUNT_YEARS)
    candidates = db.session.scalars(
        select(User.id).where(
            User.anonymised_at.is_(None), User.inactivity_warned_at.is_(None), _last_seen() < unused_since
        )
    ).all()
    warned = 0
    for user_id in candidates:
        # Claimed first, so that two runs at once send one email.
        if not claim(
            update(User)
            .where(User.id == user_id, User.inactivity_warned_at.is_(None), User.anonymised_at.is_(None))
            .values(inactivity_warned_at=now)
        ):
            continue
        user = db.session.get(User, user_id)
        _send_warning(user, now)
        db.session.commit()  # "warned" and the warning together
        warned += 1
    return warned


def _send_warning(user: User, now: datetime) -> None:
    deadline = (now + relativedelta(days=WARNING_DAYS)).date()
    notifications.unused_account_warning(user, deadline)


def erase_unused_accounts(now: datetime, report: Report) -> None:
    """Accounts warned 30 days ago and still unused are erased, as if their owner had asked."""
    warned_before = now - relativedelta(days=WARNING_DAYS)
    candidates = db.session.scalars(
        select(User).where(
            User.anonymised_at.is_(None),
            User.inactivity_warned_at.is_not(None),
            User.inactivity_warned_at <= warned_before,
            _last_seen() < User.inactivity_warned_at,
        )
    ).all()
    for user in candidates:
        if user.is_network_admin or erasure.cafes_needing_a_manager(user):
            report.accounts_kept.append(f"account {user.id}")
            continue
        user_id = user.id
        if not claim(
            update(User).where(User.id == user_id, User.anonymised_at.is_(None)).values(anonymised_at=now)
        ):
            db.session.rollback()
            continue
        try:
            erasure.anonymise_person(user, now)
        except erasure.LastManager:
            db.session.rollback()
            report.accounts_kept.append(f"account {user_id}")
            continue
        db.session.add(AuditEntry(action="privacy.unused_account_erased", details={}))
        db.session.commit()
        end_every_session(user)
        report.accounts_erased += 1


def run(now: datetime | None = None) -> Report:
    """Every retention rule, for every café; safe to run again, or twice at once."""
    now = now or utcnow()
    report = Report()
    for cafe in db.session.scalars(select(Cafe).order_by(Cafe.id)).all():
        bookings, rsvps = anonymise_bookings_and_rsvps(cafe, now)
        report.bookings += bookings
        report.rsvps += rsvps
        report.notices += strip_expired_notices(cafe, now)
        orders, standing, parcels = anonymise_shop(cafe, now)
        report.bread_orders += orders
        report.standing_orders += standing
        report.parcels += parcels
    # Help reports keep their categories (the impact figures); only the helpers' notes go.
    report.report_notes = purge_report_notes(now)
    report.audit_entries = pseudonymise_audit(now)
    report.moderation_decisions = strip_moderation_history(now)
    report.accounts_warned = warn_unused_accounts(now)
    erase_unused_accounts(now, report)
    return report
