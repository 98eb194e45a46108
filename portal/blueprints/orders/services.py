"""Bread and daily orders: queries and rules. The café is always the first argument.

Two promises, kept by the database and the server clock, never by the page:
- never late: the cut-off of a collection day is checked when the order is sent, with the
  server's clock, in the transaction that takes the stock (a page opened before the
  cut-off and sent after it is refused);
- never oversold: each product's stock of a day is a `BreadStock` row; an order raises its
  `taken` by a conditional UPDATE that only matches while enough are left (`claim`), and a
  CHECK constraint backs it up. Whoever's UPDATE matches nothing lost the race.
An order is for one day and stays on it: nothing here moves an order to another day.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from babel.dates import format_date
from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import case, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ... import audit
from ...claims import claim, insert_or_ignore, updated_rows
from ...codes import new_code, normalise_code
from ...extensions import db
from ...formatting import format_time_short
from ...models import Cafe, User, utcnow
from ...models.cafe import HoursException
from ...models.shop import (
    CANCELLED,
    COLLECTED,
    PLACED,
    UNCOLLECTED,
    BakerListSent,
    BreadOrder,
    BreadOrderLine,
    BreadStock,
    Product,
    ShopSettings,
    StandingOrder,
    StandingOrderLine,
    StandingOrderPause,
    StandingShortfall,
)


class OrderRefused(Exception):
    """The order cannot be taken as sent; nothing was saved.

    reason: "closed" (cut-off passed, holiday, café closed), "stock" (not enough left),
    "empty" (no quantity), "changed" (the order changed meanwhile, e.g. a double tap).
    """

    def __init__(self, reason: str, left: dict[int, int] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.left = left or {}


# --- settings and calendar ------------------------------------------------------------------------


def settings_for(cafe: Cafe) -> ShopSettings:
    """The café's shop settings (the defaults until staff change them); read once per request."""
    key = f"shop_settings_{cafe.id}"
    if has_request_context() and key in g:
        return g.get(key)
    settings = db.session.get(ShopSettings, cafe.id)
    if settings is None:
        settings = ShopSettings(
            cafe_id=cafe.id,
            cutoff_days_before=1,
            cutoff_time=time(18, 0),
            collect_from=time(7, 30),
            closing_time=time(19, 0),
            days_ahead=7,
            baker_email="",
            parcel_retention_days=30,
        )
    if has_request_context():
        setattr(g, key, settings)
    return settings


# Overseas cafés keep their own public holidays (abolition of slavery…); Alsace-Moselle too.
_HOLIDAY_SUBDIVISIONS = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
    "BL": "BL",
    "MF": "MF",
    "NC": "NC",
    "PF": "PF",
    "PM": "PM",
    "WF": "WF",
}


def holiday_subdivision(cafe: Cafe) -> str | None:
    """Which French public holidays apply to the café (None: the mainland's)."""
    region = cafe.phone_region
    if region in _HOLIDAY_SUBDIVISIONS:
        return _HOLIDAY_SUBDIVISIONS[region]
    department = (cafe.postcode or "")[:2]
    if department == "57":
        return "57"
    if department in ("67", "68"):
        return "6AE"
    return None


@lru_cache(maxsize=256)
def _holidays(subdivision: str | None, year: int) -> dict[date, str]:
    return dict(holidays.France(years=year, subdiv=subdivision, language="fr"))


def holiday_name(cafe: Cafe, day: date) -> str | None:
    """The public holiday's name on `day` where the café is, or None."""
    return _holidays(holiday_subdivision(cafe), day.year).get(day)


def _closed_exceptions(cafe: Cafe, first: date, last: date) -> dict[date, HoursException]:
    return {
        e.day: e
        for e in db.session.scalars(
            select(HoursException).where(
                HoursException.cafe_id == cafe.id,
                HoursException.closed.is_(True),
                HoursException.day >= first,
                HoursException.day <= last,
            )
        )
    }


def active_products(cafe: Cafe) -> list[Product]:
    """The products residents can order, in the café's order."""
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.cafe_id == cafe.id, Product.active.is_(True))
            .order_by(Product.position, Product.name, Product.id)
        )
    )


def all_products(cafe: Cafe) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.cafe_id == cafe.id)
            .order_by(Product.position, Product.name, Product.id)
        )
    )


def get_product(cafe: Cafe, product_id: int) -> Product | None:
    return db.session.scalar(select(Product).where(Product.cafe_id == cafe.id, Product.id == product_id))


def cutoff_at(cafe: Cafe, day: date, settings: ShopSettings | None = None) -> datetime:
    """When ordering for collection day `day` closes, as an aware UTC moment.

    The cut-off is a wall-clock time in the café's zone (18:00 the day before by
    default), so it stays at 18:00 across the DST change and overseas.
    """
    settings = settings or settings_for(cafe)
    local = datetime.combine(day - timedelta(days=settings.cutoff_days_before), settings.cutoff_time)
    return local.replace(tzinfo=cafe.zone).astimezone(UTC)


