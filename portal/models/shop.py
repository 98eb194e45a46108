"""The village shop: bread ordered the day before, and parcels waiting at the counter.

Stock is one `BreadStock` row per café, product and collection day. An order takes its
loaves with a conditional UPDATE that only matches while enough are left, and a CHECK
constraint backs it up: the baker's delivery is never oversold, whatever the concurrency.
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime
from .user import User

ALL_WEEKDAYS = "0123456"

# Orders
PLACED = "placed"
COLLECTED = "collected"
UNCOLLECTED = "uncollected"
CANCELLED = "cancelled"
ORDER_STATUSES = (PLACED, COLLECTED, UNCOLLECTED, CANCELLED)
ORDER_STATUS_LABELS = {
    PLACED: _l("To collect"),
    COLLECTED: _l("Collected"),
    UNCOLLECTED: _l("Not collected"),
    CANCELLED: _l("Cancelled"),
}

# Parcels
WAITING = "waiting"
HANDED_OVER = "collected"
RETURNED = "returned"
PARCEL_STATUSES = (WAITING, HANDED_OVER, RETURNED)
PARCEL_STATUS_LABELS = {
    WAITING: _l("Waiting"),
    HANDED_OVER: _l("Collected"),
    RETURNED: _l("Returned to the carrier"),
}
# The carriers' usual hold periods at a relay point, in days (staff may change the date).
CARRIERS = {
    "la_poste": (_l("La Poste"), 10),
    "mondial_relay": (_l("Mondial Relay"), 5),
    "relais_colis": (_l("Relais Colis"), 10),
    "chronopost": (_l("Chronopost"), 7),
    "other": (_l("Other"), 7),
}


class ShopSettings(Timestamped, db.Model):
    """When orders close (the cut-off), when bread can be collected, where the baker's list goes."""

    __table_args__ = (
        CheckConstraint("cutoff_days_before BETWEEN 0 AND 7", name="cutoff_days_range"),
        CheckConstraint("parcel_retention_days BETWEEN 0 AND 365", name="parcel_retention_range"),
    )

    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), primary_key=True)
    cutoff_days_before: Mapped[int] = mapped_column(default=1)
    cutoff_time: Mapped[time] = mapped_column(default=time(18, 0))
    collect_from: Mapped[time] = mapped_column(default=time(7, 30))
    closing_time: Mapped[time] = mapped_column(default=time(19, 0))
    days_ahead: Mapped[int] = mapped_column(default=7)
    baker_email: Mapped[str] = mapped_column(String(255), default="")
    parcel_retention_days: Mapped[int] = mapped_column(default=30)


