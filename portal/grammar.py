"""Place names after a preposition, as each language says them.

French contracts "à le" into "au" and "de le" into "du" (and "à les"/"de les" into
"aux"/"des"): "Au programme au Café de la Place", "l'équipe du Café de la Place", never
"à Le Café". A name without an article that starts with a common noun ("Café des Sports")
takes the noun's article; a proper name ("Lagrasse", "Chez Marcel") takes none.
"""

from flask_babel import get_locale

# Common nouns a café's name starts with, and their gender ("m", "f").
_NOUN_GENDERS = {
    "auberge": "f",
    "bar": "m",
    "bistrot": "m",
    "bistro": "m",
    "boulangerie": "f",
    "brasserie": "f",
    "cafe": "m",
    "café": "m",
    "comptoir": "m",
    "epicerie": "f",
    "épicerie": "f",
    "estaminet": "m",
    "guinguette": "f",
    "halle": "f",
    "maison": "f",
    "petit": "m",
    "petite": "f",
    "relais": "m",
    "restaurant": "m",
    "salon": "m",
    "table": "f",
    "taverne": "f",
    "tiers-lieu": "m",
}
_VOWELS = "aeiouyàâäéèêëîïôöùûüœh"
_APOSTROPHES = ("L'", "L’", "l'", "l’")
# (article as written, "à" + article, "de" + article)
_ARTICLES = (("Les ", "aux ", "des "), ("Le ", "au ", "du "), ("La ", "à la ", "de la "))


def _french(name: str, preposition: str) -> str:
    at = preposition == "à"
    for written, with_a, with_de in _ARTICLES:
        if name.startswith(written):
            return (with_a if at else with_de) + name[len(written) :]
    for apostrophe in _APOSTROPHES:
        if name.startswith(apostrophe):
            return ("à l’" if at else "de l’") + name[len(apostrophe) :]
    first_word = name.split(" ", 1)[0].lower()
    gender = _NOUN_GENDERS.get(first_word)
    if gender and first_word[0] in _VOWELS:
        return ("à l’" if at else "de l’") + name
    if gender == "m":
        return ("au " if at else "du ") + name
    if gender == "f":
        return ("à la " if at else "de la ") + name
    if not at and name[:1].lower() in _VOWELS:
        return "d’" + name
    return f"{preposition} {name}"


def _is_french() -> bool:
    return str(get_locale() or "fr") == "fr"


def at_place(name: str) -> str:
    """'au Café de la Place', 'à Lagrasse' in French; 'at Le Café de la Place' in English."""
    return _french(name, "à") if _is_french() else f"at {name}"


def of_place(name: str) -> str:
    """'du Café de la Place', 'd’Aubusson' in French; 'of Le Café de la Place' in English."""
    return _french(name, "de") if _is_french() else f"of {name}"