def closed_because(cafe: Cafe, day: date) -> str | None:
    """Why nobody can collect bread on `day` (a holiday, a café closure), or None."""
    name = holiday_name(cafe, day)
    if name:
        return _("%(holiday)s (public holiday)", holiday=name)
    exception = _closed_exceptions(cafe, day, day).get(day)
    if exception is not None:
        return exception.label or _("the café is closed")
    return None


@dataclass
class CollectionDay:
    """A day residents can still order for, with what is left of each product."""

    day: date
    cutoff: datetime
    collect_from: time
    products: list[Product]
    left: dict[int, int] = field(default_factory=dict)

    @property
    def any_left(self) -> bool:
        return any(self.left.get(p.id, 0) > 0 for p in self.products)


def _stock_rows(cafe: Cafe, days: list[date]) -> dict[tuple[int, date], BreadStock]:
    if not days:
        return {}
    rows = db.session.scalars(
        select(BreadStock).where(BreadStock.cafe_id == cafe.id, BreadStock.day.in_(days))
    )
    return {(row.product_id, row.day): row for row in rows}


def _left(product: Product, row: BreadStock | None) -> int:
    if row is None:
        return product.daily_quantity
    capacity = row.capacity if row.fixed else product.daily_quantity
    return max(capacity - row.taken, 0)


def stock_left(cafe: Cafe, day: date, products: list[Product] | None = None) -> dict[int, int]:
    """How many of each product can still be ordered for `day`."""
    products = products if products is not None else active_products(cafe)
    rows = _stock_rows(cafe, [day])
    return {p.id: _left(p, rows.get((p.id, day))) for p in products}


def open_days(cafe: Cafe, now: datetime | None = None, limit: int | None = None) -> list[CollectionDay]:
    """The coming collection days whose cut-off has not passed, with the stock left.

    A day is open when a product is sold that weekday, it is not a public holiday nor a
    day the café closes, and its cut-off is still ahead. Three queries, however many days.
    """
    now = now or utcnow()
    settings = settings_for(cafe)
    products = active_products(cafe)
    if not products:
        return []
    today = cafe.local_day(now)
    last = today + timedelta(days=settings.days_ahead + settings.cutoff_days_before)
    candidates = [today + timedelta(days=n) for n in range((last - today).days + 1)]
    closed = _closed_exceptions(cafe, today, last)
    days = []
    for day in candidates:
        cutoff = cutoff_at(cafe, day, settings)
        if cutoff <= now or day in closed or holiday_name(cafe, day):
            continue
        sold = [p for p in products if p.sold_on(day)]
        if sold:
            days.append(CollectionDay(day, cutoff, settings.collect_from, sold))
        if limit and len(days) >= limit:
            break
    rows = _stock_rows(cafe, [d.day for d in days])
    for d in days:
        d.left = {p.id: _left(p, rows.get((p.id, d.day))) for p in d.products}
    return days


def collection_day(cafe: Cafe, day: date, now: datetime | None = None) -> CollectionDay | None:
    """`day` if residents can still order for it now, else None."""
    return next((d for d in open_days(cafe, now) if d.day == day), None)


# --- words -------------------------------------------------------------------------------------------


def day_in_words(day: date) -> str:
    """'mardi 8 décembre' in the reader's language."""
    return format_date(day, "EEEE d MMMM", locale=str(get_locale() or "fr"))


def collect_headline(cafe: Cafe, day: date) -> str:
    """'À retirer mardi 8 décembre à partir de 7 h 30': the day people come, never the cut-off."""
    settings = settings_for(cafe)
    return _(
        "To collect on %(day)s from %(time)s",
        day=day_in_words(day),
        time=format_time_short(settings.collect_from),
    )


def cutoff_in_words(cafe: Cafe, day: date) -> str:
    """'lundi 7 décembre à 18 h' in the café's zone."""
    local = cutoff_at(cafe, day).astimezone(cafe.zone)
    return _("%(day)s at %(time)s", day=day_in_words(local.date()), time=format_time_short(local.time()))


def price(cents: int) -> str:
    """'1,20 €' in French, '€1.20' in English."""
    from babel.numbers import format_currency

    return format_currency(cents / 100, "EUR", locale=str(get_locale() or "fr"))


# --- taking and giving back stock --------------------------------------------------------------------


def _ensure_stock_row(cafe: Cafe, product: Product, day: date) -> None:
    """The day's stock row, created at the product's usual quantity the first time it is needed."""
    insert_or_ignore(
        BreadStock,
        {
            "cafe_id": cafe.id,
            "product_id": product.id,
            "day": day,
            "capacity": product.daily_quantity,
            "taken": 0,
            "fixed": False,
        },
        ["cafe_id", "product_id", "day"],
    )


