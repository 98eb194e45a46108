"""What the privacy page says, read from the map of personal data."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...models import AuditEntry, Cafe, Rsvp, RsvpStatus, User, utcnow
from ...models.shop import PLACED, ShopSettings
from ...personal_data import MAP
from ...phones import parse_phone
from ...sessions import end_every_session
from . import erasure, export
from .retention import DEFAULT_PARCEL_DAYS

DEFAULT_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 24


@dataclass
class Section:
    """One form (or family of forms) of the site, and what it collects."""

    anchor: str
    title: object
    why: object
    who_sees: object
    tables: tuple[str, ...]

    def fields(self) -> list[object]:
        """The personal fields this section's tables hold, as the map describes them."""
        seen = []
        for table in self.tables:
            for spec in MAP[table].columns.values():
                if spec.personal and not spec.staff_link and spec.about and spec.about not in seen:
                    seen.append(spec.about)
        return seen

    def retention(self, months: int, parcel_days: int = DEFAULT_PARCEL_DAYS) -> list[str]:
        return [
            str(MAP[table].retention) % {"months": months, "parcel_days": parcel_days}
            for table in self.tables
            if MAP[table].retention is not None
        ]


SECTIONS = (
    Section(
        "account",
        _l("Creating an account"),
        _l(
            "An account is optional: you need one only to post on the noticeboard or to join a café's team. "
            "Your address lets you log in and confirm who you are; your name is shown on your notices."
        ),
        _l("Only you. The staff of a café see the name and address of their team members."),
        ("user", "membership"),
    ),
    Section(
        "bookings",
        _l("Booking digital help"),
        _l(
            "So that the helper knows whom to expect, and so that we can confirm, remind or tell you "
            "if the appointment changes. The age band is optional and only feeds anonymous figures."
        ),
        _l("The staff of this café only. The network team sees figures, never names."),
        ("booking",),
    ),
    Section(
        "events",
        _l("Saying you are coming to an event"),
        _l("So that the café knows how many people to expect, and can tell you if the event changes."),
        _l("The staff of this café only. The network team sees figures, never names."),
        ("rsvp",),
    ),
    Section(
        "noticeboard",
        _l("The noticeboard: notices, replies and reports"),
        _l(
            "Your notice is shown on the board with your name; your phone number only if you chose to show "
            "it. A reply goes to the author by email with your name and address; the message is not kept. "
            "When you report a notice, its author is never told who reported it."
        ),
        _l(
            "Everyone sees a published notice. The café's moderators and the network's moderators see "
            "notices waiting for approval and reports."
        ),
        ("notice", "notice_reply", "report"),
    ),
    Section(
        "shop",
        _l("The village shop: bread orders, regular orders and parcels"),
        _l(
            "Your name, so the counter knows whose bread or parcel it is; a phone number or an email "
            "address, to send you the order and its change link, to tell you a parcel has arrived, or to "
            "call you if something changes. Orders are paid at the counter: no bank details are kept."
        ),
        _l(
            "The staff of this café only. The baker receives the day's totals per bread, never names. "
            "The network team sees counts per café and month, never names."
        ),
        ("bread_order", "standing_order", "parcel"),
    ),
    Section(
        "staff",
        _l("What the café's staff record"),
        _l(
            "Staff may book or post a notice for you at the counter with your name and phone. "
            "Every staff and moderation action is logged, to keep the café's tools honest."
        ),
        _l("The café's managers, and the network team for the log of its own actions."),
        ("audit_entry", "moderation_decision", "suspension"),
    ),
)


def sections() -> tuple[Section, ...]:
    return SECTIONS


def operator() -> dict:
    """Who runs the site, from configuration (the legal notice and the privacy page name them)."""
    config = current_app.config
    return {
        "name": config["OPERATOR_NAME"],
        "address": config["OPERATOR_ADDRESS"],
        "email": config["OPERATOR_EMAIL"],
        "phone": config["OPERATOR_PHONE"],
        "registration": config["OPERATOR_REGISTRATION"],
        "director": config["OPERATOR_DIRECTOR"],
        "host": config["HOSTING_PROVIDER"],
    }


def retention_months(cafe: Cafe | None) -> int:
    return cafe.retention_months if cafe is not None else DEFAULT_RETENTION_MONTHS


def parcel_days(cafe: Cafe | None) -> int:
    """How long this café keeps a parcel's recipient after it left (the default site-wide)."""
    if cafe is None:
        return DEFAULT_PARCEL_DAYS
    settings = db.session.get(ShopSettings, cafe.id)
    return settings.parcel_retention_days if settings is not None else DEFAULT_PARCEL_DAYS


# --- one record without an account -----------------------------------------------------------------


def find_record(cafe: Cafe, code: str, contact: str):
    """The booking or RSVP of this café with this code, if `contact` is the phone or email it gave."""
    from ..bookings.services import find_booking, normalise_code

    booking = find_booking(cafe, code, contact)
    if booking is not None:
        return booking
    rsvp = db.session.scalar(
        select(Rsvp).where(
            Rsvp.cafe_id == cafe.id, Rsvp.code == normalise_code(code), Rsvp.anonymised_at.is_(None)
        )
    )
    if rsvp is None or not contact.strip():
        return None
    contact = contact.strip()
    if "@" in contact:
        return rsvp if rsvp.email and rsvp.email.lower() == contact.lower() else None
    try:
        phone = parse_phone(contact, cafe.phone_region)
    except ValueError:
        return None
    return rsvp if rsvp.phone and rsvp.phone == phone else None


# --- erasing an account ------------------------------------------------------------------------------


def upcoming(user: User) -> dict[str, int]:
    """The person's appointments and event replies still to come (the deletion page warns about them)."""
    now = utcnow()
    queries = export.queries_for(user)
    bookings = db.session.scalars(queries[export.BOOKINGS.filename]).all()
    rsvps = db.session.scalars(queries[export.RSVPS.filename]).all()
    orders = db.session.scalars(queries[export.BREAD_ORDERS.filename]).all()
    return {
        "bookings": sum(1 for b in bookings if b.status == "booked" and b.starts_at > now),
        "rsvps": sum(1 for r in rsvps if r.status != RsvpStatus.CANCELLED and r.occurrence_start > now),
        "bread_orders": sum(
            1
            for o in orders
            if o.status == PLACED and o.day >= db.session.get(Cafe, o.cafe_id).local_day(now)
        ),
    }


def erase_account(user: User) -> dict[str, int]:
    """Erase the person's account as the map says (raises erasure.LastManager) and commit.

    The audit log records that an account was erased, without saying whose.
    """
    changed = erasure.anonymise_person(user)
    # Not audit.record(): that would name the person doing it, who is the person erased.
    db.session.add(AuditEntry(action="privacy.account_erased", details={"tables": sorted(changed)}))
    db.session.commit()
    # Every session and remember-me cookie of the account, on every device, ends now.
    end_every_session(user)
    return changed
