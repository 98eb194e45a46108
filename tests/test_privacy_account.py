"""Download my data and erase my account, for a resident with data in every feature."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, func, select

from portal.extensions import db as _db
from portal.models import (
    AuditEntry,
    Booking,
    HelpTopic,
    Membership,
    Notice,
    NoticeCategory,
    NoticeReply,
    NoticeStatus,
    Report,
    ReportReason,
    Role,
    Rsvp,
    User,
    utcnow,
)
from portal.models.shop import (
    COLLECTED,
    BreadOrder,
    BreadOrderLine,
    Parcel,
    Product,
    StandingOrder,
    StandingOrderLine,
    StandingOrderPause,
)
from tests.conftest import PASSWORD, make_user
from tests.test_events import make_event, rsvp_data

RESIDENT_EMAIL = "jeanne.martin@example.org"


def _notice(cafe, author, title, **extra):
    notice = Notice(
        cafe_id=cafe.id,
        author_id=author.id,
        posted_by_id=author.id,
        title=title,
        body=extra.pop("body", "Texte de l’annonce"),
        category=NoticeCategory.GIVE_AWAY,
        expires_on=cafe.today() + timedelta(days=10),
        status=NoticeStatus.PUBLISHED,
        published_at=utcnow(),
        relay_contact=True,
        **extra,
    )
    _db.session.add(notice)
    _db.session.commit()
    return notice


def _booking(cafe, topic, name, email, phone, code, days=3, **extra):
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    booking = Booking(
        cafe_id=cafe.id,
        topic_id=topic.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        name=name,
        email=email,
        phone=phone,
        code=code,
        **extra,
    )
    _db.session.add(booking)
    _db.session.commit()
    return booking


def _bread_order(cafe, product, name, email, phone, code, day, quantity, **extra):
    order = BreadOrder(
        cafe_id=cafe.id,
        day=day,
        code=code,
        token=f"token-{code}",
        name=name,
        email=email,
        phone=phone,
        total_cents=quantity * product.price_cents,
        lines=[
            BreadOrderLine(product_id=product.id, quantity=quantity, unit_price_cents=product.price_cents)
        ],
        **extra,
    )
    _db.session.add(order)
    return order


def _shop(cafe, team_a):
    """Jeanne's bread orders (one collected, one to come), her regular order and a parcel; Paul's too."""
    today = cafe.today()
    baguette = Product(cafe_id=cafe.id, name="Baguette tradition", price_cents=120, daily_quantity=40)
    _db.session.add(baguette)
    _db.session.flush()
    her_collected = _bread_order(
        cafe,
        baguette,
        "Jeanne Martin",
        RESIDENT_EMAIL,
        "+33553000001",
        "PAIN01",
        today - timedelta(days=2),
        2,
        status=COLLECTED,
        collected_at=utcnow() - timedelta(days=2),
        collected_by_id=team_a.staff.id,
        ordered_by_id=team_a.staff.id,
    )
    her_next = _bread_order(
        cafe,
        baguette,
        "Jeanne Martin",
        RESIDENT_EMAIL,
        "+33553000001",
        "PAIN02",
        today + timedelta(days=2),
        1,
    )
    her_regular = StandingOrder(
        cafe_id=cafe.id,
        code="REGU01",
        token="token-REGU01",
        name="Jeanne Martin",
        phone="+33553000001",
        email=RESIDENT_EMAIL,
        weekdays="15",
        lines=[StandingOrderLine(product_id=baguette.id, quantity=1)],
        pauses=[
            StandingOrderPause(first_day=today + timedelta(days=20), last_day=today + timedelta(days=27))
        ],
    )
    her_parcel = Parcel(
        cafe_id=cafe.id,
        recipient="Jeanne Martin",
        phone="+33612345678",
        email=RESIDENT_EMAIL,
        carrier="la_poste",
        keep_until=today + timedelta(days=10),
        received_by_id=team_a.staff.id,
    )
    paul_order = _bread_order(
        cafe, baguette, "Paul Voisin", "paul.voisin@example.org", "+33553000002", "PAIN03", today, 3
    )
    paul_parcel = Parcel(
        cafe_id=cafe.id,
        recipient="Paul Voisin",
        phone="+33553000002",
        email="paul.voisin@example.org",
        keep_until=today + timedelta(days=10),
    )
    _db.session.add_all([her_regular, her_parcel, paul_parcel])
    _db.session.commit()
    return {
        "baguette": baguette,
        "her_collected": her_collected,
        "her_next": her_next,
        "her_regular": her_regular,
        "her_parcel": her_parcel,
        "paul_order": paul_order,
        "paul_parcel": paul_parcel,
    }


@pytest.fixture
def world(client, auth, team_a, team_b):
    """Jeanne has an account, notices, a reply, a report, an RSVP, a booking and a team role;
    her neighbour Paul has the same kinds of things, which must never show in her data."""
    cafe = team_a.cafe
    jeanne = make_user(RESIDENT_EMAIL, "Jeanne Martin")
    paul = make_user("paul.voisin@example.org", "Paul Voisin")
    _db.session.add(Membership(user=jeanne, cafe=team_b.cafe, role=Role.HELPER))
    _db.session.commit()

    her_notice = _notice(
        cafe, jeanne, "Donne des confitures", contact_phone="+33612345678", body="Pots de 2025"
    )
    her_notice.approved_by_id = team_a.moderator.id
    her_notice.approved_at = utcnow()
    paul_notice = _notice(cafe, paul, "Cherche une tondeuse", body="Paul, rue des Écoles")
    # Paul reports Jeanne's notice: she must never learn who did.
    _db.session.add(
        Report(
            cafe_id=cafe.id,
            notice_id=her_notice.id,
            reporter_id=paul.id,
            reporter_key=f"u:{paul.id}",
            reason=ReportReason.OTHER,
            note="Paul trouve ça louche",
        )
    )
    _db.session.commit()

    auth.login(jeanne)
    base = f"/c/{cafe.slug}"
    assert client.post(
        f"{base}/board/{paul_notice.id}/reply", data={"message": "Je peux vous prêter la mienne"}
    )
    client.post(
        f"{base}/board/{paul_notice.id}/report", data={"reason": "spam", "note": "Déjà vu trois fois"}
    )
    event = make_event(cafe, rsvp_enabled=True, capacity=20)
    assert (
        client.post(
            f"{base}/events/{event.id}/rsvp",
            data=rsvp_data(event, name="Jeanne Martin", email=RESIDENT_EMAIL, phone="", party_size="2"),
        ).status_code
        == 303
    )
    auth.logout()
    _db.session.add(
        Rsvp(
            cafe_id=cafe.id,
            event_id=event.id,
            occurrence_start=event.starts_at,
            name="Paul Voisin",
            email="paul.voisin@example.org",
            party_size=1,
        )
    )
    topic = HelpTopic(cafe_id=cafe.id, name="Impôts en ligne")
    _db.session.add(topic)
    _db.session.commit()
    her_booking = _booking(
        cafe,
        topic,
        "Jeanne Martin",
        RESIDENT_EMAIL.upper(),  # typed in capitals: still hers
        "+33553000001",
        "JEANNE",
        note="Apporter mon avis d’imposition",
        age_band="75_plus",
        booked_by_id=team_a.staff.id,
        helper_id=team_a.helper.id,
    )
    paul_booking = _booking(cafe, topic, "Paul Voisin", "paul.voisin@example.org", "+33553000002", "PAULVV")
    shop = _shop(cafe, team_a)
    return {
        **shop,
        "cafe": cafe,
        "jeanne": jeanne,
        "paul": paul,
        "her_notice": her_notice,
        "paul_notice": paul_notice,
        "event": event,
        "topic": topic,
        "her_booking": her_booking,
        "paul_booking": paul_booking,
        "team_a": team_a,
        "team_b": team_b,
    }


def _read_zip(data: bytes) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {}
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        if name.endswith(".csv"):
            files[name] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        else:
            files[name] = text
    return files


# --- download my data ------------------------------------------------------------------------------


def test_download_needs_an_account(client):
    response = client.get("/account/data.zip")
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]


def test_download_my_data_field_by_field_and_nothing_of_other_people(client, auth, world):
    jeanne, cafe = world["jeanne"], world["cafe"]
    auth.login(jeanne)
    response = client.get("/account/data.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    files = _read_zip(raw)
    assert set(files) == {
        "compte.csv",
        "annonces.csv",
        "reponses_envoyees.csv",
        "signalements.csv",
        "participations.csv",
        "rendez_vous.csv",
        "equipes.csv",
        "commandes_pain.csv",
        "commandes_regulieres.csv",
        "colis.csv",
        "LISEZMOI.txt",
    }

    (account,) = files["compte.csv"]
    assert account["id"] == str(jeanne.id)
    assert account["email"] == RESIDENT_EMAIL
    assert account["display_name"] == "Jeanne Martin"
    assert account["created_at"].startswith(str(jeanne.created_at.date()))
    assert account["email_confirmed_at"] and account["last_seen_at"]
    assert "password_hash" not in account

    (notice,) = files["annonces.csv"]
    her = world["her_notice"]
    assert notice["cafe"] == cafe.name
    assert notice["id"] == str(her.id)
    assert notice["title"] == "Donne des confitures"
    assert notice["body"] == "Pots de 2025"
    assert notice["category"] == "give_away"
    assert notice["contact_phone"] == "+33612345678"
    assert notice["relay_contact"] == "oui"
    assert notice["status"] == "published"
    assert notice["approved_by_id"] == "staff"  # the moderator is not named
    assert notice["hidden_by_id"] == ""

    (reply,) = files["reponses_envoyees.csv"]
    assert reply["notice_id"] == str(world["paul_notice"].id)
    assert reply["cafe"] == cafe.name and reply["created_at"]

    (report,) = files["signalements.csv"]
    assert report["notice_id"] == str(world["paul_notice"].id)
    assert (report["reason"], report["note"]) == ("spam", "Déjà vu trois fois")

    (rsvp,) = files["participations.csv"]
    assert (rsvp["name"], rsvp["email"], rsvp["party_size"], rsvp["status"]) == (
        "Jeanne Martin",
        RESIDENT_EMAIL,
        "2",
        "going",
    )
    assert rsvp["event"] == world["event"].title
    assert rsvp["occurrence_start"].startswith(world["event"].starts_at.replace(tzinfo=None).isoformat()[:16])

    (booking,) = files["rendez_vous.csv"]
    assert (booking["code"], booking["name"], booking["phone"]) == ("JEANNE", "Jeanne Martin", "+33553000001")
    assert (booking["note"], booking["age_band"], booking["status"]) == (
        "Apporter mon avis d’imposition",
        "75_plus",
        "booked",
    )
    assert booking["topic"] == "Impôts en ligne"
    assert booking["booked_by_id"] == "staff" and booking["helper_id"] == "staff"

    (membership,) = files["equipes.csv"]
    assert (membership["cafe"], membership["role"]) == (world["team_b"].cafe.name, "helper")

    collected, coming = files["commandes_pain.csv"]
    assert (collected["cafe"], collected["code"], collected["day"]) == (
        cafe.name,
        "PAIN01",
        world["her_collected"].day.isoformat(),
    )
    assert (collected["name"], collected["phone"], collected["email"]) == (
        "Jeanne Martin",
        "+33553000001",
        RESIDENT_EMAIL,
    )
    assert (collected["status"], collected["total_cents"], collected["items"]) == (
        "collected",
        "240",
        "2 × Baguette tradition",
    )
    assert collected["collected_at"] and collected["created_at"]
    assert collected["collected_by_id"] == collected["ordered_by_id"] == "staff"
    assert (coming["code"], coming["status"], coming["items"]) == (
        "PAIN02",
        "placed",
        "1 × Baguette tradition",
    )
    assert coming["collected_by_id"] == ""

    (regular,) = files["commandes_regulieres.csv"]
    pause = world["her_regular"].pauses[0]
    assert (regular["code"], regular["weekdays"], regular["active"], regular["name"]) == (
        "REGU01",
        "15",
        "oui",
        "Jeanne Martin",
    )
    assert regular["items"] == "1 × Baguette tradition"
    assert regular["pauses"] == f"{pause.first_day.isoformat()} → {pause.last_day.isoformat()}"

    (parcel,) = files["colis.csv"]
    assert (parcel["recipient"], parcel["phone"], parcel["email"], parcel["carrier"]) == (
        "Jeanne Martin",
        "+33612345678",
        RESIDENT_EMAIL,
        "la_poste",
    )
    assert (parcel["status"], parcel["keep_until"], parcel["received_by_id"]) == (
        "waiting",
        world["her_parcel"].keep_until.isoformat(),
        "staff",
    )

    readme = files["LISEZMOI.txt"].replace("\xa0", " ")
    assert "annonces.csv" in readme and "rendez_vous.csv" in readme
    for name in ("commandes_pain.csv", "commandes_regulieres.csv", "colis.csv"):
        assert name in readme
    assert "Ce qui a été commandé : quantité × pain" in readme
    assert "Votre nom, sur le colis" in readme
    assert "- day : Le jour du retrait" in readme and "- carrier : Le transporteur" in readme
    assert "Votre numéro de téléphone, pour vous joindre si le rendez-vous change" in readme
    assert "staff" in readme

    # Nothing about anyone else: not Paul, not who reported her, not the staff's names.
    everything = raw.decode("latin-1") + "".join(
        zipfile.ZipFile(io.BytesIO(raw)).read(n).decode("utf-8") for n in files
    )
    for other in (
        "Paul",
        "paul.voisin",
        "+33553000002",
        "PAIN03",
        "louche",
        "tondeuse",
        world["team_a"].moderator.display_name,
        world["team_a"].staff.email,
        world["team_a"].helper.display_name,
    ):
        assert other not in everything, other


def test_unconfirmed_address_does_not_fetch_bookings_made_with_it(client, auth, world):
    jeanne = world["jeanne"]
    jeanne.email_confirmed_at = None
    _db.session.commit()
    auth.login(jeanne)
    files = _read_zip(client.get("/account/data.zip").get_data())
    assert files["rendez_vous.csv"] == []
    assert len(files["participations.csv"]) == 1  # made while logged in: linked to the account


def test_one_booking_without_an_account_with_its_code_and_phone(client, world):
    cafe = world["cafe"]
    url = f"/c/{cafe.slug}/privacy/record"
    assert client.get(url).status_code == 200
    wrong = client.post(url, data={"code": "JEANNE", "contact": "05 53 00 00 02"})
    assert wrong.status_code == 422
    assert "Aucun rendez-vous" in wrong.get_data(as_text=True)
    assert 'value="05 53 00 00 02"' in wrong.get_data(as_text=True)  # what was typed is kept
    response = client.post(url, data={"code": "jeanne", "contact": "05 53 00 00 01"})
    assert response.status_code == 200
    files = _read_zip(response.get_data())
    assert set(files) == {"rendez_vous.csv", "LISEZMOI.txt"}
    (row,) = files["rendez_vous.csv"]
    assert (row["code"], row["name"], row["booked_by_id"]) == ("JEANNE", "Jeanne Martin", "staff")


def test_one_rsvp_without_an_account_with_its_code_and_email(client, world):
    cafe = world["cafe"]
    rsvp = _db.session.scalar(select(Rsvp).where(Rsvp.name == "Paul Voisin"))
    response = client.post(
        f"/c/{cafe.slug}/privacy/record", data={"code": rsvp.code, "contact": "Paul.Voisin@example.org"}
    )
    files = _read_zip(response.get_data())
    (row,) = files["participations.csv"]
    assert (row["name"], row["party_size"]) == ("Paul Voisin", "1")
    assert "Jeanne" not in "".join(str(v) for v in files.values())


def test_another_cafes_code_gives_nothing(client, world):
    other = world["team_b"].cafe
    response = client.post(
        f"/c/{other.slug}/privacy/record", data={"code": "JEANNE", "contact": RESIDENT_EMAIL}
    )
    assert response.status_code == 422


# --- erase my account ------------------------------------------------------------------------------


def _figures(cafe):
    """What the café counts: bookings by status and age band, RSVPs and seats, notices."""
    bookings = _db.session.execute(
        select(Booking.status, Booking.age_band, Booking.party_size, Booking.topic_id).where(
            Booking.cafe_id == cafe.id
        )
    ).all()
    rsvps = _db.session.execute(
        select(Rsvp.event_id, Rsvp.party_size, Rsvp.status).where(Rsvp.cafe_id == cafe.id)
    ).all()
    notices = _db.session.scalar(select(func.count()).select_from(Notice).where(Notice.cafe_id == cafe.id))
    return sorted(bookings), sorted(rsvps, key=str), notices


def _texts_everywhere() -> str:
    """Every text and JSON value in every table, as one string."""
    chunks = []
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(select(table)).mappings():
            for column in table.columns:
                value = row[column.name]
                if isinstance(column.type, String | Text) or isinstance(value, dict):
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_delete_page_needs_the_password_and_the_confirmation(client, auth, world):
    auth.login(world["jeanne"])
    page = client.get("/account/delete")
    assert page.status_code == 200
    assert 'name="password"' in page.get_data(as_text=True)
    said = " ".join(page.get_data(as_text=True).replace("\xa0", " ").split())
    assert "Vos commandes de pain et vos colis ne gardent ni nom ni coordonnées" in said
    assert "Il vous reste 1 commande de pain à retirer : annulez-la d’abord" in said
    no_tick = client.post("/account/delete", data={"password": PASSWORD})
    assert no_tick.status_code == 422
    assert "Cochez cette case pour confirmer." in no_tick.get_data(as_text=True)
    wrong = client.post("/account/delete", data={"password": "nope", "confirm": "y"})
    assert wrong.status_code == 422
    assert "Ce n’est pas votre mot de passe." in wrong.get_data(as_text=True)
    assert _db.session.get(User, world["jeanne"].id).anonymised_at is None


def test_erasing_an_account_leaves_nothing_personal_and_keeps_the_figures(client, auth, world, app):
    jeanne, cafe = world["jeanne"], world["cafe"]
    jeanne_id = jeanne.id
    before = _figures(cafe)
    shop_before = _shop_accounts(cafe)
    paul_before = (world["paul_booking"].name, world["paul_notice"].title)
    auth.login(jeanne)
    other_browser = app.test_client()
    other_browser.post(
        "/account/login", data={"email": RESIDENT_EMAIL, "password": PASSWORD, "remember": "y"}
    )
    assert other_browser.get("/account/data.zip").status_code == 200

    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    assert "Votre compte a été effacé" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Nothing of hers in any table.
    everything = _texts_everywhere()
    for trace in (
        "Jeanne",
        "jeanne.martin",
        RESIDENT_EMAIL.upper(),
        "+33553000001",
        "+33612345678",
        "confitures",
        "Pots de 2025",
        "avis d’imposition",
        "Déjà vu trois fois",
    ):
        assert trace not in everything, trace
    # The café's figures are the same; the neighbour's data untouched.
    assert _figures(cafe) == before
    _db.session.expire_all()
    assert (
        _db.session.get(Booking, world["paul_booking"].id).name,
        _db.session.get(Notice, world["paul_notice"].id).title,
    ) == paul_before
    erased = _db.session.get(User, jeanne_id)
    assert erased.display_name == "Compte supprimé" and erased.email.endswith("@invalid")
    assert erased.anonymised_at is not None
    assert _db.session.get(Notice, world["her_notice"].id).status == NoticeStatus.WITHDRAWN
    assert _db.session.scalars(select(Membership).where(Membership.user_id == jeanne_id)).all() == []
    assert _db.session.scalars(select(NoticeReply).where(NoticeReply.sender_id == jeanne_id)).all() == []
    booking = _db.session.get(Booking, world["her_booking"].id)
    assert (booking.age_band, booking.status, booking.anonymised_at is not None) == (
        "75_plus",
        "booked",
        True,
    )
    _erased_shop_data_keeps_the_cafes_accounts(client, world, shop_before)
    # The log says an account was erased, not whose.
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.account_erased"))
    assert entry is not None and entry.actor_id is None

    # Logged out here and in the other browser; the old password opens nothing.
    assert client.get("/account/data.zip").status_code in (302, 303)
    assert other_browser.get("/account/data.zip").status_code in (302, 303)
    login = client.post("/account/login", data={"email": RESIDENT_EMAIL, "password": PASSWORD})
    assert login.status_code == 422


def test_the_last_manager_hands_over_before_erasing(client, auth, world):
    manager = world["team_a"].manager
    auth.login(manager)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Vous êtes le seul gérant de" in page
    assert world["cafe"].name in page
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 422
    assert _db.session.get(User, manager.id).anonymised_at is None
    # With a second manager, the first may go.
    _db.session.add(Membership(user=world["paul"], cafe=world["cafe"], role=Role.MANAGER))
    _db.session.commit()
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 303
    assert _db.session.get(User, manager.id).anonymised_at is not None


def test_erased_staff_leave_their_actions_in_the_log_without_their_name(client, auth, world):
    staff = world["team_a"].staff
    staff_email = staff.email
    _db.session.add(
        AuditEntry(
            action="bookings.booked_for", cafe_id=world["cafe"].id, actor_id=staff.id, target="booking 1"
        )
    )
    _db.session.add(
        AuditEntry(
            action="team.joined",
            cafe_id=world["cafe"].id,
            actor_id=world["team_a"].manager.id,
            target=staff.email,
            details={"role": "staff"},
        )
    )
    _db.session.commit()
    auth.login(staff)
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 303
    actions = {e.action: e for e in _db.session.scalars(select(AuditEntry))}
    assert actions["bookings.booked_for"].actor_id is None
    assert actions["team.joined"].target == "—"
    assert staff_email not in _texts_everywhere()


def _shop_accounts(cafe):
    """What the café keeps for its accounts: per day, what was ordered, sold and for how much."""
    orders = _db.session.execute(
        select(BreadOrder.day, BreadOrder.code, BreadOrder.status, BreadOrder.total_cents).where(
            BreadOrder.cafe_id == cafe.id
        )
    ).all()
    lines = _db.session.execute(
        select(
            BreadOrder.code,
            BreadOrderLine.product_id,
            BreadOrderLine.quantity,
            BreadOrderLine.unit_price_cents,
        )
        .join(BreadOrder, BreadOrder.id == BreadOrderLine.order_id)
        .where(BreadOrder.cafe_id == cafe.id)
    ).all()
    parcels = _db.session.execute(
        select(Parcel.id, Parcel.carrier, Parcel.status, Parcel.keep_until).where(Parcel.cafe_id == cafe.id)
    ).all()
    return sorted(orders), sorted(lines), sorted(parcels)


def _erased_shop_data_keeps_the_cafes_accounts(client, world, before):
    """Her bread orders, regular order and parcel lose her name and contacts, as the map says;
    what was sold, when and for how much stays for the café's accounts; Paul's are untouched."""
    cafe = world["cafe"]
    _db.session.expire_all()
    assert _shop_accounts(cafe) == before
    for order in (world["her_collected"], world["her_next"]):
        order = _db.session.get(BreadOrder, order.id)
        assert (order.name, order.phone, order.email) == ("", "", "")
        assert order.anonymised_at is not None and order.lines
        # Her change link no longer opens anything.
        assert client.get(f"/c/{cafe.slug}/bread/o/{order.token}").status_code == 404
    regular = _db.session.get(StandingOrder, world["her_regular"].id)
    assert (regular.name, regular.phone, regular.email) == ("", "", "")
    assert regular.active is False and regular.anonymised_at is not None  # no bread baked for nobody
    assert client.get(f"/c/{cafe.slug}/bread/r/{regular.token}").status_code == 404
    parcel = _db.session.get(Parcel, world["her_parcel"].id)
    assert (parcel.recipient, parcel.phone, parcel.email) == ("", "", "")
    assert parcel.anonymised_at is not None and parcel.status == "waiting"
    paul_order = _db.session.get(BreadOrder, world["paul_order"].id)
    paul_parcel = _db.session.get(Parcel, world["paul_parcel"].id)
    assert (paul_order.name, paul_order.email, paul_order.anonymised_at) == (
        "Paul Voisin",
        "paul.voisin@example.org",
        None,
    )
    assert (paul_parcel.recipient, paul_parcel.anonymised_at) == ("Paul Voisin", None)
