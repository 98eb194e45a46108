"""Download my data: one CSV per kind of record, and a README (in French) describing each column.

The columns come from the map (portal/personal_data.py): their descriptions are the map's, so
the README cannot describe a column the map does not know. Links to staff members are written
"staff"; reports on the person's notices are left out (who reported is never told).
"""

import csv
import enum
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, func, or_, select

from ...extensions import db
from ...models import Booking, Cafe, Membership, Notice, NoticeReply, Report, Rsvp, User
from ...models.shop import BreadOrder, Parcel, StandingOrder
from ...personal_data import MAP

STAFF = "staff"


@dataclass
class Kind:
    """One CSV file: which table, which of its columns, which rows (the person's own)."""

    filename: str
    title: object
    table: str
    columns: tuple[str, ...]
    # Extra columns computed from the row: header -> (description, function).
    extras: dict[str, tuple[object, Callable]] = field(default_factory=dict)

    def headers(self) -> list[str]:
        return ["cafe", *self.columns, *self.extras] if self._has_cafe else [*self.columns, *self.extras]

    @property
    def _has_cafe(self) -> bool:
        return "cafe_id" in MAP[self.table].columns

    def row(self, record) -> list[str]:
        values = [db.session.get(Cafe, record.cafe_id).name] if self._has_cafe else []
        for name in self.columns:
            spec = MAP[self.table].columns[name]
            value = getattr(record, name)
            values.append(STAFF if spec.staff_link and value is not None else _text(value))
        values.extend(_text(function(record)) for _, function in self.extras.values())
        return values

    def describe(self) -> list[tuple[str, str]]:
        lines = [("cafe", str(_l("The café")))] if self._has_cafe else []
        for name in self.columns:
            about = MAP[self.table].columns[name].about
            spec = MAP[self.table].columns[name]
            text = str(about)
            if spec.staff_link:
                text += " " + str(_l("(written “staff”: the team member is not named)"))
            lines.append((name, text))
        lines.extend((header, str(about)) for header, (about, _) in self.extras.items())
        return lines


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value) if not isinstance(value.value, int) else value.name.lower()
    return str(value)


ACCOUNT = Kind(
    "compte.csv",
    _l("Your account"),
    "user",
    ("id", "email", "display_name", "email_confirmed_at", "last_seen_at", "created_at"),
)
NOTICES = Kind(
    "annonces.csv",
    _l("Your notices"),
    "notice",
    (
        "id",
        "title",
        "body",
        "category",
        "expires_on",
        "relay_contact",
        "contact_phone",
        "status",
        "created_at",
        "published_at",
        "approved_by_id",
        "reject_reason",
        "hidden",
        "hidden_reason",
        "hidden_by_id",
    ),
)
REPLIES = Kind(
    "reponses_envoyees.csv", _l("Replies you sent to notices"), "notice_reply", ("notice_id", "created_at")
)
REPORTS = Kind(
    "signalements.csv",
    _l("Notices you reported"),
    "report",
    ("notice_id", "reason", "note", "created_at", "resolved_at", "resolved_by_id"),
)
RSVPS = Kind(
    "participations.csv",
    _l("Events you said you would come to"),
    "rsvp",
    (
        "code",
        "occurrence_start",
        "name",
        "email",
        "phone",
        "party_size",
        "status",
        "created_at",
        "cancelled_at",
    ),
    extras={"event": (_l("The event"), lambda rsvp: rsvp.event.title)},
)
BOOKINGS = Kind(
    "rendez_vous.csv",
    _l("Your digital-help appointments"),
    "booking",
    (
        "code",
        "starts_at",
        "ends_at",
        "party_size",
        "name",
        "phone",
        "email",
        "age_band",
        "note",
        "status",
        "cancel_reason",
        "helper_id",
        "booked_by_id",
        "created_at",
    ),
    extras={"topic": (_l("What the help is about"), lambda booking: booking.topic.name)},
)
MEMBERSHIPS = Kind("equipes.csv", _l("Your roles in cafés' teams"), "membership", ("role", "created_at"))


def _items(order) -> str:
    """'2 × Baguette, 1 × Croissant': what an order (one day or regular) holds."""
    return ", ".join(f"{line.quantity} × {line.product.name}" for line in order.lines)


