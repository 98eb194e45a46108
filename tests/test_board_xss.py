"""Whatever residents type is shown as text.

On the board, the notice page, the queue, the home page, in emails.
"""

import json
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import select

from portal.models import ModerationMode, Notice

from .conftest import make_user
from .test_noticeboard import BOARD, form, set_mode

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">clic</a>',
    "javascript:alert(1)",
    "[clic](javascript:alert(1))",
    'https://exemple.org/"onmouseover="alert(1)',
    "https://exemple.org/<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    "facture\u202egnp.exe",
    "pay\u200bpal \u2066secret\u2069 \ufeffzéro",
    "{{ 7*7 }} {% raw %}",
    "<style>body{display:none}</style>",
]
INVISIBLE = ["\u202e", "\u200b", "\u2066", "\u2069", "\ufeff"]


class Inspector(HTMLParser):
    """Collects everything in a page that could run or mislead."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.json_ld = None  # the text of a JSON-LD block being read

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and attrs == [("type", "application/ld+json")]:
            self.json_ld = ""  # data for search engines: must be JSON and nothing else
        elif tag in {"script"} and not (names.get("src") or "").startswith("/static/"):
            self.problems.append(f"script tag {attrs}")
        if tag in {"iframe", "svg", "img", "style", "object", "embed"}:
            self.problems.append(f"{tag} tag")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if tag == "link" and names.get("rel") == "icon" and value == "data:,":
                continue  # the layout's empty favicon
            if (
                name in {"href", "src", "action"}
                and value
                and value.strip().lower().startswith(("javascript:", "data:"))
            ):
                self.problems.append(f"{name}={value}")
            if name == "href" and value and value.startswith("http") and tag == "a":
                self.links.append(value)

    def handle_data(self, data):
        if self.json_ld is not None:
            self.json_ld += data

    def handle_endtag(self, tag):
        if tag == "script" and self.json_ld is not None:
            try:
                json.loads(self.json_ld)
            except ValueError:
                self.problems.append(f"JSON-LD that is not JSON: {self.json_ld[:80]!r}")
            self.json_ld = None

    links: list


def assert_inert(html: str, where: str) -> None:
    inspector = Inspector()
    inspector.links = []
    inspector.feed(html)
    assert inspector.problems == [], f"{where}: {inspector.problems}"
    for char in INVISIBLE:
        assert char not in html, f"{where}: invisible character {char!r} shown"


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_as_title_and_text_is_inert_everywhere(
    client, auth, db, cafe_a, team_a, resident, outbox, payload
):
    set_mode(db, cafe_a, ModerationMode.POST, max_links_new_posters=5)
    auth.login(resident)
    title = ("Annonce " + payload)[:120]
    response = client.post(BOARD + "new", data=form(title=title, body="Texte : " + payload + "\nFin."))
    assert response.status_code == 303, response.get_data(as_text=True)
    notice = db.session.scalar(select(Notice))
    auth.logout()

    # A neighbour replies with the payload, and reports it so it reaches the queue.
    auth.login(make_user("voisine@example.org", "Voisine"))
    pages = {
        "board": client.get(BOARD).get_data(as_text=True),
        "notice page": client.get(f"{BOARD}{notice.id}").get_data(as_text=True),
        "home page": client.get("/c/saint-jean-de-cole/").get_data(as_text=True),
        "filtered board (htmx)": "<main>"
        + client.get(BOARD + "?category=give_away", headers={"HX-Request": "true"}).get_data(as_text=True)
        + "</main>",
    }
    client.post(f"{BOARD}{notice.id}/reply", data={"message": "Réponse " + payload})
    client.post(f"{BOARD}{notice.id}/report", data={"reason": "other", "note": payload})
    auth.logout()
    auth.login(team_a.moderator)
    pages["queue"] = client.get("/c/saint-jean-de-cole/moderation/").get_data(as_text=True)
    item = client.post(
        f"/c/saint-jean-de-cole/moderation/notices/{notice.id}/hide",
        data={"reason": payload},
        headers={"HX-Request": "true"},
    )
    pages["queue item (htmx)"] = "<main>" + item.get_data(as_text=True) + "</main>"
    pages["history"] = client.get("/c/saint-jean-de-cole/moderation/history").get_data(as_text=True)

    for where, html in pages.items():
        assert "Annonce" in html or where == "history", where
        assert_inert(html, where)
    # The visible text is still there, escaped: nothing was silently dropped.
    visible = payload.translate(dict.fromkeys(map(ord, INVISIBLE)))
    assert str(escape(visible)) in pages["notice page"]  # nothing silently dropped, nothing evaluated

    assert outbox, "the reply and the hiding were emailed"
    for mail in outbox:
        assert mail.get_content_type() == "text/plain"
        for char in INVISIBLE:
            assert char not in mail["Subject"] and char not in mail.get_content()


def test_only_web_addresses_become_links_with_nofollow_ugc(app):
    from portal.text import linkify

    html = str(linkify("Photos : https://exemple.org/velo?a=1&b=2. Et www.mairie.fr !\nAutre ligne"))
    assert '<a href="https://exemple.org/velo?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
    assert '<a href="https://www.mairie.fr" rel="nofollow ugc noopener"' in html
    assert "velo?a=1&amp;b=2</a>." in html  # the full stop is not part of the link
    assert "<br>\nAutre ligne" in html
    assert "<a" not in str(linkify("javascript:alert(1) data:text/html,x ftp://x.org"))