def _take(cafe: Cafe, product: Product, day: date, quantity: int) -> bool:
    """Take `quantity` of `product` on `day` if that many are left; True when taken."""
    _ensure_stock_row(cafe, product, day)
    # Unless staff fixed this day's quantity, the product's current quantity applies (staff
    # may have changed it since the row was made).
    capacity = case((BreadStock.fixed.is_(True), BreadStock.capacity), else_=product.daily_quantity)
    return claim(
        update(BreadStock)
        .where(
            BreadStock.cafe_id == cafe.id,
            BreadStock.product_id == product.id,
            BreadStock.day == day,
            BreadStock.taken + quantity <= capacity,
        )
        .values(taken=BreadStock.taken + quantity, capacity=capacity)
    )


def _give_back(cafe: Cafe, product_id: int, day: date, quantity: int) -> None:
    updated_rows(
        update(BreadStock)
        .where(
            BreadStock.cafe_id == cafe.id,
            BreadStock.product_id == product_id,
            BreadStock.day == day,
            BreadStock.taken >= quantity,
        )
        .values(taken=BreadStock.taken - quantity)
    )


def _new_code(cafe: Cafe) -> str:
    while True:
        code = new_code()
        if not db.session.scalar(
            select(exists().where(BreadOrder.cafe_id == cafe.id, BreadOrder.code == code))
        ):
            return code


def _check_open(cafe: Cafe, day: date, now: datetime) -> None:
    if cutoff_at(cafe, day) <= now or closed_because(cafe, day):
        raise OrderRefused("closed")


def _wanted(cafe: Cafe, day: date, quantities: dict[int, int]) -> list[tuple[Product, int]]:
    """The products and quantities asked for, each sold on `day`; in id order (no deadlocks)."""
    wanted = {pid: q for pid, q in quantities.items() if q and q > 0}
    if not wanted:
        raise OrderRefused("empty")
    products = db.session.scalars(
        select(Product)
        .where(Product.cafe_id == cafe.id, Product.id.in_(wanted), Product.active.is_(True))
        .order_by(Product.id)
    ).all()
    if len(products) != len(wanted) or not all(p.sold_on(day) for p in products):
        raise OrderRefused("closed")
    return [(p, wanted[p.id]) for p in products]


def place_order(
    cafe: Cafe,
    day: date,
    quantities: dict[int, int],
    *,
    name: str,
    phone: str = "",
    email: str = "",
    ordered_by: User | None = None,
    standing_order: StandingOrder | None = None,
    now: datetime | None = None,
    form_key: str | None = None,
    confirm: bool = False,
    actor: User | None,
) -> BreadOrder:
    """Order bread for `day` and commit, or raise OrderRefused with nothing saved.

    The cut-off is read from the clock now, the stock taken by a conditional UPDATE in the
    same transaction; `confirm` records the confirmation mail in it too. `form_key` is unique
    per café: a second order with the same key raises IntegrityError, see `take_order`.
    """
    now = now or utcnow()
    try:
        _check_open(cafe, day, now)
        wanted = _wanted(cafe, day, quantities)
        for product, quantity in wanted:
            if not _take(cafe, product, day, quantity):
                raise OrderRefused("stock")
        order = BreadOrder(
            cafe_id=cafe.id,
            day=day,
            code=_new_code(cafe),
            token=secrets.token_urlsafe(18),
            name=name.strip(),
            phone=phone or "",
            email=(email or "").strip().lower(),
            status=PLACED,
            total_cents=sum(p.price_cents * q for p, q in wanted),
            ordered_by_id=ordered_by.id if ordered_by else None,
            standing_order_id=standing_order.id if standing_order else None,
            form_key=form_key or None,
            lines=[
                BreadOrderLine(product_id=p.id, quantity=q, unit_price_cents=p.price_cents) for p, q in wanted
            ],
        )
        db.session.add(order)
        db.session.flush()
        _audit_and_confirm(cafe, order, ordered_by, confirm, actor)
        db.session.commit()
    except OrderRefused as refused:
        db.session.rollback()
        if refused.reason == "stock":
            refused.left = stock_left(cafe, day)
        raise
    except Exception:
        db.session.rollback()
        raise
    return order


def _audit_and_confirm(
    cafe: Cafe, order: BreadOrder, ordered_by: User | None, confirm: bool, actor: User | None
) -> None:
    """In the order's transaction: an order taken by staff is audited, the confirmation recorded."""
    if ordered_by is not None:
        target = f"bread_order:{order.id}"
        audit.record("orders.order_for_someone", cafe, target=target, code=order.code, actor=actor)
    if confirm:
        from .notifications import send_confirmation

        send_confirmation(cafe, order)