BREAD_ORDERS = Kind(
    "commandes_pain.csv",
    _l("Your bread orders"),
    "bread_order",
    (
        "code",
        "day",
        "name",
        "phone",
        "email",
        "status",
        "total_cents",
        "created_at",
        "collected_at",
        "ordered_by_id",
        "collected_by_id",
    ),
    extras={"items": (_l("What was ordered: quantity × bread"), _items)},
)
STANDING_ORDERS = Kind(
    "commandes_regulieres.csv",
    _l("Your regular bread orders"),
    "standing_order",
    ("code", "weekdays", "active", "name", "phone", "email", "created_at", "created_by_id"),
    extras={
        "items": (_l("What is ordered: quantity × bread"), _items),
        "pauses": (
            _l("Pauses (first day to last day)"),
            lambda order: ", ".join(
                f"{p.first_day.isoformat()} → {p.last_day.isoformat()}" for p in order.pauses
            ),
        ),
    },
)
PARCELS = Kind(
    "colis.csv",
    _l("Parcels kept for you at the counter"),
    "parcel",
    (
        "recipient",
        "phone",
        "email",
        "carrier",
        "keep_until",
        "status",
        "created_at",
        "notified_at",
        "handed_over_at",
        "returned_at",
        "received_by_id",
        "handed_over_by_id",
    ),
)

KINDS = (
    ACCOUNT,
    NOTICES,
    REPLIES,
    REPORTS,
    RSVPS,
    BOOKINGS,
    MEMBERSHIPS,
    BREAD_ORDERS,
    STANDING_ORDERS,
    PARCELS,
)


def _by_email(column, user: User):
    # Bookings and RSVPs are made without an account: an address is theirs once confirmed.
    if not user.email_confirmed:
        return false()
    return func.lower(column) == user.email.lower()


def queries_for(user: User) -> dict[str, Select]:
    """Everything that is this person's, per kind of record."""
    return {
        ACCOUNT.filename: select(User).where(User.id == user.id),
        NOTICES.filename: select(Notice).where(Notice.author_id == user.id).order_by(Notice.id),
        REPLIES.filename: select(NoticeReply)
        .where(NoticeReply.sender_id == user.id)
        .order_by(NoticeReply.id),
        REPORTS.filename: select(Report).where(Report.reporter_id == user.id).order_by(Report.id),
        RSVPS.filename: select(Rsvp)
        .where(or_(Rsvp.user_id == user.id, _by_email(Rsvp.email, user)))
        .order_by(Rsvp.id),
        BOOKINGS.filename: select(Booking).where(_by_email(Booking.email, user)).order_by(Booking.id),
        MEMBERSHIPS.filename: select(Membership).where(Membership.user_id == user.id).order_by(Membership.id),
        # The shop is used without an account: like bookings, the confirmed address is the link.
        BREAD_ORDERS.filename: select(BreadOrder)
        .where(_by_email(BreadOrder.email, user))
        .order_by(BreadOrder.day, BreadOrder.id),
        STANDING_ORDERS.filename: select(StandingOrder)
        .where(_by_email(StandingOrder.email, user))
        .order_by(StandingOrder.id),
        PARCELS.filename: select(Parcel).where(_by_email(Parcel.email, user)).order_by(Parcel.id),
    }


def _csv(kind: Kind, records: Iterable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(kind.headers())
    for record in records:
        writer.writerow(kind.row(record))
    # A byte-order mark, so that spreadsheet software opens the accents right.
    return "\ufeff" + out.getvalue()


def _readme(kinds: Iterable[Kind], intro: str) -> str:
    lines = [intro, ""]
    for kind in kinds:
        lines.append(f"{kind.filename} — {kind.title}")
        for header, about in kind.describe():
            lines.append(f"  - {header} : {about}")
        lines.append("")
    lines.append(
        str(_l("Dates and times are in UTC (ISO 8601). Files are separated by semicolons, in UTF-8."))
    )
    return "\n".join(lines) + "\n"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8"))
    return buffer.getvalue()


def account_archive(user: User) -> bytes:
    """The zip a logged-in person downloads: every kind of record, and the README."""
    files = {}
    queries = queries_for(user)
    with force_locale("fr"):
        for kind in KINDS:
            files[kind.filename] = _csv(kind, db.session.scalars(queries[kind.filename]))
        files["LISEZMOI.txt"] = _readme(
            KINDS,
            str(_l("Everything Comptoir keeps about your account, one file per kind of record.")),
        )
    return _zip(files)


def record_archive(record: Booking | Rsvp) -> bytes:
    """The zip for one booking or RSVP, for someone without an account."""
    kind = BOOKINGS if isinstance(record, Booking) else RSVPS
    with force_locale("fr"):
        files = {
            kind.filename: _csv(kind, [record]),
            "LISEZMOI.txt": _readme([kind], str(_l("What the café keeps about this record."))),
        }
    return _zip(files)
