"""The village shop's figures for the network's impact dashboard: counts only, never a name.

    shop_activity(date(2026, 1, 1), date(2026, 12, 31))            # every café
    shop_activity(first, last, cafe_ids=[3, 7])                      # some cafés
gives one `ShopMonth` per café and month with bread orders, how many were collected or not,
the collection rate, and the parcels received.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...models.shop import CANCELLED, COLLECTED, UNCOLLECTED, BreadOrder, Parcel


@dataclass
class ShopMonth:
    cafe_id: int
    month: str  # "2026-12"
    bread_orders: int = 0
    collected: int = 0
    uncollected: int = 0
    parcels: int = 0

    @property
    def collection_rate(self) -> float | None:
        """Collected among the orders whose day is over (None when there is none yet)."""
        settled = self.collected + self.uncollected
        return round(self.collected / settled, 3) if settled else None

    def as_dict(self) -> dict:
        return {
            "cafe_id": self.cafe_id,
            "month": self.month,
            "bread_orders": self.bread_orders,
            "collected": self.collected,
            "uncollected": self.uncollected,
            "collection_rate": self.collection_rate,
            "parcels": self.parcels,
        }


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def shop_activity(first_day: date, last_day: date, cafe_ids: list[int] | None = None) -> list[ShopMonth]:
    """Bread orders, collection and parcels per café and month between two dates (included)."""
    months: dict[tuple[int, str], ShopMonth] = {}

    def entry(cafe_id: int, month: str) -> ShopMonth:
        return months.setdefault((cafe_id, month), ShopMonth(cafe_id, month))

    month = _month(BreadOrder.day)
    orders = (
        select(BreadOrder.cafe_id, month, BreadOrder.status, func.count())
        .where(BreadOrder.day >= first_day, BreadOrder.day <= last_day, BreadOrder.status != CANCELLED)
        .group_by(BreadOrder.cafe_id, month, BreadOrder.status)
    )
    if cafe_ids is not None:
        orders = orders.where(BreadOrder.cafe_id.in_(cafe_ids))
    for cafe_id, month_key, status, count in db.session.execute(orders):
        row = entry(cafe_id, month_key)
        row.bread_orders += count
        if status == COLLECTED:
            row.collected += count
        elif status == UNCOLLECTED:
            row.uncollected += count

    start = datetime.combine(first_day, time(0), tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC)
    month = _month(Parcel.created_at)
    parcels = (
        select(Parcel.cafe_id, month, func.count())
        .where(Parcel.created_at >= start, Parcel.created_at < end)
        .group_by(Parcel.cafe_id, month)
    )
    if cafe_ids is not None:
        parcels = parcels.where(Parcel.cafe_id.in_(cafe_ids))
    for cafe_id, month_key, count in db.session.execute(parcels):
        entry(cafe_id, month_key).parcels += count
    return [months[key] for key in sorted(months)]