def order_of_form(cafe: Cafe, form_key: str | None) -> BreadOrder | None:
    """The order this very form (this browser) already made, or None.

    Only the browser that was given `form_key` (a random hidden field) can send it back:
    a name and a phone number alone never show anybody's order.
    """
    if not form_key:
        return None
    return db.session.scalar(
        select(BreadOrder)
        .options(selectinload(BreadOrder.lines))
        .where(BreadOrder.cafe_id == cafe.id, BreadOrder.form_key == form_key)
    )


def take_order(
    cafe: Cafe,
    day: date,
    quantities: dict[int, int],
    person: dict,
    *,
    form_key: str | None,
    ordered_by: User | None = None,
    confirm: bool = False,
    actor: User | None,
) -> tuple[BreadOrder, bool]:
    """Place the order sent from the form `form_key`, once: (order, True) when this request
    placed it, (the first tap's order, False) when the same form was already sent, even at the
    same instant (the key is unique in the database). Raises OrderRefused otherwise."""
    if (same := order_of_form(cafe, form_key)) is not None:
        return same, False
    try:
        placed = place_order(
            cafe,
            day,
            quantities,
            **person,
            ordered_by=ordered_by,
            form_key=form_key,
            confirm=confirm,
            actor=actor,
        )
        return placed, True
    except OrderRefused:
        # The first tap may have taken the last loaves: then this tap is that order.
        if (same := order_of_form(cafe, form_key)) is not None:
            return same, False
        raise
    except IntegrityError:  # the same form, sent at the same moment, won
        if (same := order_of_form(cafe, form_key)) is None:
            raise
        return same, False


# --- the person changes or cancels ------------------------------------------------------------------


def order_by_token(cafe: Cafe, token: str) -> BreadOrder | None:
    """The order behind a change link (None for an unknown link or another café's)."""
    return db.session.scalar(
        select(BreadOrder)
        .options(selectinload(BreadOrder.lines).joinedload(BreadOrderLine.product))
        .where(BreadOrder.cafe_id == cafe.id, BreadOrder.token == token, BreadOrder.anonymised_at.is_(None))
    )


def get_order(cafe: Cafe, order_id: int) -> BreadOrder | None:
    return db.session.scalar(
        select(BreadOrder)
        .options(selectinload(BreadOrder.lines).joinedload(BreadOrderLine.product))
        .where(BreadOrder.cafe_id == cafe.id, BreadOrder.id == order_id)
    )


def find_by_code(cafe: Cafe, code: str) -> BreadOrder | None:
    return db.session.scalar(
        select(BreadOrder).where(BreadOrder.cafe_id == cafe.id, BreadOrder.code == normalise_code(code))
    )


def can_change(cafe: Cafe, order: BreadOrder, now: datetime | None = None) -> bool:
    """The person may change or cancel until the cut-off of the order's day."""
    return order.status == PLACED and cutoff_at(cafe, order.day) > (now or utcnow())


def _claim_order(cafe: Cafe, order: BreadOrder, **values) -> bool:
    """Change the order only if it is still as this request read it (a double tap changes once)."""
    return claim(
        update(BreadOrder)
        .where(
            BreadOrder.cafe_id == cafe.id,
            BreadOrder.id == order.id,
            BreadOrder.status == order.status,
            BreadOrder.version == order.version,
        )
        .values(version=BreadOrder.version + 1, **values)
    )


def change_order(
    cafe: Cafe, order: BreadOrder, quantities: dict[int, int], now: datetime | None = None
) -> None:
    """New quantities for the same day, until the cut-off; stock taken or given back at once."""
    now = now or utcnow()
    day = order.day
    try:
        if order.status != PLACED:
            raise OrderRefused("changed")
        _check_open(cafe, day, now)
        wanted = _wanted(cafe, day, quantities)
        old = {line.product_id: line.quantity for line in order.lines}
        if not _claim_order(cafe, order, total_cents=sum(p.price_cents * q for p, q in wanted)):
            raise OrderRefused("changed")
        for product, quantity in wanted:
            more = quantity - old.get(product.id, 0)
            if more > 0 and not _take(cafe, product, day, more):
                raise OrderRefused("stock")
            if more < 0:
                _give_back(cafe, product.id, day, -more)
        new_ids = {p.id for p, _q in wanted}
        for product_id, quantity in old.items():
            if product_id not in new_ids:
                _give_back(cafe, product_id, day, quantity)
        db.session.execute(delete(BreadOrderLine).where(BreadOrderLine.order_id == order.id))
        db.session.add_all(
            BreadOrderLine(order_id=order.id, product_id=p.id, quantity=q, unit_price_cents=p.price_cents)
            for p, q in wanted
        )
        db.session.commit()
    except OrderRefused as refused:
        db.session.rollback()
        if refused.reason == "stock":
            refused.left = stock_left(cafe, day)
        raise
    except Exception:
        db.session.rollback()
        raise


def _release(cafe: Cafe, order: BreadOrder) -> None:
    for line in order.lines:
        _give_back(cafe, line.product_id, order.day, line.quantity)


