"""Dates, times and numbers as people read them, in the reader's language and the café's zone.

Every Jinja filter that shows a date, a time, a number or a phone number is registered
here (`init_app`), and the same functions serve Python code that writes emails or SMS
(reminders run from the command line, without a request): no French word is written
in a code path that English readers see, the words come from the translations.
"""

from datetime import date, datetime, time, timedelta

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import Flask, g
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from .phones import format_phone
from .typography import NBSP, WORD_JOINER, first_of_month


def locale() -> str:
    """The reader's language ('fr' outside a request, as the site's default)."""
    try:
        return str(get_locale() or "fr")
    except RuntimeError:
        return "fr"


def format_time_short(value: time | datetime | None) -> str:
    """'9 h 30' in French (joined by no-break spaces: never broken across lines), '9:30' in English."""
    if value is None:
        return ""
    if locale() == "fr":
        return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}" if value.minute else f"{value.hour}{NBSP}h"
    return f"{value.hour}:{value.minute:02d}"


def time_range(starts, ends) -> str:
    """'15 h–19 h 30', the dash glued to both times so the range stays on one line."""
    return f"{format_time_short(starts)}{WORD_JOINER}–{WORD_JOINER}{format_time_short(ends)}"


def day_and_month(day: date) -> str:
    """'vendredi 27 novembre' / 'Friday 27 November': the year is noise for the coming days."""
    return first_of_month(babel_format_date(day, "EEEE d MMMM", locale=locale()), locale())


def when_in_words(cafe, moment: datetime) -> str:
    """'mardi 3 décembre à 10 h 30' / 'Tuesday 3 December at 10:30', on the café's clock."""
    local = cafe.local(moment)
    return _("%(day)s at %(time)s", day=day_and_month(local.date()), time=format_time_short(local.time()))


def time_in_cafe(cafe, moment: datetime) -> str:
    """'10 h 30' on the café's clock."""
    return format_time_short(cafe.local(moment).time())


def span_in_words(cafe, starts_at: datetime, ends_at: datetime) -> str:
    """'vendredi 27 novembre, 20 h – 23 h'; over two days when it lasts past the night."""
    start, end = cafe.local(starts_at), cafe.local(ends_at)
    day = day_and_month(start.date())
    if end.date() != start.date() and end - start > timedelta(hours=12):
        return f"{day}, {format_time_short(start)} – {day_and_month(end.date())}, {format_time_short(end)}"
    return f"{day}, {time_range(start, end)}"


def short_date(day: date) -> str:
    """'27/11/2026' in French, 'Nov 27, 2026' in English."""
    return babel_format_date(day, "short" if locale() == "fr" else "medium", locale=locale())


def long_date(day: date) -> str:
    """'12 décembre 2026' / 'December 12, 2026' ('1er décembre 2026')."""
    return first_of_month(babel_format_date(day, "long", locale=locale()), locale())


def month_year(day: date) -> str:
    return format_date(day, "MMMM y")


def number(value) -> str:
    """'1 234,5' in French, '1,234.5' in English."""
    return format_decimal(value, locale=locale())


def csv_date(day) -> str:
    """31/12/2026: the Coop's exports and French spreadsheets read dates so, whatever the language."""
    return f"{day:%d/%m/%Y}"


def csv_datetime(moment) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def category_label(value: str, dimension: str) -> str:
    """The label of a help report's category value, in the reader's language."""
    from .models import impact

    labels = {
        "kind": impact.KINDS,
        "theme": impact.THEMES,
        "equipment": impact.EQUIPMENT,
        "autonomy": impact.AUTONOMY,
        "referral": impact.REFERRALS,
        "age_band": impact.AGE_BANDS,
        "level": impact.WORKSHOP_LEVELS,
    }[dimension]
    return str(labels.get(value, "")) if value else ""


def _current_cafe():
    return g.cafe


def init_app(app: Flask) -> None:
    filters = app.jinja_env.filters
    filters["time_short"] = format_time_short
    filters["time_range"] = time_range
    filters["date_long"] = lambda d: first_of_month(format_date(d, "full"), locale())
    filters["day_month"] = lambda d: first_of_month(format_date(d, "EEEE d MMMM"), locale())
    filters["datetime_medium"] = lambda d: format_datetime(d, "medium")
    filters["month_year"] = month_year
    # A date, or a moment read as the current café's date: '12 décembre 2026'.
    filters["long_date"] = lambda d: long_date(_current_cafe().local_day(d) if isinstance(d, datetime) else d)
    filters["short_date"] = short_date
    filters["number"] = number
    filters["impact_number"] = lambda value: number(value or 0)
    filters["impact_label"] = category_label
    filters["phone"] = format_phone
    # On the current café's clock.
    filters["help_when"] = lambda moment: when_in_words(_current_cafe(), moment)
    filters["help_time"] = lambda moment: time_in_cafe(_current_cafe(), moment)
    filters["event_when"] = lambda o: span_in_words(_current_cafe(), o.starts_at, o.ends_at)
