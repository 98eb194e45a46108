"""France's overseas departments and collectivities, by the first three digits of their postcodes.

One table for what differs there: the phone numbering region (ISO 3166 code, for phonenumbers)
and the public holidays' subdivision (for the `holidays` package).
"""

from typing import NamedTuple


class Territory(NamedTuple):
    phone_region: str
    holidays_subdivision: str


OVERSEAS = {
    "971": Territory("GP", "971"),  # Guadeloupe
    "972": Territory("MQ", "972"),  # Martinique
    "973": Territory("GF", "973"),  # Guyane
    "974": Territory("RE", "974"),  # La Réunion
    "975": Territory("PM", "PM"),  # Saint-Pierre-et-Miquelon
    "976": Territory("YT", "976"),  # Mayotte
    "977": Territory("BL", "BL"),  # Saint-Barthélemy
    "978": Territory("MF", "MF"),  # Saint-Martin
    "986": Territory("WF", "WF"),  # Wallis-et-Futuna
    "987": Territory("PF", "PF"),  # Polynésie française
    "988": Territory("NC", "NC"),  # Nouvelle-Calédonie
}
BY_PHONE_REGION = {territory.phone_region: territory for territory in OVERSEAS.values()}

# Departments people write out instead of their number (normalised for search).
OVERSEAS_BY_NAME = {
    "guadeloupe": OVERSEAS["971"],
    "martinique": OVERSEAS["972"],
    "guyane": OVERSEAS["973"],
    "la reunion": OVERSEAS["974"],
    "reunion": OVERSEAS["974"],
    "mayotte": OVERSEAS["976"],
}


def overseas_territory(postcode: str) -> Territory | None:
    return OVERSEAS.get((postcode or "").strip()[:3])