def cancel_order(
    cafe: Cafe, order: BreadOrder, by: User | None = None, now: datetime | None = None, *, actor: User | None
) -> bool:
    """Cancel and give the bread back; the person until the cut-off, staff any time before collection.

    Returns False when it was already cancelled (a double tap is not an error).
    Raises OrderRefused("closed") when the person is past the cut-off.
    """
    if order.status == CANCELLED:
        return False
    if by is None and not can_change(cafe, order, now):
        raise OrderRefused("closed")
    if order.status not in (PLACED, UNCOLLECTED):
        raise OrderRefused("changed")
    try:
        if not _claim_order(cafe, order, status=CANCELLED):
            db.session.rollback()
            return False
        _release(cafe, order)
        if by is not None:
            audit.record(
                "orders.cancel", cafe, target=f"bread_order:{order.id}", code=order.code, actor=actor
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return True


# --- standing orders -------------------------------------------------------------------------------


def create_standing_order(
    cafe: Cafe,
    *,
    weekdays: str,
    quantities: dict[int, int],
    name: str,
    phone: str = "",
    email: str = "",
    created_by: User | None = None,
    now: datetime | None = None,
    form_key: str | None = None,
) -> StandingOrder:
    """Save a regular order and place its orders for the coming open days.

    The same form sent again (`form_key`, unique per café in the database) returns the
    regular order the first one made, even when both arrive at the same instant.
    """
    if (same := _standing_of_form(cafe, form_key)) is not None:
        return same
    wanted = {pid: q for pid, q in quantities.items() if q and q > 0}
    if not wanted or not weekdays:
        raise OrderRefused("empty")
    products = db.session.scalars(
        select(Product).where(Product.cafe_id == cafe.id, Product.id.in_(wanted), Product.active.is_(True))
    ).all()
    if len(products) != len(wanted):
        raise OrderRefused("closed")
    code = new_code()
    while db.session.scalar(
        select(exists().where(StandingOrder.cafe_id == cafe.id, StandingOrder.code == code))
    ):
        code = new_code()
    standing = StandingOrder(
        cafe_id=cafe.id,
        code=code,
        token=secrets.token_urlsafe(18),
        name=name.strip(),
        phone=phone or "",
        email=(email or "").strip().lower(),
        weekdays="".join(sorted(set(weekdays))),
        created_by_id=created_by.id if created_by else None,
        lines=[StandingOrderLine(product_id=p.id, quantity=wanted[p.id]) for p in products],
        form_key=form_key or None,
    )
    db.session.add(standing)
    try:
        db.session.commit()
    except IntegrityError:  # the same form, sent at the same moment, won
        db.session.rollback()
        if (same := _standing_of_form(cafe, form_key)) is None:
            raise
        return same
    place_standing_orders(cafe, now, only=standing)
    return standing


def _standing_of_form(cafe: Cafe, form_key: str | None) -> StandingOrder | None:
    if not form_key:
        return None
    return db.session.scalar(
        select(StandingOrder).where(StandingOrder.cafe_id == cafe.id, StandingOrder.form_key == form_key)
    )


def standing_by_token(cafe: Cafe, token: str) -> StandingOrder | None:
    return db.session.scalar(
        select(StandingOrder)
        .options(
            selectinload(StandingOrder.lines).joinedload(StandingOrderLine.product),
            selectinload(StandingOrder.pauses),
        )
        .where(
            StandingOrder.cafe_id == cafe.id,
            StandingOrder.token == token,
            StandingOrder.anonymised_at.is_(None),
        )
    )


def standing_upcoming(cafe: Cafe, standing: StandingOrder, now: datetime | None = None) -> list[BreadOrder]:
    """The orders a standing order has placed from today on."""
    today = cafe.local_day(now or utcnow())
    return list(
        db.session.scalars(
            select(BreadOrder)
            .options(selectinload(BreadOrder.lines).joinedload(BreadOrderLine.product))
            .where(
                BreadOrder.cafe_id == cafe.id,
                BreadOrder.standing_order_id == standing.id,
                BreadOrder.day >= today,
            )
            .order_by(BreadOrder.day)
        )
    )


@dataclass
class StandingResult:
    placed: int = 0
    short: list[tuple[StandingOrder, date]] = field(default_factory=list)


def _standing_quantities(standing: StandingOrder, open_day: CollectionDay, done: set) -> dict[int, int]:
    """What the standing order wants on this day (nothing if done, not its weekday, or paused)."""
    day = open_day.day
    if (standing.id, day) in done or str(day.weekday()) not in standing.weekdays or standing.paused_on(day):
        return {}
    sold = {p.id for p in open_day.products}
    return {line.product_id: line.quantity for line in standing.lines if line.product_id in sold}


def _place_standing(cafe: Cafe, standing: StandingOrder, day: date, quantities, now, result) -> None:
    """Place the regular's order of `day`; a day without enough bread left is noted and told."""
    try:
        place_order(
            cafe,
            day,
            quantities,
            name=standing.name,
            phone=standing.phone,
            email=standing.email,
            standing_order=standing,
            now=now,
            actor=None,
        )
        result.placed += 1
    except OrderRefused as refused:
        if refused.reason == "stock":
            result.short.append((standing, day))
            _note_shortfall(cafe, standing, day, now)
    except Exception:  # the same day placed by another run meanwhile (unique key)
        db.session.rollback()


def _note_shortfall(cafe: Cafe, standing: StandingOrder, day: date, now: datetime) -> None:
    """Record that `day` could not be met and tell the person, once (whatever runs at the same time)."""
    from .notifications import send_shortfall

    values = {"cafe_id": cafe.id, "standing_order_id": standing.id, "day": day, "noted_at": now}
    if not insert_or_ignore(StandingShortfall, values, ["standing_order_id", "day"]):
        db.session.rollback()
        return
    send_shortfall(cafe, standing, day)  # the message is committed with the row
    db.session.commit()


def _days_done(cafe: Cafe, standing_orders: list[StandingOrder], first: date) -> set[tuple[int, date]]:
    """(regular order, day) already placed, cancelled by the person, or noted as short."""
    ids = [s.id for s in standing_orders]
    placed = db.session.execute(
        select(BreadOrder.standing_order_id, BreadOrder.day).where(
            BreadOrder.cafe_id == cafe.id, BreadOrder.standing_order_id.in_(ids), BreadOrder.day >= first
        )
    ).all()
    short = db.session.execute(
        select(StandingShortfall.standing_order_id, StandingShortfall.day).where(
            StandingShortfall.cafe_id == cafe.id,
            StandingShortfall.standing_order_id.in_(ids),
            StandingShortfall.day >= first,
        )
    ).all()
    return {tuple(row) for row in [*placed, *short]}


def place_standing_orders(
    cafe: Cafe, now: datetime | None = None, only: StandingOrder | None = None
) -> StandingResult:
    """Turn standing orders into orders for every open day ahead (idempotent).

    Paused days, holidays and closures get nothing; a day already done (even cancelled
    by the person) is never placed again; a day without enough bread left is noted, the
    person told once, and not tried again.
    """
    now = now or utcnow()
    result = StandingResult()
    days = open_days(cafe, now)
    if not days:
        return result
    query = (
        select(StandingOrder)
        .options(selectinload(StandingOrder.lines), selectinload(StandingOrder.pauses))
        .where(StandingOrder.cafe_id == cafe.id, StandingOrder.active.is_(True))
    )
    if only is not None:
        query = query.where(StandingOrder.id == only.id)
    standing_orders = db.session.scalars(query).all()
    if not standing_orders:
        return result
    done = _days_done(cafe, standing_orders, days[0].day)
    for standing in standing_orders:
        for open_day in days:
            quantities = _standing_quantities(standing, open_day, done)
            if quantities:
                _place_standing(cafe, standing, open_day.day, quantities, now, result)
    return result


def _drop_open_orders(
    cafe: Cafe, standing: StandingOrder, first: date, last: date | None, now: datetime
) -> None:
    """Remove the standing order's orders in [first, last] that can still change (before cut-off)."""
    query = (
        select(BreadOrder)
        .options(selectinload(BreadOrder.lines))
        .where(
            BreadOrder.cafe_id == cafe.id,
            BreadOrder.standing_order_id == standing.id,
            BreadOrder.status == PLACED,
            BreadOrder.day >= first,
        )
    )
    if last is not None:
        query = query.where(BreadOrder.day <= last)
    for order in db.session.scalars(query).all():
        if cutoff_at(cafe, order.day) <= now:
            continue  # the baker already has it
        if _claim_order(cafe, order, status=CANCELLED):
            _release(cafe, order)
            # Gone, not cancelled: once the pause ends, the day can be placed again.
            db.session.execute(delete(BreadOrder).where(BreadOrder.id == order.id))


def pause_standing_order(
    cafe: Cafe,
    standing: StandingOrder,
    first_day: date,
    last_day: date,
    now: datetime | None = None,
    *,
    actor: User | None,
) -> StandingOrderPause:
    """No bread from `first_day` to `last_day`; orders already placed for those days go away."""
    now = now or utcnow()
    pause = StandingOrderPause(standing_order_id=standing.id, first_day=first_day, last_day=last_day)
    db.session.add(pause)
    db.session.flush()
    _drop_open_orders(cafe, standing, first_day, last_day, now)
    target = f"standing_order:{standing.id}"
    audit.record(
        "orders.regular_paused", cafe, target=target, first=str(first_day), last=str(last_day), actor=actor
    )
    db.session.commit()
    return pause


def remove_pause(
    cafe: Cafe, standing: StandingOrder, pause_id: int, now: datetime | None = None, *, actor: User | None
) -> bool:
    """End a pause early: its days get their bread again (where still open)."""
    deleted = updated_rows(
        delete(StandingOrderPause).where(
            StandingOrderPause.id == pause_id, StandingOrderPause.standing_order_id == standing.id
        )
    )
    if deleted:
        audit.record("orders.regular_unpaused", cafe, target=f"standing_order:{standing.id}", actor=actor)
    db.session.commit()
    db.session.expire(standing)
    if deleted:
        place_standing_orders(cafe, now, only=standing)
    return bool(deleted)


def stop_standing_order(
    cafe: Cafe, standing: StandingOrder, now: datetime | None = None, *, actor: User | None
) -> None:
    """Stop a standing order; the days not yet past their cut-off are cancelled."""
    now = now or utcnow()
    standing.active = False
    _drop_open_orders(cafe, standing, cafe.local_day(now), None, now)
    audit.record("orders.regular_stopped", cafe, target=f"standing_order:{standing.id}", actor=actor)
    db.session.commit()


def standing_orders(cafe: Cafe) -> list[StandingOrder]:
    """The café's regular orders for staff: running ones first, then stopped, by name (3 queries)."""
    return list(
        db.session.scalars(
            select(StandingOrder)
            .options(
                selectinload(StandingOrder.lines).joinedload(StandingOrderLine.product),
                selectinload(StandingOrder.pauses),
            )
            .where(StandingOrder.cafe_id == cafe.id, StandingOrder.anonymised_at.is_(None))
            .order_by(StandingOrder.active.desc(), func.lower(StandingOrder.name), StandingOrder.id)
        )
    )


def get_standing(cafe: Cafe, standing_id: int) -> StandingOrder | None:
    return db.session.scalar(
        select(StandingOrder).where(
            StandingOrder.cafe_id == cafe.id,
            StandingOrder.id == standing_id,
            StandingOrder.anonymised_at.is_(None),
        )
    )


def shortfalls(
    cafe: Cafe, day: date | None = None, standing: StandingOrder | None = None, since: date | None = None
):
    """Days regular orders could not be met: of one `day` (the staff list) or of one regular order."""
    query = (
        select(StandingShortfall)
        .options(
            joinedload(StandingShortfall.standing_order)
            .selectinload(StandingOrder.lines)
            .joinedload(StandingOrderLine.product)
        )
        .where(StandingShortfall.cafe_id == cafe.id)
        .order_by(StandingShortfall.day, StandingShortfall.id)
    )
    if day is not None:
        query = query.where(StandingShortfall.day == day)
    if standing is not None:
        query = query.where(StandingShortfall.standing_order_id == standing.id)
    if since is not None:
        query = query.where(StandingShortfall.day >= since)
    return list(db.session.scalars(query).unique())


# --- the counter -------------------------------------------------------------------------------------


@dataclass
class DayList:
    day: date
    orders: list[BreadOrder]
    totals: list[tuple[Product, int]]
    amount_cents: int
    short: list[StandingShortfall] = field(default_factory=list)  # regulars not met this day

    @property
    def to_collect(self) -> list[BreadOrder]:
        return [o for o in self.orders if o.status == PLACED]


def day_list(cafe: Cafe, day: date) -> DayList:
    """The day's orders (not cancelled), the totals per product for the baker, and the regulars
    who could not be served. A fixed number of queries, however many orders."""
    orders = list(
        db.session.scalars(
            select(BreadOrder)
            .options(
                selectinload(BreadOrder.lines).joinedload(BreadOrderLine.product),
                selectinload(BreadOrder.ordered_by),
                selectinload(BreadOrder.collected_by),
            )
            .where(BreadOrder.cafe_id == cafe.id, BreadOrder.day == day, BreadOrder.status != CANCELLED)
            .order_by(func.lower(BreadOrder.name), BreadOrder.id)
        )
    )
    totals: dict[int, list] = {}
    for order in orders:
        for line in order.lines:
            entry = totals.setdefault(line.product_id, [line.product, 0])
            entry[1] += line.quantity
    ordered = sorted(totals.values(), key=lambda e: (e[0].position, e[0].name, e[0].id))
    short = shortfalls(cafe, day=day)
    return DayList(day, orders, [(p, q) for p, q in ordered], sum(o.total_cents for o in orders), short)


def mark_collected(cafe: Cafe, order: BreadOrder, by: User, collected: bool = True) -> bool:
    """Tick (or untick) an order as collected; False when someone else changed it meanwhile."""
    if collected and order.status not in (PLACED, UNCOLLECTED):
        return False
    if not collected and order.status != COLLECTED:
        return False
    values = (
        {"status": COLLECTED, "collected_at": utcnow(), "collected_by_id": by.id}
        if collected
        else {"status": PLACED, "collected_at": None, "collected_by_id": None}
    )
    if not _claim_order(cafe, order, **values):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def close_day(cafe: Cafe, day: date) -> int:
    """At closing, the orders of `day` nobody came for are marked not collected."""
    marked = updated_rows(
        update(BreadOrder)
        .where(BreadOrder.cafe_id == cafe.id, BreadOrder.day == day, BreadOrder.status == PLACED)
        .values(status=UNCOLLECTED, version=BreadOrder.version + 1)
    )
    db.session.commit()
    return marked


def set_day_quantity(cafe: Cafe, product: Product, day: date, quantity: int) -> bool:
    """What the baker delivers of `product` on `day`; refused (False) below what is ordered."""
    _ensure_stock_row(cafe, product, day)
    changed = claim(
        update(BreadStock)
        .where(
            BreadStock.cafe_id == cafe.id,
            BreadStock.product_id == product.id,
            BreadStock.day == day,
            BreadStock.taken <= quantity,
        )
        .values(capacity=quantity, fixed=True)
    )
    if changed:
        db.session.commit()
    else:
        db.session.rollback()
    return changed


def day_stock(cafe: Cafe, day: date) -> list[tuple[Product, int, int]]:
    """Per product sold on `day`: (product, delivered, ordered)."""
    products = [p for p in active_products(cafe) if p.sold_on(day)]
    rows = _stock_rows(cafe, [day])
    stock = []
    for product in products:
        row = rows.get((product.id, day))
        capacity = row.capacity if row is not None and row.fixed else product.daily_quantity
        stock.append((product, capacity, row.taken if row is not None else 0))
    return stock


# --- staff setup ---------------------------------------------------------------------------------------


def save_settings(cafe: Cafe, *, actor: User | None, **values) -> ShopSettings:
    settings = settings_for(cafe)
    for key, value in values.items():
        setattr(settings, key, value)
    db.session.add(settings)
    audit.record("orders.settings", cafe, **{k: str(v) for k, v in values.items()}, actor=actor)
    db.session.commit()
    return settings


def save_product(cafe: Cafe, product: Product | None = None, *, actor: User | None, **values) -> Product:
    product = product or Product(cafe_id=cafe.id)
    for key, value in values.items():
        setattr(product, key, value)
    db.session.add(product)
    db.session.flush()
    audit.record("orders.product", cafe, target=f"product:{product.id}", name=product.name, actor=actor)
    db.session.commit()
    return product


# --- commands -------------------------------------------------------------------------------------------


def lists_due(now: datetime | None = None) -> list[tuple[Cafe, date]]:
    """(café, day) whose cut-off has passed and whose baker's list has not gone yet."""
    now = now or utcnow()
    due = []
    cafes = db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None))).all()
    settings = {s.cafe_id: s for s in db.session.scalars(select(ShopSettings))}
    for cafe in cafes:
        found = settings.get(cafe.id)
        if found is None or not found.baker_email:
            continue
        today = cafe.local_day(now)
        for n in range(found.cutoff_days_before + 1):
            day = today + timedelta(days=n)
            if cutoff_at(cafe, day, found) <= now:
                due.append((cafe, day))
    return due


