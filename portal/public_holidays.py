"""French public holidays, computed (never typed in by staff), with each region's own days.

The `holidays` package knows the national days, Alsace-Moselle's (Good Friday, 26 December)
and the overseas departments' and collectivities' (Réunion's 20 December, the abolition of
slavery on other dates in the Antilles and Guyane, Mayotte's 27 April…).
"""

from datetime import date
from functools import lru_cache

import holidays

# holidays' France subdivisions, by the first digits of the postcode.
_BY_POSTCODE = {
    "971": "971",  # Guadeloupe
    "972": "972",  # Martinique
    "973": "973",  # Guyane
    "974": "974",  # La Réunion
    "975": "PM",  # Saint-Pierre-et-Miquelon
    "976": "976",  # Mayotte
    "977": "BL",  # Saint-Barthélemy
    "978": "MF",  # Saint-Martin
    "986": "WF",  # Wallis-et-Futuna
    "987": "PF",  # Polynésie française
    "988": "NC",  # Nouvelle-Calédonie
    "57": "57",  # Moselle
    "67": "6AE",  # Bas-Rhin (Collectivité européenne d'Alsace)
    "68": "6AE",  # Haut-Rhin
}
# When the postcode says nothing (typed badly), the phone region still knows the overseas ones.
_BY_PHONE_REGION = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
    "PM": "PM",
    "BL": "BL",
    "MF": "MF",
    "WF": "WF",
    "PF": "PF",
    "NC": "NC",
}


def subdivision_of(postcode: str, phone_region: str = "FR") -> str | None:
    """The holidays subdivision of a French place: '974' for Réunion, '57' for Moselle, None."""
    postcode = (postcode or "").strip()
    return (
        _BY_POSTCODE.get(postcode[:3]) or _BY_POSTCODE.get(postcode[:2]) or _BY_PHONE_REGION.get(phone_region)
    )


@lru_cache(maxsize=256)
def _calendar(subdivision: str | None, year: int, language: str) -> dict[date, str]:
    return dict(holidays.France(subdiv=subdivision, years=year, language=language))


def holiday_name(subdivision: str | None, day: date, language: str = "fr") -> str | None:
    """The name of the public holiday on `day` where the café is, or None on a working day."""
    return _calendar(subdivision, day.year, "fr" if language.startswith("fr") else "en_US").get(day)
