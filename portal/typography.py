"""French typography: what makes times, dates and punctuation read (and wrap) properly.

- Times never break: '15 h 30' is joined by no-break spaces, and a range '15 h–19 h 30'
  by word joiners around its dash.
- The first of the month is '1er décembre'.
- A no-break space sits before ':', ';', '?' and '!' in French (applied to the
  translated messages as they are loaded, so every message gets it, old and new).
English is left as it is.
"""

import re

from flask_babel import Domain, get_locale

NBSP = "\u00a0"
WORD_JOINER = "\u2060"

_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_FIRST_OF_MONTH = re.compile(rf"(?<!\d)1 ({_MONTHS})\b")
_SPACE_BEFORE_MARK = re.compile(r" ([:;?!»])")
_SPACE_AFTER_QUOTE = re.compile(r"« ")


def is_french() -> bool:
    return str(get_locale() or "").startswith("fr")


def time_words(value) -> str:
    """'9 h 30' in French, '9:30' in English, never broken across lines (portal.formatting)."""
    from .formatting import format_time_short

    return format_time_short(value)


def time_range(starts, ends) -> str:
    """'15 h–19 h 30', the dash glued to both times (portal.formatting)."""
    from .formatting import time_range as joined

    return joined(starts, ends)


def first_of_month(text: str, locale: str | None = None) -> str:
    """'1 décembre' -> '1er décembre' (French only; English dates are fine as they are)."""
    french = locale.startswith("fr") if locale else is_french()
    return _FIRST_OF_MONTH.sub(r"1er \1", text) if french else text


def french_punctuation(text: str) -> str:
    """A no-break space before : ; ? ! » and after «, where a plain space was typed."""
    return _SPACE_AFTER_QUOTE.sub("«" + NBSP, _SPACE_BEFORE_MARK.sub(NBSP + r"\1", text))


class TypesetDomain(Domain):
    """The translations, with French punctuation spacing applied once as they are loaded."""

    def get_translations(self):
        translations = super().get_translations()
        if not getattr(translations, "_typeset", False):
            if str(get_locale() or "").startswith("fr"):
                catalog = getattr(translations, "_catalog", {})
                for key, message in catalog.items():
                    if isinstance(message, str):
                        catalog[key] = french_punctuation(message)
            translations._typeset = True
        return translations
