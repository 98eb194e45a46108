"""The map of personal data, the privacy and legal pages, and the privacy link by every form."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal.extensions import db as _db
from portal.models import Cafe, Notice, NoticeCategory, NoticeStatus, utcnow
from portal.personal_data import ACTIONS, DELETE_ROW, MAP, NEUTRAL, stale, unclassified
from tests.test_bookings import helpdesk  # noqa: F401  (a fixture)
from tests.test_orders import TUESDAY, monday_noon  # noqa: F401  (a fixture)

TEMPLATES = Path(__file__).resolve().parent.parent / "portal" / "templates"


# --- the map ---------------------------------------------------------------------------------------


def test_every_column_of_every_table_is_classified(app):
    """A new column, in any model, by anyone: this fails until the map says what it is."""
    missing = unclassified(_db.metadata)
    assert missing == [], (
        "These columns are not in portal/personal_data.py. Say whether each holds personal data "
        f"and what happens to it on deletion and on expiry: {missing}"
    )
    assert stale(_db.metadata) == []


def test_the_map_notices_a_new_column(app):
    from sqlalchemy import Column, Integer, MetaData, String, Table

    metadata = MetaData()
    Table(
        "user", metadata, *(Column(name, String) for name in MAP["user"].columns), Column("nickname", String)
    )
    Table("pet", metadata, Column("id", Integer, primary_key=True))
    assert unclassified(metadata) == ["pet.id", "user.nickname"] or sorted(unclassified(metadata)) == [
        "pet.id",
        "user.nickname",
    ]


def test_the_map_is_coherent(app):
    with app.test_request_context():
        _check_map_coherence()


def _check_map_coherence():
    tables = _db.metadata.tables
    for table_name, spec in MAP.items():
        for name, column in spec.columns.items():
            where = f"{table_name}.{name}"
            assert column.on_delete in ACTIONS and column.on_expiry in ACTIONS, where
            if column.personal:
                assert str(column.about), f"{where}: a personal column needs a description"
            if NEUTRAL in (column.on_delete, column.on_expiry):
                assert column.neutral is not None, f"{where}: NEUTRAL needs a neutral value"
            if DELETE_ROW in (column.on_delete, column.on_expiry):
                assert tables[table_name].c[name].foreign_keys, f"{where}: only a link can take its row away"
            if column.owner:
                assert column.personal or name == "id", where


# --- the privacy and legal pages ------------------------------------------------------------------


def test_privacy_page_in_french_says_what_why_who_how_long_and_rights(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Vos données personnelles" in html
    for words in (
        "Réserver une aide numérique",
        "Votre numéro de téléphone, pour vous joindre si le rendez-vous change",
        "Le personnel de ce café seulement",
        "12 mois après la date par défaut",
        "24 mois au plus",
        "Télécharger vos données",
        "Effacer votre compte",
        "CNIL",
    ):
        assert words in html, words


def test_privacy_page_in_english(client):
    client.post("/preferences/language", data={"lang": "en"})
    html = client.get("/privacy").get_data(as_text=True)
    assert "Your personal data" in html
    assert "Your phone number, to reach you if the appointment changes" in html
    assert "Your rights and how to use them" in html


def test_cafe_privacy_page_names_the_cafe_and_its_retention(client, cafe_a):
    cafe_a.retention_months = 6
    cafe_a.email = "contact@cafe-saint-jean.fr"
    _db.session.commit()
    html = client.get(f"/c/{cafe_a.slug}/privacy").get_data(as_text=True)
    assert "Café de Saint-Jean-de-Côle" in html
    assert "contact@cafe-saint-jean.fr" in html
    assert "pendant 6 mois après la date" in html
    assert f"/c/{cafe_a.slug}/privacy/record" in html


def test_logged_in_privacy_page_links_to_download_and_delete(client, auth, resident):
    auth.login(resident)
    html = client.get("/privacy").get_data(as_text=True)
    assert 'href="/account/data.zip"' in html
    assert 'href="/account/delete"' in html


def test_legal_notice_shows_the_operator_from_configuration(make_app):
    app = make_app(
        OPERATOR_NAME="Association des Cafés de Village",
        OPERATOR_ADDRESS="12 rue du Marché, 24800 Thiviers",
        OPERATOR_EMAIL="contact@cafes-village.fr",
        OPERATOR_REGISTRATION="SIREN 123 456 789",
        OPERATOR_DIRECTOR="Marie Durand",
        HOSTING_PROVIDER="OVH SAS, 2 rue Kellermann, 59100 Roubaix",
    )
    html = app.test_client().get("/legal").get_data(as_text=True)
    for text in (
        "Mentions légales",
        "Association des Cafés de Village",
        "12 rue du Marché, 24800 Thiviers",
        "contact@cafes-village.fr",
        "SIREN 123 456 789",
        "Marie Durand",
        "OVH SAS",
    ):
        assert text in html


def test_every_page_links_to_privacy_and_legal(client, cafe_a):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in home and 'href="/legal"' in home
    cafe_page = client.get(f"/c/{cafe_a.slug}/").get_data(as_text=True)
    assert f'href="/c/{cafe_a.slug}/privacy"' in cafe_page


def test_unknown_cafe_privacy_page_is_404(client):
    assert client.get("/c/nowhere/privacy").status_code == 404


# --- a privacy link by every form that collects personal data -------------------------------------

# Inputs that take a name, a way to reach someone, or what they write about themselves.
PERSONAL_INPUTS = re.compile(
    r"\b\w*form\.(name|display_name|email|phone|contact_phone|on_behalf_of|message|note)\b"
    r'|name="(name|display_name|email|phone|contact_phone|on_behalf_of|message|note)"'
)
# Forms with such inputs that collect nothing new about the person typing, and why.
NOT_COLLECTING = {
    "auth/login.html": "logging in with an address already given",
    "auth/reset_request.html": "an address already given, to send a reset link to",
    "bookings/find.html": "looking up a booking with the contact already given",
    "counter/exit.html": "a staff member's own login",
    "impact/report_form.html": "a helper's report on the help given: categories, never a name",
    "manage/profile.html": "the café's public contact details",
    "network/new_cafe.html": "a café's public contact details",
    "network/index.html": "a search box",
    "manage/team.html": "a staff invitation, sent by the manager",
    "bookings/setup.html": "help topics and hours, nothing about a person",
    "privacy/record.html": "looking up a record with the contact already given",
    "privacy/delete.html": "a password to confirm",
    # Staff shop forms: the staff member typing is not the person whose data it is (the
    # residents' own shop forms carry the sentence).
    "orders/staff_order.html": "staff record an order a villager gave at the counter or by phone",
    "orders/product.html": "a bread's name, price and quantity",
    "orders/setup.html": "the breads on sale and the shop's settings",
    "parcels/index.html": "staff record a parcel's recipient from its label",
}


def _source(template: str) -> str:
    """The template with the templates it includes, as one text."""
    text = (TEMPLATES / template).read_text()
    return re.sub(r'{%\s*include\s+"([^"]+)"\s*%}', lambda m: _source(m.group(1)), text)


def _forms(text: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", text, re.S)


def test_every_form_that_collects_personal_data_links_to_the_privacy_page():
    """Walks every form of every template: one asking for a name, a contact or a message says why."""
    collecting = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        template = str(path.relative_to(TEMPLATES))
        for form in _forms(_source(template)):
            if not PERSONAL_INPUTS.search(form) or template in NOT_COLLECTING:
                continue
            collecting.append(template)
            assert "privacy_note(" in form, (
                f"{template}: a form collects personal data without the privacy link"
            )
    # The walk really found the forms people fill in.
    assert {
        "auth/register.html",
        "bookings/book.html",
        "bookings/staff_book.html",
        "counter/book.html",
        "events/detail.html",
        "noticeboard/form.html",
        "noticeboard/detail.html",
        "noticeboard/report.html",
    } <= set(collecting)


@pytest.fixture
def board_notice(team_a, resident):
    notice = Notice(
        cafe_id=team_a.cafe.id,
        author_id=resident.id,
        posted_by_id=resident.id,
        title="Donne un vélo",
        body="Bon état.",
        category=NoticeCategory.GIVE_AWAY,
        expires_on=team_a.cafe.today() + timedelta(days=10),
        status=NoticeStatus.PUBLISHED,
        published_at=utcnow(),
        relay_contact=True,
    )
    _db.session.add(notice)
    _db.session.commit()
    return notice


def _privacy_link(html: str, cafe: Cafe | None, anchor: str) -> bool:
    href = (f"/c/{cafe.slug}/privacy" if cafe else "/privacy") + f"#{anchor}"
    return '<p class="privacy-note">' in html and f'href="{href}"' in html


def test_rendered_forms_show_the_privacy_sentence(client, auth, helpdesk, board_notice):  # noqa: F811
    from tests.test_bookings import book_url, free
    from tests.test_events import make_event

    team_a = helpdesk.team

    cafe = team_a.cafe
    base = f"/c/{cafe.slug}"
    assert _privacy_link(client.get("/account/register").get_data(as_text=True), None, "account")
    event = make_event(cafe, rsvp_enabled=True, capacity=10)
    assert _privacy_link(client.get(f"{base}/events/{event.id}").get_data(as_text=True), cafe, "events")
    booking_page = client.get(book_url(helpdesk.topic, free(helpdesk).key)).get_data(as_text=True)
    assert _privacy_link(booking_page, cafe, "bookings")
    auth.login(team_a.staff)
    for url in (
        f"{base}/board/new",
        f"{base}/board/{board_notice.id}",
        f"{base}/board/{board_notice.id}/report",
    ):
        html = client.get(url).get_data(as_text=True)
        assert _privacy_link(html, cafe, "noticeboard"), url
    assert _privacy_link(client.get(f"{base}/board/counter").get_data(as_text=True), cafe, "noticeboard")
    staff_booking = client.get(f"{base}/help/staff/book?slot={free(helpdesk).key}").get_data(as_text=True)
    assert _privacy_link(staff_booking, cafe, "bookings")


# --- minimal messages -----------------------------------------------------------------------------


def test_confirmations_and_reminders_say_topic_and_time_never_the_note_and_how_to_stop(
    app,
    client,
    helpdesk,  # noqa: F811
    outbox,
):
    from portal.blueprints.bookings import services as bookings
    from tests.test_bookings import resident_post

    cafe = helpdesk.cafe
    tomorrow = cafe.today() + timedelta(days=1)
    slot = next(
        s for s in bookings.free_slots(cafe, helpdesk.topic) if cafe.local_day(s.starts_at) == tomorrow
    )
    response = resident_post(
        client,
        helpdesk,
        slot,
        phone="06 12 34 56 78",
        email="jeanne@example.org",
        note="Mon fils Paul m’aide, numéro fiscal 1234",
    )
    assert response.status_code == 303
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "1 reminder(s) sent" in result.output
    assert len(outbox) == 2  # the confirmation, then the reminder
    for mail in outbox:
        body = mail.get_content().replace("\xa0", " ")
        assert "Impôts en ligne" in body
        assert "Paul" not in body and "1234" not in body
        assert "Pour ne plus recevoir de messages : http://localhost/privacy#emails-and-texts" in body
    (sms,) = app.extensions["sms_outbox"]
    assert sms[0] == "+33612345678"
    assert "Paul" not in sms[1] and sms[1].replace("\xa0", " ").endswith("Stop : http://localhost/privacy")


# --- the shop on the privacy page, and its forms ---------------------------------------------------


def test_every_privacy_link_of_a_form_opens_a_section_of_the_privacy_page(client, cafe_a):
    """A form's sentence links to /privacy#<topic>: each topic must be a heading of the page."""
    anchors = set()
    for path in TEMPLATES.rglob("*.html"):
        anchors.update(re.findall(r"privacy_note\('([\w-]+)'\)", path.read_text()))
    assert {"account", "bookings", "events", "noticeboard", "shop"} <= anchors
    for url in ("/privacy", f"/c/{cafe_a.slug}/privacy"):
        html = client.get(url).get_data(as_text=True)
        missing = [anchor for anchor in sorted(anchors) if f'id="{anchor}"' not in html]
        assert missing == [], f"{url}: no section for {missing}"


