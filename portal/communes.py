"""The French communes, so that any village or postcode people type leads somewhere.

From portal/data/communes.tsv, derived from the official administrative split (COG) by
scripts/build_communes.py: INSEE code, name, postcodes, department. Loaded once, on the
first search that needs it.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models.cafe import normalise_for_search

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    department: str  # its code: "24", "2A", "974"
    population: int


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, list[Commune]]
    by_postcode: dict[str, list[Commune]]
    by_insee: dict[str, Commune]
    departments: dict[str, str]  # code -> name
    department_by_name: dict[str, str]  # normalised name -> code


@cache
def _index() -> _Index:
    by_name: dict[str, list[Commune]] = {}
    by_postcode: dict[str, list[Commune]] = {}
    by_insee: dict[str, Commune] = {}
    with (DATA / "communes.tsv").open(encoding="utf-8") as lines:
        for line in lines:
            insee, name, postcodes, department, population = line.rstrip("\n").split("\t")
            commune = Commune(insee, name, tuple(postcodes.split(",")), department, int(population))
            by_name.setdefault(normalise_for_search(name), []).append(commune)
            for postcode in commune.postcodes:
                by_postcode.setdefault(postcode, []).append(commune)
            by_insee.setdefault(insee, commune)
    departments = {}
    with (DATA / "departements.tsv").open(encoding="utf-8") as lines:
        for line in lines:
            code, name = line.rstrip("\n").split("\t")
            departments[code] = name
    return _Index(
        by_name,
        by_postcode,
        by_insee,
        departments,
        {normalise_for_search(name): code for code, name in departments.items()},
    )


def find_communes(query: str) -> list[Commune]:
    """The communes a search names: by name (any spelling), postcode or INSEE code; biggest first."""
    words = normalise_for_search(query)
    if not words:
        return []
    index = _index()
    if words.isdigit() or (len(words) == 5 and words[:2] in ("2a", "2b")):
        # A postcode first: 97413 is Cilaos' postcode and Saint-Leu's INSEE code.
        found = list(index.by_postcode.get(words, []))
        if not found and words.upper() in index.by_insee:
            found = [index.by_insee[words.upper()]]
    else:
        found = list(index.by_name.get(words, []))
    return sorted(found, key=lambda c: -c.population)


def department_code(query: str) -> str | None:
    """The department a search names ('Dordogne', '24', 'la reunion'), or None."""
    words = normalise_for_search(query)
    index = _index()
    if words.upper() in index.departments:
        return words.upper()
    return index.department_by_name.get(words) or index.department_by_name.get(words.removeprefix("la "))


def department_name(code: str) -> str:
    return _index().departments.get(code, code)


def department_of_postcode(postcode: str) -> str:
    """'24800' -> '24', '97413' -> '974', '20000' -> '2A' (Corse-du-Sud), '20600' -> '2B'."""
    postcode = (postcode or "").strip()
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    return postcode[:2]
