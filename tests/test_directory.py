"""The directory of cafés and its search, with and without htmx."""

import pytest

from portal.models import CafeService

from .conftest import make_cafe

HTMX_SEARCH = {"HX-Request": "true", "HX-Target": "cafe-results", "HX-Current-URL": "http://localhost/"}


@pytest.fixture
def network(app):
    return [
        make_cafe(
            "saint-jean-de-cole", "Saint-Jean-de-Côle", "24800", "Dordogne", name="Le Café de la Place"
        ),
        make_cafe("lagrasse", "Lagrasse", "11220", "Aude", name="L'Épicerie-Café du Lavoir"),
        make_cafe("melisey", "Mélisey", "70270", "Haute-Saône", name="Au Bon Accueil"),
    ]


def names(page: str) -> set[str]:
    return {
        n for n in ("Le Café de la Place", "L&#39;Épicerie-Café du Lavoir", "Au Bon Accueil") if n in page
    }


def test_directory_lists_every_open_cafe(client, network):
    page = client.get("/").get_data(as_text=True)
    assert names(page) == {"Le Café de la Place", "L&#39;Épicerie-Café du Lavoir", "Au Bon Accueil"}
    assert 'href="/c/melisey/"' in page
    assert "3 cafés" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Dordogne", {"Le Café de la Place"}),
        ("dordogne", {"Le Café de la Place"}),
        ("24800", {"Le Café de la Place"}),
        ("24", {"Le Café de la Place"}),
        ("melisey", {"Au Bon Accueil"}),  # without the accent
        ("Mélisey", {"Au Bon Accueil"}),
        ("saint jean", {"Le Café de la Place"}),  # hyphens or not
        ("haute-saone", {"Au Bon Accueil"}),
        ("lavoir", {"L&#39;Épicerie-Café du Lavoir"}),
        ("nowhere", set()),
        ("%", set()),  # a LIKE wildcard is searched literally
    ],
)
def test_search_by_village_postcode_or_department(client, network, query, expected):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert names(page) == expected


def test_search_without_results_says_so(client, network):
    page = client.get("/?q=zzz").get_data(as_text=True)
    assert "Aucun café ne correspond" in page and "0 café" not in page.split('id="cafe-results"')[1]


def test_search_form_is_a_plain_get_form_enhanced_by_htmx(client, network):
    page = client.get("/?q=aude").get_data(as_text=True)
    assert '<form action="/" method="get" role="search"' in page
    assert 'value="aude"' in page  # what was typed is kept
    assert 'hx-get="/"' in page and 'hx-target="#cafe-results"' in page


def test_htmx_search_returns_only_the_results_block(client, network):
    response = client.get("/?q=aude", headers=HTMX_SEARCH)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="cafe-results"')
    assert "<html" not in page
    assert names(page) == {"L&#39;Épicerie-Café du Lavoir"}
    assert "HX-Request" in response.headers["Vary"]


def test_full_page_also_varies_on_hx_request(client, network):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_closed_cafes_are_not_listed(client, network, db):
    from portal.models import utcnow

    network[0].closed_at = utcnow()
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Le Café de la Place" not in names(page)
    assert "2 cafés" in page


def test_more_link_pages_through_without_and_with_htmx(make_app):
    app = make_app(DIRECTORY_PAGE_SIZE=2)
    client = app.test_client()
    with app.app_context():
        for n in range(5):
            make_cafe(f"cafe-{n}", f"Village {n}", f"0100{n}", "Ain")
    first = client.get("/").get_data(as_text=True)
    assert "Village 0" in first and "Village 2" not in first
    assert 'href="/?page=2"' in first
    second = client.get("/?page=2", headers={"HX-Request": "true", "HX-Target": "more-cafes"})
    fragment = second.get_data(as_text=True)
    assert fragment.lstrip().startswith("<li")  # rows only, to replace the "more" item
    assert "Village 2" in fragment and "Village 3" in fragment and "Village 0" not in fragment
    assert 'href="/?page=3"' in fragment
    # The "more" link disappears in the swap: the keyboard focus goes to the first new café.
    assert fragment.lstrip().startswith('<li class="card" tabindex="-1" data-autofocus>')
    assert fragment.count("data-autofocus") == 1
    last = client.get("/?page=3").get_data(as_text=True)
    assert "Village 4" in last and "page=4" not in last


def test_directory_query_count_does_not_grow_with_cafes(make_app, count_queries):
    app = make_app(DIRECTORY_PAGE_SIZE=50)
    client = app.test_client()
    with app.app_context():
        make_cafe("first", "Premier", "01000", "Ain")
        client.get("/")
        with count_queries() as few:
            assert client.get("/").status_code == 200
        from portal.extensions import db

        for n in range(49):
            cafe = make_cafe(f"cafe-{n}", f"Village {n}", f"01{n:03d}", "Ain")
            db.session.add_all(
                [CafeService(cafe=cafe, key="grocery"), CafeService(cafe=cafe, key="post_relay")]
            )
        db.session.commit()
        with count_queries() as many:
            page = client.get("/").get_data(as_text=True)
        assert page.count('class="card"') == 50
        assert many.count == few.count <= 4