def test_the_privacy_page_says_what_the_shop_keeps_why_who_sees_it_and_how_long(client, cafe_a):
    from portal.models.shop import ShopSettings

    _db.session.add(ShopSettings(cafe_id=cafe_a.id, parcel_retention_days=14))
    _db.session.commit()
    html = client.get(f"/c/{cafe_a.slug}/privacy").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="shop">(.*?)</section>', html, re.S)
    assert section, "the café's privacy page has a shop section"
    shop = re.sub(r"\s+", " ", section.group(1)).replace("&#39;", "’")
    for words in (
        "L’épicerie du village : commandes de pain, commandes régulières et colis",
        # what and why
        "Votre nom, pour la commande",
        "Votre numéro de téléphone, pour la commande",
        "Votre nom, sur le colis",
        "Votre numéro de téléphone, pour vous dire que le colis est arrivé",
        "aucune coordonnée bancaire n’est gardée",
        # who sees it
        "Le personnel de ce café seulement. Le boulanger reçoit les totaux du jour par pain, jamais de noms.",
        # how long, with this café's own parcel period
        "90 jours après le jour du retrait, puis seuls le pain, les quantités et les prix restent",
        "90 jours après son arrêt, le nom et les coordonnées sont effacés",
        "14 jours après que le colis a été retiré ou renvoyé",
    ):
        assert words in shop, words
    assert "Qui a pris la commande" not in shop  # links to staff are not the person's data
    summary = re.sub(r"\s+", " ", html).replace("&#39;", "’")
    assert "colis : 14 jours après le départ du colis" in summary
    assert "L’épicerie n’écrit qu’au sujet de votre commande" in summary
    # The site-wide page gives the default period.
    assert "30 jours après que le colis a été retiré ou renvoyé" in client.get("/privacy").get_data(
        as_text=True
    )


def test_shop_forms_say_it_to_residents_and_not_to_staff(client, auth, team_a, monday_noon):  # noqa: F811
    from portal.models import CafeService
    from portal.models.shop import Product

    cafe = team_a.cafe
    product = Product(cafe_id=cafe.id, name="Baguette", price_cents=110, daily_quantity=30)
    _db.session.add_all([product, CafeService(cafe_id=cafe.id, key="bread_depot")])
    _db.session.commit()
    base = f"/c/{cafe.slug}"
    for url in (f"{base}/bread/{TUESDAY.isoformat()}/", f"{base}/bread/regular"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert _privacy_link(page.get_data(as_text=True), cafe, "shop"), url
    auth.login(team_a.manager)
    for url in (
        f"{base}/bread/staff/order",
        f"{base}/bread/staff/setup",
        f"{base}/bread/staff/products/{product.id}",
        f"{base}/parcels/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<p class="privacy-note">' not in page.get_data(as_text=True), url
