"""Search finds what people type: abbreviations, hyphens, neighbouring communes, postcodes."""

import pytest

from portal.communes import department_code, department_of_postcode, find_communes
from portal.models.cafe import normalise_for_search

from .conftest import make_cafe


@pytest.fixture
def network(app):
    return [
        make_cafe(
            "saint-jean-de-cole", "Saint-Jean-de-Côle", "24800", "Dordogne", name="Le Café de la Place"
        ),
        make_cafe("villars", "Villars", "24530", "Dordogne", name="Le Relais de Villars"),
        make_cafe("lagrasse", "Lagrasse", "11220", "Aude", name="L'Épicerie-Café du Lavoir"),
    ]


def section(page: str, start: str, end: str = "</section>") -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def test_abbreviations_and_hyphens_are_spelt_out():
    assert normalise_for_search("St-Jean-de-Côle") == "saint jean de cole"
    assert normalise_for_search("Ste Foy-la-Grande") == "sainte foy la grande"
    assert normalise_for_search("L’Isle-sur-la-Sorgue") == "l isle sur la sorgue"


def test_the_communes_come_from_the_official_split():
    assert [c.insee for c in find_communes("Thiviers")] == ["24551"]
    assert "24800" in find_communes("thiviers")[0].postcodes
    assert {c.name for c in find_communes("24800")} >= {"Thiviers", "Saint-Jean-de-Côle"}
    assert find_communes("Brantôme")[0].department == "24"
    assert find_communes("97413")[0].name == "Cilaos"
    assert find_communes("24551")[0].name == "Thiviers"  # the INSEE code
    assert department_code("dordogne") == "24" and department_code("La Réunion") == "974"
    assert department_of_postcode("97413") == "974" and department_of_postcode("20200") == "2B"


@pytest.mark.parametrize(
    "query", ["St-Jean", "st jean de cole", "Saint Jean de Cole", "ST-JEAN-DE-CÔLE", "24800"]
)
def test_every_spelling_finds_the_cafe(client, network, query):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    results = section(page, 'id="cafe-results"')
    assert "Le Café de la Place" in results and "Lavoir" not in results
    assert "0 café" not in results


def test_a_neighbouring_commune_offers_the_nearest_cafes(client, network):
    page = client.get("/", query_string={"q": "Thiviers"}).get_data(as_text=True).replace("\u00a0", " ")
    results = section(page, 'id="cafe-results"')
    assert "Aucun café ne correspond à « Thiviers »" in results and "0 café" not in results
    assert (
        "Pas encore de café à Thiviers (24800). Les plus proches, dans le département Dordogne :" in results
    )
    # The one sharing Thiviers' postcode comes first, then the rest of the department.
    assert results.index("Le Café de la Place") < results.index("Le Relais de Villars")
    assert "Lavoir" not in results


@pytest.mark.parametrize("query", ["Brantôme", "brantome", "24310"])
def test_a_commune_without_a_cafe_offers_the_departments(client, network, query):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    results = section(page, 'id="cafe-results"')
    assert "Aucun café ne correspond" in results
    assert 'href="/c/villars/"' in results and 'href="/c/saint-jean-de-cole/"' in results
    assert "lagrasse" not in results


def test_an_unknown_place_still_offers_a_way_forward(client, network):
    page = client.get("/", query_string={"q": "Xyzzyville"}).get_data(as_text=True)
    results = section(page, 'id="cafe-results"')
    assert "Aucun café ne correspond à « Xyzzyville »" in results.replace("\u00a0", " ")
    assert 'href="/?q=Dordogne">Dordogne</a> (2)' in results and 'href="/?q=Aude">Aude</a> (1)' in results


def test_the_htmx_search_gives_the_same_help(client, network):
    headers = {"HX-Request": "true", "HX-Target": "cafe-results", "HX-Current-URL": "http://localhost/"}
    page = client.get("/?q=Thiviers", headers=headers).get_data(as_text=True)
    assert "Le Café de la Place" in page and "<html" not in page
