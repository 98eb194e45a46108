"""A period on each café's own clock: the network's figures are dated where each café is.

A report recorded at 23:30 on 31 January in Réunion belongs to January, whatever the time
in Paris. Help reports carry their café's date already (`HelpReport.day`); timestamps
(bookings, notices, replies, parcels…) are stored in UTC, so a period becomes one UTC window
per time zone of the network, and a timestamp is in the period when it falls in the window
of its café's zone. In SQL that is one range the indexes can use (from the earliest start
to the latest end over every zone) and an exact CASE on the café's zone: still one
statement, whatever the number of cafés.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, select, true

from ...extensions import db
from ...models import Cafe
from ...models.types import UTCDateTime


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a day begins on a zone's wall clock."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def sum_parts(parts):
    total = parts[0]
    for extra in parts[1:]:
        total = total + extra
    return total


def joined(parts):
    """One-row subqueries side by side (an explicit cross join)."""
    result = parts[0]
    for part in parts[1:]:
        result = result.join(part, true())
    return result


def _utc(moment: datetime):
    return literal(moment, UTCDateTime)


@dataclass
class Clocks:
    """The time zones the figures are computed on: one café's, or every zone of the network."""

    zones: list[str]
    single: bool  # one café: its zone only, no need to look up each row's café
    _cache: dict = field(default_factory=dict)

    @classmethod
    def of_cafe(cls, cafe: Cafe) -> "Clocks":
        return cls([cafe.timezone], single=True)

    @classmethod
    def of_network(cls) -> "Clocks":
        """Every zone some café of the network is in (one small query)."""
        zones = list(db.session.scalars(select(Cafe.timezone).distinct().order_by(Cafe.timezone)))
        return cls(zones or ["Europe/Paris"], single=False)

    def bounds(self, first: date, last: date) -> dict[str, tuple[datetime, datetime]]:
        """Per zone, the UTC window of the days `first` to `last` (included)."""
        key = (first, last)
        if key not in self._cache:
            self._cache[key] = {
                name: (
                    local_midnight(first, ZoneInfo(name)),
                    local_midnight(last + timedelta(days=1), ZoneInfo(name)),
                )
                for name in self.zones
            }
        return self._cache[key]

    def within(self, column, first: date, last: date, zone_column=Cafe.timezone):
        """`column` (a UTC timestamp) falls between `first` and `last` on its café's clock.

        Unless the clocks are one café's, the statement must join the café (`zone_column`).
        """
        windows = self.bounds(first, last)
        low = min(start for start, _ in windows.values())
        high = max(end for _, end in windows.values())
        if self.single or len(windows) == 1:
            return and_(column >= _utc(low), column < _utc(high))
        return and_(column >= _utc(low), column < _utc(high), self._zone_bounds(column, windows, zone_column))

    @staticmethod
    def _zone_bounds(column, windows, zone_column=Cafe.timezone):
        """`column` in the window of its café's zone (the statement joins the café)."""
        starts = case({name: _utc(start) for name, (start, _) in windows.items()}, value=zone_column)
        ends = case({name: _utc(end) for name, (_, end) in windows.items()}, value=zone_column)
        return and_(column >= starts, column < ends)

    def sums(self, model, column, first: date, last: date, *conditions, **aggregates) -> tuple[list, list]:
        """Labelled SQL columns: each aggregate over the rows of `model` that fall in the days,
        and the one-row subqueries they add up (to put in the statement's FROM, see `joined`).

        Most rows are inside the window of every zone (the "core", read from an index alone);
        only the rows near either end, a few hours wide, need their café's zone. Each part is
        a one-row subquery with every aggregate (one scan of the table per range), which the
        outer SELECT adds up.
        """
        windows = self.bounds(first, last)
        starts = [start for start, _ in windows.values()]
        ends = [end for _, end in windows.values()]
        low, high, core_start, core_end = min(starts), max(ends), max(starts), min(ends)

        def part(*where, join=False):
            query = select(*(aggregate.label(name) for name, aggregate in aggregates.items())).select_from(
                model
            )
            if join:
                query = query.join(Cafe, Cafe.id == model.cafe_id)
            return query.where(*where, *conditions).subquery()

        if self.single or len(windows) == 1:
            parts = [part(column >= _utc(low), column < _utc(high))]
        else:
            exact = self._zone_bounds(column, windows)
            if core_start >= core_end:  # a period shorter than the zones are apart: no core
                parts = [part(column >= _utc(low), column < _utc(high), exact, join=True)]
            else:
                # Each end on its own: two narrow ranges an index can search (an OR would not).
                parts = [
                    part(column >= _utc(core_start), column < _utc(core_end)),
                    part(column >= _utc(low), column < _utc(core_start), exact, join=True),
                    part(column >= _utc(core_end), column < _utc(high), exact, join=True),
                ]
        columns = [sum_parts([func.coalesce(p.c[name], 0) for p in parts]).label(name) for name in aggregates]
        return columns, parts

    def month_of(self, column, months: list[tuple[int, int]], zone_column=Cafe.timezone):
        """'YYYY-MM' of `column` on its café's clock, for the given months (NULL outside them)."""
        whens = []
        for name in self.zones:
            zone = ZoneInfo(name)
            for year, month in months:
                start = local_midnight(date(year, month, 1), zone)
                end = local_midnight(date(year + month // 12, month % 12 + 1, 1), zone)
                condition = and_(column >= _utc(start), column < _utc(end))
                if not (self.single or len(self.zones) == 1):
                    condition = and_(zone_column == name, condition)
                whens.append((condition, f"{year:04d}-{month:02d}"))
        return case(*whens, else_=None)