def send_baker_lists(now: datetime | None = None) -> int:
    """Email each baker the day's totals once the cut-off has passed (once per café and day)."""
    from .notifications import send_baker_list

    now = now or utcnow()
    sent = 0
    for cafe, day in lists_due(now):
        listing = day_list(cafe, day)
        if not listing.orders:
            continue
        if not insert_or_ignore(
            BakerListSent, {"cafe_id": cafe.id, "day": day, "sent_at": now}, ["cafe_id", "day"]
        ):
            db.session.rollback()
            continue
        send_baker_list(cafe, settings_for(cafe), listing)
        db.session.commit()  # "sent" and the mail together
        sent += 1
    return sent


def mark_uncollected(now: datetime | None = None) -> int:
    """Orders of past days (or of today after closing) nobody came for: marked not collected."""
    now = now or utcnow()
    marked = 0
    settings = {s.cafe_id: s for s in db.session.scalars(select(ShopSettings))}
    for cafe in db.session.scalars(select(Cafe)).all():
        local = cafe.local(now)
        closing = settings[cafe.id].closing_time if cafe.id in settings else time(19, 0)
        last_day = local.date() if local.time() >= closing else local.date() - timedelta(days=1)
        marked += updated_rows(
            update(BreadOrder)
            .where(BreadOrder.cafe_id == cafe.id, BreadOrder.day <= last_day, BreadOrder.status == PLACED)
            .values(status=UNCOLLECTED, version=BreadOrder.version + 1)
        )
    db.session.commit()
    return marked


def place_all_standing_orders(now: datetime | None = None) -> int:
    placed = 0
    for cafe in db.session.scalars(select(Cafe).where(Cafe.closed_at.is_(None))).all():
        placed += place_standing_orders(cafe, now).placed
    return placed
