"""The Atom feed as a feed reader (feedparser) shows it, and French names after "à"."""

from datetime import timedelta

import feedparser
import pytest

from portal.grammar import at_place, of_place
from portal.models import Event, EventCategory, utcnow

from .conftest import make_cafe


def add_event(db, cafe, title, description="", days=2):
    start = (utcnow() + timedelta(days=days)).replace(hour=13, minute=0, second=0, microsecond=0)
    event = Event(
        cafe=cafe,
        title=title,
        description=description,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        category=EventCategory.WORKSHOP,
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_feed_reader_shows_the_time_and_the_description_on_separate_lines(client, db, cafe_a):
    add_event(db, cafe_a, "Atelier", "Créer son compte Ameli")
    feed = feedparser.parse(client.get("/c/saint-jean-de-cole/events.atom").data)
    assert not feed.bozo, feed.bozo_exception
    summary = feed.entries[0].summary
    first_line, description = summary.split("\n", 1)
    assert first_line.strip().endswith("h") or first_line.strip()[-1].isdigit()
    assert description == "Créer son compte Ameli"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Le Café de la Place", "Au programme au Café de la Place"),
        ("Les Trois Chênes", "Au programme aux Trois Chênes"),
        ("La Halte", "Au programme à la Halte"),
        ("L’Escale", "Au programme à l’Escale"),
        ("Café des Sports", "Au programme au Café des Sports"),
        ("Épicerie du Bourg", "Au programme à l’Épicerie du Bourg"),
        ("Chez Marcel", "Au programme à Chez Marcel"),
    ],
)
def test_feed_title_says_the_cafe_name_as_french_does(client, app, name, title):
    make_cafe("village", "Village", "24800", "Dordogne", name=name)
    feed = feedparser.parse(client.get("/c/village/events.atom").data)
    assert feed.feed.title == title


def test_english_keeps_the_name_as_it_is(app):
    from flask import session

    with app.test_request_context():
        session["lang"] = "en"
        assert at_place("Le Café de la Place") == "at Le Café de la Place"


def test_french_contractions_of_de():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "fr")
    with app.test_request_context():
        assert of_place("Le Café de la Place") == "du Café de la Place"
        assert of_place("Les Amis") == "des Amis"
        assert of_place("Aubusson") == "d’Aubusson"
        assert of_place("Lagrasse") == "de Lagrasse"


def test_messages_name_the_cafe_as_french_does(app):
    """ "au Café de la Place", "du Café de la Place": never "au Le Café", "de Le Café"."""
    from types import SimpleNamespace

    from portal.messages import render_text

    cafe = SimpleNamespace(name="Le Café de la Place", address="2 place du Château", postcode="24800")
    cafe.village = "Saint-Jean-de-Côle"
    booking = SimpleNamespace(code="ABC123", topic=SimpleNamespace(name="Impôts"))
    notice = SimpleNamespace(title="Vélo à donner")
    with app.test_request_context():
        booked = render_text(
            "bookings/email/confirmation.txt", cafe=cafe, booking=booking, when="mardi 8 décembre", link="x"
        )
        rejected = render_text("moderation/email/rejected.txt", cafe=cafe, notice=notice, reason="doublon")
    assert "mardi 8 décembre, au Café de la Place." in booked
    assert "Les modérateurs du Café de la Place n’ont pas publié" in rejected
    assert "Le Café" not in booked + rejected


def test_atom_feeds_validate_against_the_rfc_4287_schema(client, db, cafe_a, tmp_path):
    """jing with RFC 4287's RELAX NG schema, on a feed with a cancelled date, odd characters
    and a café name that needs contracting."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("jing") is None:
        pytest.fail("jing is needed to validate the Atom feeds (apt-get install jing; .ci/run installs it)")
    cafe_a.name = "Le Café de la Place"
    add_event(db, cafe_a, "Concert & dîner <spécial>", "Ligne 1\nLigne 2 « guillemets »")
    cancelled = add_event(db, cafe_a, "Loto", days=4)
    cancelled.status = cancelled.status.__class__("cancelled")
    cancelled.cancel_reason = "Salle prise"
    db.session.commit()
    feed = tmp_path / "events.atom"
    feed.write_bytes(client.get("/c/saint-jean-de-cole/events.atom").data)
    schema = Path(__file__).parent / "data" / "atom.rnc"
    result = subprocess.run(
        ["jing", "-c", str(schema), str(feed)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
