"""The period picker: a month, a quarter, a year or custom dates, and the period before it."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

KINDS = {
    "month": _l("Month"),
    "quarter": _l("Quarter"),
    "year": _l("Year"),
    "custom": _l("Custom dates"),
}
MAX_DAYS = 366 * 5


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # included

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period just before, of the same kind (custom: as many days)."""
        if self.kind == "month":
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            before = self.start - timedelta(days=1)
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period("custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) of the monthly trend: the period's months, at least the last 12."""
        last = (self.end.year, self.end.month)
        first = (self.start.year, self.start.month)
        count = max(12, (last[0] - first[0]) * 12 + last[1] - first[1] + 1)
        months = []
        year, month = last
        for _ in range(count):
            months.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return list(reversed(months))

    @property
    def label(self) -> str:
        if self.kind == "month":
            return format_date(self.start, "MMMM y")
        if self.kind == "quarter":
            return str(_l("Quarter %(n)d %(year)d", n=(self.start.month - 1) // 3 + 1, year=self.start.year))
        if self.kind == "year":
            return str(self.start.year)
        return str(_l("%(start)s to %(end)s", start=format_date(self.start), end=format_date(self.end)))

    def query_args(self) -> dict:
        """The URL arguments that name this period (for links and exports)."""
        if self.kind == "month":
            return {"period": "month", "month": f"{self.start:%Y-%m}"}
        if self.kind == "quarter":
            return {"period": "quarter", "quarter": f"{self.start.year}-T{(self.start.month - 1) // 3 + 1}"}
        if self.kind == "year":
            return {"period": "year", "year": str(self.start.year)}
        return {"period": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass
class PeriodChoice:
    """The period asked for in the URL, what was typed, and the errors to show by each field."""

    period: Period
    raw: dict
    errors: dict


def parse_period(args, today: date) -> PeriodChoice:
    """Read ?period=month&month=2026-11 (or quarter=2026-T4, year=2026, from=…&to=…).

    A missing or wrong value falls back to the current one and says why next to its field.
    """
    kind = args.get("period", "year")
    if kind not in KINDS:
        kind = "year"
    raw = {
        "period": kind,
        "month": args.get("month", f"{today:%Y-%m}"),
        "quarter": args.get("quarter", f"{today.year}-T{(today.month - 1) // 3 + 1}"),
        "year": args.get("year", str(today.year)),
        "from": args.get("from", ""),
        "to": args.get("to", ""),
    }
    errors: dict[str, str] = {}
    period = Period.year(today.year)
    if kind == "month":
        try:
            year, month = (int(part) for part in raw["month"].split("-"))
            period = Period.month(year, month)
        except (ValueError, TypeError):
            errors["month"] = str(_l("Choose a month, e.g. 2026-11."))
            period = Period.month(today.year, today.month)
    elif kind == "quarter":
        try:
            year_text, quarter_text = raw["quarter"].upper().replace("Q", "T").split("-T")
            quarter = int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError
            period = Period.quarter(int(year_text), quarter)
        except (ValueError, TypeError):
            errors["quarter"] = str(_l("Choose a quarter, e.g. 2026-T4."))
            period = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    elif kind == "year":
        try:
            period = Period.year(int(raw["year"]))
        except (ValueError, TypeError):
            errors["year"] = str(_l("Give a year, e.g. 2026."))
    else:
        period = _custom_period(raw, today, errors)
    if not 2000 <= period.start.year <= 2100:
        errors.setdefault(
            kind if kind != "custom" else "from", str(_l("Choose a date between 2000 and 2100."))
        )
        period = Period.year(today.year)
    return PeriodChoice(period=period, raw=raw, errors=errors)


def _custom_period(raw: dict, today: date, errors: dict) -> Period:
    """From/to dates, checked; the last 30 days when they are wrong (errors say why)."""
    start = _parse_date(raw["from"])
    end = _parse_date(raw["to"])
    if start is None:
        errors["from"] = str(_l("Give the first day, e.g. 2026-09-01."))
    if end is None:
        errors["to"] = str(_l("Give the last day, e.g. 2026-09-30."))
    if start and end and end < start:
        errors["to"] = str(_l("The last day comes before the first day."))
    elif start and end and (end - start).days > MAX_DAYS:
        errors["to"] = str(_l("Choose at most five years."))
    if errors:
        return Period("custom", today - timedelta(days=29), today)
    return Period("custom", start, end)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