class Product(CafeScoped, Timestamped, db.Model):
    """Something the baker delivers: a price shown (paid at the counter) and a daily quantity."""

    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_positive"),
        CheckConstraint("daily_quantity >= 0", name="daily_quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    price_cents: Mapped[int] = mapped_column(default=0)
    daily_quantity: Mapped[int] = mapped_column(default=0)
    weekdays: Mapped[str] = mapped_column(String(7), default=ALL_WEEKDAYS)  # "0".."6", Monday = 0
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    cafe: Mapped[Cafe] = relationship()

    def sold_on(self, day: date) -> bool:
        return self.active and str(day.weekday()) in self.weekdays


class BreadStock(CafeScoped, db.Model):
    """How many of a product the baker delivers on one day, and how many are ordered."""

    __table_args__ = (
        UniqueConstraint("cafe_id", "product_id", "day", name="uq_bread_stock_product_day"),
        CheckConstraint("taken >= 0", name="taken_positive"),
        CheckConstraint("taken <= capacity", name="never_oversold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    # Staff set this day's quantity by hand: the product's usual quantity no longer applies.
    fixed: Mapped[bool] = mapped_column(default=False)


class StandingOrder(CafeScoped, Timestamped, db.Model):
    """A regular's "2 baguettes every day except Monday", turned into orders day by day."""

    __table_args__ = (
        UniqueConstraint("cafe_id", "code", name="uq_standing_order_cafe_code"),
        # The key of the form it came from: a double tap makes one regular order, not two.
        UniqueConstraint("cafe_id", "form_key", name="uq_standing_order_cafe_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    weekdays: Mapped[str] = mapped_column(String(7), default=ALL_WEEKDAYS)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_key: Mapped[str | None] = mapped_column(String(64))  # only the ordering browser holds it

    lines: Mapped[list["StandingOrderLine"]] = relationship(
        back_populates="standing_order", cascade="all, delete-orphan", order_by="StandingOrderLine.id"
    )
    pauses: Mapped[list["StandingOrderPause"]] = relationship(
        back_populates="standing_order", cascade="all, delete-orphan", order_by="StandingOrderPause.first_day"
    )

    def paused_on(self, day: date) -> bool:
        return any(p.first_day <= day <= p.last_day for p in self.pauses)


class StandingOrderLine(db.Model):
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(
        ForeignKey("standing_order.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    quantity: Mapped[int]

    standing_order: Mapped[StandingOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class StandingOrderPause(db.Model):
    """A holiday of the regular: no bread from `first_day` to `last_day`."""

    __table_args__ = (CheckConstraint("last_day >= first_day", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(
        ForeignKey("standing_order.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date]

    standing_order: Mapped[StandingOrder] = relationship(back_populates="pauses")


class StandingShortfall(CafeScoped, db.Model):
    """A day a regular order could not be placed because too little bread was left.

    One row per regular order and day: the person is told once, staff see it on the day list,
    and the day is not tried again (bread never appears on a day they were told it would not).
    """

    __table_args__ = (UniqueConstraint("standing_order_id", "day", name="uq_standing_shortfall_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(
        ForeignKey("standing_order.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(index=True)
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    standing_order: Mapped[StandingOrder] = relationship()


class BreadOrder(CafeScoped, Timestamped, db.Model):
    """One person's bread for one collection day (never moved to another day)."""

    __table_args__ = (
        UniqueConstraint("cafe_id", "code", name="uq_bread_order_cafe_code"),
        # A standing order makes at most one order per day, however often the job runs.
        UniqueConstraint("standing_order_id", "day", name="uq_bread_order_standing_day"),
        # The random key of the form an order came from: the same form sent twice (a double
        # tap, slow 3G, eight at once) finds the order the first made instead of taking more bread.
        UniqueConstraint("cafe_id", "form_key", name="uq_bread_order_cafe_form_key"),
        CheckConstraint("status IN ('placed', 'collected', 'uncollected', 'cancelled')", name="status_known"),
        CheckConstraint("total_cents >= 0", name="total_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    code: Mapped[str] = mapped_column(String(12))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default=PLACED)
    total_cents: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    standing_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("standing_order.id", ondelete="SET NULL"), index=True
    )
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_key: Mapped[str | None] = mapped_column(String(64))  # only the ordering browser holds it

    lines: Mapped[list["BreadOrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="BreadOrderLine.id"
    )
    ordered_by: Mapped[User | None] = relationship(foreign_keys=[ordered_by_id])
    collected_by: Mapped[User | None] = relationship(foreign_keys=[collected_by_id])

    @property
    def status_label(self) -> str:
        return str(ORDER_STATUS_LABELS[self.status])


class BreadOrderLine(db.Model):
    __table_args__ = (
        UniqueConstraint("order_id", "product_id", name="uq_bread_order_line_product"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("bread_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]

    order: Mapped[BreadOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class BakerListSent(CafeScoped, db.Model):
    """The baker's list of one day went out (once, however many schedulers run)."""

    __table_args__ = (UniqueConstraint("cafe_id", "day", name="uq_baker_list_cafe_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Parcel(CafeScoped, Timestamped, db.Model):
    """A parcel waiting at the counter for its owner. Staff only: nothing of it is public."""

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'collected', 'returned')", name="status_known"),
        UniqueConstraint("cafe_id", "form_key", name="uq_parcel_cafe_form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    carrier: Mapped[str] = mapped_column(String(20), default="la_poste")
    keep_until: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=WAITING, index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The key of the form that recorded it: a double tap records one parcel and sends one message.
    form_key: Mapped[str | None] = mapped_column(String(64))

    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    handed_over_by: Mapped[User | None] = relationship(foreign_keys=[handed_over_by_id])

    @property
    def status_label(self) -> str:
        return str(PARCEL_STATUS_LABELS[self.status])

    @property
    def carrier_label(self) -> str:
        return str(CARRIERS.get(self.carrier, CARRIERS["other"])[0])
