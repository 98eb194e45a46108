"""Running the network from one screen: the list of cafés, invitations, closing, CSV import."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from portal.blueprints.network.services import month_start
from portal.models import (
    AuditEntry,
    Booking,
    Cafe,
    Event,
    HelpTopic,
    Invitation,
    Membership,
    Notice,
    NoticeCategory,
    Report,
    ReportReason,
    Role,
    utcnow,
)

from .conftest import make_cafe, make_user


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def card(page: str, cafe_id: int) -> str:
    return text(re.search(rf'<li class="card" id="cafe-{cafe_id}">(.*?)</li>', page, re.S).group(1))


@pytest.fixture
def as_admin(auth, admin):
    auth.login(admin)
    return admin


# --- the list ------------------------------------------------------------------------------------


def test_each_cafe_shows_what_tells_whether_it_needs_a_call(client, db, as_admin, team_a, cafe_b):
    cafe = team_a.cafe
    now = utcnow()
    db.session.add(
        Event(
            cafe=cafe,
            title="Belote",
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=2),
        )
    )
    topic = HelpTopic(cafe=cafe, name="Impôts")
    db.session.add(topic)
    db.session.flush()
    month = month_start()
    for n in range(3):
        db.session.add(
            Booking(cafe_id=cafe.id, topic=topic, starts_at=month + timedelta(hours=n + 1),
                    ends_at=month + timedelta(hours=n + 2), name="X", code=f"C{n}DE12",
                    status="cancelled_by_person" if n == 2 else "booked")
        )  # fmt: skip
    db.session.add(
        Booking(cafe_id=cafe.id, topic=topic, starts_at=month - timedelta(days=3),
                ends_at=month - timedelta(days=3) + timedelta(hours=1), name="Y", code="LAST12")
    )  # fmt: skip
    notice = Notice(cafe=cafe, title="Vends vélo", body="…", category=NoticeCategory.GIVE_AWAY,
                    expires_on=now.date() + timedelta(days=9), on_behalf_of="Jean")  # fmt: skip
    db.session.add(notice)
    db.session.flush()
    db.session.add(Report(cafe_id=cafe.id, notice_id=notice.id, reporter_key="a:1", reason=ReportReason.SPAM))
    db.session.commit()

    page = client.get("/network/").get_data(as_text=True)

    a = card(page, cafe.id)
    assert "Gérant·e Gérante a" in a
    assert "4 membres" in a
    assert "Signalements en attente 1" in a
    assert "Rendez-vous ce mois-ci 2" in a
    assert "À appeler : annonces signalées en attente." in a
    b = card(page, cafe_b.id)
    assert "Gérant·e aucun" in b
    assert "jamais" in b
    assert "À appeler : pas encore de gérant, aucun événement publié depuis 2 mois." in b


def test_search_filter_and_pages(client, db, as_admin):
    for i in range(60):
        make_cafe(f"cafe-{i:02d}", f"Village {i:02d}", f"{24000 + i:05d}", "Dordogne" if i < 45 else "Aude")
    make_cafe("lagrasse", "Lagrasse", "11220", "Aude")

    first = client.get("/network/").get_data(as_text=True)
    assert "61 cafés" in text(first)
    assert len(re.findall(r'<li class="card" id="cafe-', first)) == 50
    assert 'href="/network/?page=2"' in first
    second = client.get("/network/?page=2").get_data(as_text=True)
    assert len(re.findall(r'<li class="card" id="cafe-', second)) == 11

    found = client.get("/network/?q=lagrasse").get_data(as_text=True)
    assert "1 café" in text(found) and "Café de Lagrasse" in found
    assert "16 cafés" in text(client.get("/network/?department=Aude").get_data(as_text=True))
    assert "Aucun café ne correspond." in text(client.get("/network/?q=nulle+part").get_data(as_text=True))
    # Garbage in the page number or status is no error.
    assert client.get("/network/?page=abc&status=everything").status_code == 200


def test_the_list_runs_the_same_number_of_queries_for_3_and_50_cafes(client, db, as_admin, count_queries):
    measured = []
    for first, last in ((0, 3), (3, 50)):
        for i in range(first, last):
            cafe = make_cafe(f"cafe-{i}", f"Village {i}", f"{24000 + i:05d}", "Dordogne")
            make_user(f"m{i}@example.org", role=Role.MANAGER, cafe=cafe)
        with count_queries() as counter:
            assert client.get("/network/").status_code == 200
        measured.append(counter.count)
    assert measured[0] == measured[1]


# --- opening a café and inviting its manager -----------------------------------------------------

NEW_CAFE = {
    "name": "Café de la Place",
    "slug": "cafe-de-la-place",
    "village": "Saint-Pierre-de-Frugie",
    "postcode": "24450",
    "department": "Dordogne",
    "timezone": "Europe/Paris",
}


def test_open_a_cafe_and_invite_its_manager_in_one_step(client, db, auth, as_admin, outbox):
    response = client.post(
        "/network/cafes/new", data={**NEW_CAFE, "manager_email": "Nouvelle.Gerante@Example.org"}
    )
    assert response.status_code == 303
    cafe = db.session.scalar(select(Cafe).where(Cafe.slug == "cafe-de-la-place"))
    invitation = db.session.scalar(select(Invitation).where(Invitation.cafe_id == cafe.id))
    assert (invitation.role, invitation.email, invitation.accepted_at) == (
        Role.MANAGER,
        "nouvelle.gerante@example.org",
        None,
    )
    assert [m["To"] for m in outbox] == ["nouvelle.gerante@example.org"]
    link = re.search(r"https?://\S+/join/\S+", outbox[0].get_content()).group(0)
    assert link.startswith("http") and "/c/cafe-de-la-place/manage/join/" in link

    page = client.get("/network/").get_data(as_text=True)
    assert "invitation en attente (nouvelle.gerante@example.org)" in card(page, cafe.id)

    # She creates her account, opens the link: she manages the café, no longer pending.
    client.post("/account/logout")
    gerante = make_user("nouvelle.gerante@example.org", "Nadia")
    auth.login(gerante)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    assert (
        db.session.scalar(
            select(Membership.role).where(Membership.cafe_id == cafe.id, Membership.user_id == gerante.id)
        )
        == Role.MANAGER
    )
    client.post("/account/logout")
    auth.login(as_admin)
    page = client.get("/network/").get_data(as_text=True)
    assert "Gérant·e Nadia" in card(page, cafe.id) and "invitation en attente" not in card(page, cafe.id)


def test_inviting_twice_sends_one_invitation(client, db, as_admin, cafe_a, outbox):
    for _ in range(2):
        client.post(f"/network/cafes/{cafe_a.id}/manager", data={"email": "quelqu.un@example.org"})
    assert db.session.scalar(select(func.count(Invitation.id))) == 1
    assert len(outbox) == 1


# --- closing -------------------------------------------------------------------------------------


def test_closing_asks_for_confirmation_without_javascript_and_keeps_history(client, db, as_admin, team_a):
    cafe = team_a.cafe
    page = client.get("/network/").get_data(as_text=True)
    assert f'href="/network/cafes/{cafe.id}/close"' in page
    assert f'action="/network/cafes/{cafe.id}/close"' not in page  # no one-click close

    confirm = client.get(f"/network/cafes/{cafe.id}/close")
    assert confirm.status_code == 200
    body = confirm.get_data(as_text=True)
    assert "Fermer Café de Saint-Jean-de-Côle ?" in text(body)
    assert "Rien n’est supprimé" in text(body)
    assert f'<form method="post" action="/network/cafes/{cafe.id}/close"' in body
    assert db.session.get(Cafe, cafe.id).closed_at is None

    assert client.post(f"/network/cafes/{cafe.id}/close").status_code == 303
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).closed_at is not None
    assert db.session.scalar(select(func.count(Membership.id)).where(Membership.cafe_id == cafe.id)) == 4
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.cafe_id == cafe.id)) == 1


# --- CSV import ----------------------------------------------------------------------------------

GOOD_CSV = (
    "nom;village;code postal;département;adresse;fuseau horaire;email du gérant\n"
    "Le Bistrot du Lac;Aydat;63970;Puy-de-Dôme;1 place du Lac;Europe/Paris;paul@example.org\n"
    "Café Les Tilleuls;Saint-Privat;19220;Corrèze;;;\n"
    "Le Kiosque;Cilaos;97413;La Réunion;;Indian/Reunion;gerante.cilaos@example.org\n"
)
BAD_CSV = (
    "name,village,postcode,department,address,time zone,manager email\n"
    "Le Bistrot du Lac,Aydat,63970,Puy-de-Dôme,,,\n"
    ",Nulle-Part,12345,Aveyron,,,\n"
    "Café Sans Code,Quelque-Part,123,Lot,,,\n"
    "Café Martien,Olympus,46000,Lot,,Mars/Olympus,\n"
    "Café Adresse,Ici,46100,Lot,,,pas-une-adresse\n"
    "Le Bistrot du Lac,Aydat,63970,Puy-de-Dôme,,,\n"
)


def upload(client, content: str, **extra):
    data = {"file": (io.BytesIO(("\ufeff" + content).encode("utf-8")), "cafes.csv"), **extra}
    return client.post("/network/cafes/import", data=data, content_type="multipart/form-data")


def line_texts(page: str) -> dict[int, str]:
    rows = re.findall(r'<tr id="line-(\d+)">(.*?)</tr>', page, re.S)
    return {int(n): text(row) for n, row in rows}


def test_dry_run_shows_every_lines_error_and_writes_nothing(client, db, as_admin):
    response = upload(client, BAD_CSV)
    assert response.status_code == 422
    lines = line_texts(response.get_data(as_text=True))
    assert "Nouveau café à /c/aydat/" in lines[2]
    assert "Le nom manque." in lines[3]
    assert "Le code postal « 123 » n’a pas 5 chiffres." in lines[4]
    assert "Fuseau horaire inconnu « Mars/Olympus »." in lines[5]
    assert "L’adresse du gérant « pas-une-adresse » n’est pas valide." in lines[6]
    assert "Même café que la ligne 2." in lines[7]
    assert "Importer maintenant" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Cafe.id))) == 0


def test_import_then_reimport_changes_nothing(client, db, as_admin, outbox):
    make_user("paul@example.org", "Paul")
    dry = upload(client, GOOD_CSV)
    assert dry.status_code == 200
    page = dry.get_data(as_text=True)
    lines = line_texts(page)
    assert "Nouveau café à /c/aydat/" in lines[2] and "paul@example.org devient son gérant" in lines[2]
    assert "Nouveau café à /c/saint-privat/" in lines[3]
    assert "gerante.cilaos@example.org reçoit une invitation pour le gérer" in lines[4]
    assert db.session.scalar(select(func.count(Cafe.id))) == 0  # a dry run writes nothing
    content = re.search(r'name="content"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="content"', page)
    carried = content.group(1) or content.group(2)

    done = client.post("/network/cafes/import", data={"content": carried, "confirm": "1"})
    assert done.status_code == 303
    cafes = {c.slug: c for c in db.session.scalars(select(Cafe))}
    assert set(cafes) == {"aydat", "saint-privat", "cilaos"}
    assert (cafes["cilaos"].timezone, cafes["cilaos"].department) == ("Indian/Reunion", "La Réunion")
    assert cafes["aydat"].address == "1 place du Lac"
    assert db.session.scalar(select(func.count(Membership.id))) == 1
    assert db.session.scalar(select(Invitation.email)) == "gerante.cilaos@example.org"
    assert len(outbox) == 1

    again = upload(client, GOOD_CSV)
    assert again.status_code == 200
    lines = line_texts(again.get_data(as_text=True))
    assert all("Déjà dans le réseau : inchangé" in line for line in lines.values())
    assert all("devient" not in line and "invitation" not in line for line in lines.values())
    client.post("/network/cafes/import", data={"content": carried, "confirm": "1"})
    assert db.session.scalar(select(func.count(Cafe.id))) == 3
    assert db.session.scalar(select(func.count(Invitation.id))) == 1
    assert db.session.scalar(select(func.count(Membership.id))) == 1
    assert len(outbox) == 1


def test_a_file_that_cannot_be_read_is_explained(client, db, as_admin):
    response = upload(client, "foo;bar\n1;2\n")
    assert response.status_code == 422
    assert "La première ligne doit nommer les colonnes" in text(response.get_data(as_text=True))
    response = client.post("/network/cafes/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez un fichier CSV de cafés." in text(response.get_data(as_text=True))


@pytest.mark.parametrize("who", ["resident", "manager"])
def test_only_network_admins_import_or_close(client, auth, db, team_a, resident, who):
    auth.login(resident if who == "resident" else team_a.manager)
    assert client.get("/network/cafes/import").status_code == 403
    assert upload(client, GOOD_CSV).status_code == 403
    assert client.get(f"/network/cafes/{team_a.cafe.id}/close").status_code == 403
    assert db.session.scalar(select(func.count(Cafe.id))) == 1
