"""French public holidays, computed (never typed in by staff), with each region's own days.

The `holidays` package knows the national days, Alsace-Moselle's (Good Friday, 26 December)
and the overseas departments' and collectivities' (Réunion's 20 December, the abolition of
slavery on other dates in the Antilles and Guyane, Mayotte's 27 April…).
"""

from datetime import date
from functools import lru_cache

import holidays

from .territories import BY_PHONE_REGION, overseas_territory

# Mainland departments with days of their own (Alsace-Moselle), by the first digits of the postcode.
_MAINLAND = {
    "57": "57",  # Moselle
    "67": "6AE",  # Bas-Rhin (Collectivité européenne d'Alsace)
    "68": "6AE",  # Haut-Rhin
}


def subdivision_of(postcode: str, phone_region: str = "FR") -> str | None:
    """The holidays subdivision of a French place: '974' for Réunion, '57' for Moselle, None."""
    postcode = (postcode or "").strip()
    # When the postcode says nothing (typed badly), the phone region still knows the overseas ones.
    territory = overseas_territory(postcode) or BY_PHONE_REGION.get(phone_region)
    return territory.holidays_subdivision if territory else _MAINLAND.get(postcode[:2])


@lru_cache(maxsize=256)
def _calendar(subdivision: str | None, year: int, language: str) -> dict[date, str]:
    return dict(holidays.France(subdiv=subdivision, years=year, language=language))


def holiday_name(subdivision: str | None, day: date, language: str = "fr") -> str | None:
    """The name of the public holiday on `day` where the café is, or None on a working day."""
    return _calendar(subdivision, day.year, "fr" if language.startswith("fr") else "en_US").get(day)
