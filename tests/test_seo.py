"""What search engines and link previews read, and HTML that validators accept."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l

from portal.blueprints.events.recurrence import to_utc
from portal.models import Event, EventCategory, WeeklyHours, utcnow

from .conftest import make_cafe

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))


def meta(page: str, key: str) -> str:
    found = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)"', page)
    assert found, f"no <meta> {key}"
    return found.group(1)


def add_event(db, cafe, title="Loto", days=5, hour=20, **extra):
    day = cafe.today() + timedelta(days=days)
    start = to_utc(datetime(day.year, day.month, day.day, hour), cafe.zone)
    event = Event(
        cafe=cafe,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        category=extra.pop("category", EventCategory.ASSOCIATION),
        **extra,
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_robots_keep_search_engines_out_of_private_pages_and_point_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    rules = response.get_data(as_text=True).splitlines()
    for private in ("/account/", "/network/", "/c/*/manage/", "/c/*/moderation/", "/c/*/help/staff/"):
        assert f"Disallow: {private}" in rules
    assert not any(rule in ("Disallow: /", "Disallow: /c/") for rule in rules)
    assert "Sitemap: http://localhost/sitemap.xml" in rules


def test_sitemap_lists_exactly_the_public_pages(client, db, cafe_a, cafe_b):
    closed = make_cafe("ferme", "Fermé", "24000", "Dordogne", closed_at=utcnow())
    coming = add_event(db, cafe_a, "Loto")
    add_event(db, cafe_a, "Passé", days=-10)
    cancelled = add_event(db, cafe_b, "Annulé")
    cancelled.status = cancelled.status.__class__("cancelled")
    db.session.commit()
    add_event(db, closed, "Chez un café fermé")
    root = ET.fromstring(client.get("/sitemap.xml").data)
    urls = sorted(loc.text for loc in root.iter(f"{SITEMAP}loc"))
    base = "http://localhost"
    expected = [f"{base}/"]
    for cafe in (cafe_a, cafe_b):
        expected += [
            f"{base}/c/{cafe.slug}/",
            f"{base}/c/{cafe.slug}/events/",
            f"{base}/c/{cafe.slug}/board/",
        ]
    expected.append(f"{base}/c/{cafe_a.slug}/events/{coming.id}")
    assert urls == sorted(expected)
    for url in urls:
        assert client.get(url.removeprefix(base)).status_code == 200


def test_cafe_page_describes_the_cafe_with_its_hours_for_search_engines(client, db, cafe_a):
    cafe_a.description = "Café, épicerie et relais poste au cœur du village."
    cafe_a.phone = "+33553620000"
    cafe_a.weekly_hours = [WeeklyHours(weekday=1, opens=time(7, 30), closes=time(12, 30))]
    db.session.commit()
    page = client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    assert meta(page, "description") == "Café, épicerie et relais poste au cœur du village."
    assert '<link rel="canonical" href="http://localhost/c/saint-jean-de-cole/">' in page
    assert meta(page, "og:url") == "http://localhost/c/saint-jean-de-cole/"
    data = json_ld(page)
    assert data["@type"] == "CafeOrCoffeeShop" and data["name"] == cafe_a.name
    assert data["address"]["postalCode"] == cafe_a.postcode
    assert data["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "07:30",
            "closes": "12:30",
        }
    ]


def test_a_shared_event_link_shows_its_title_date_and_cafe(client, db):
    cilaos = make_cafe("cilaos", "Cilaos", "97413", "La Réunion", timezone="Indian/Reunion")
    event = add_event(db, cilaos, "Bal de la lentille", hour=20)
    page = client.get(f"/c/cilaos/events/{event.id}").get_data(as_text=True)
    assert meta(page, "og:title").startswith("Bal de la lentille")
    assert "Café de Cilaos" in meta(page, "og:title")
    description = meta(page, "og:description")
    assert "Café de Cilaos" in description and "20" in description
    data = json_ld(page)
    assert data["@type"] == "Event" and data["name"] == "Bal de la lentille"
    assert data["startDate"].endswith("T20:00:00+04:00")  # the café's own time zone
    assert data["location"]["name"] == "Café de Cilaos"
    assert data["location"]["address"]["addressLocality"] == "Cilaos"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


def test_translated_text_is_escaped_like_any_text(app):
    with app.test_request_context():
        html = render_template_string("<p>{{ hint }}</p>", hint=_l("The café’s page will be /c/<address>/."))
    assert "/c/&lt;adresse&gt;/" in html


@pytest.mark.parametrize("path", ["/manage/hours", "/help/staff/setup"])
def test_several_forms_on_one_page_give_no_duplicate_ids(client, auth, team_a, path):
    auth.login(team_a.manager)
    page = client.get(f"/c/saint-jean-de-cole{path}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert page.count("<form") >= 2
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_a_required_select_starts_with_an_empty_placeholder(client, auth, db, team_a):
    from portal.models import Recurrence

    series = add_event(db, team_a.cafe, "Belote", recurrence=Recurrence.WEEKLY, repeat_count=5)
    auth.login(team_a.staff)
    page = client.get(f"/c/saint-jean-de-cole/events/manage/{series.id}/dates").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="occurrence"[^>]*>\s*<option([^>]*)>', page)
    assert select and 'value=""' in select.group(1)
