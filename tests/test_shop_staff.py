# ruff: noqa: F811  (the fixtures imported from the orders and parcels tests)
"""The shop seen by staff: regular orders listed, paused and stopped for someone who phones; a
regular told when the day's bread runs short; parcels past their deadline given back."""

import re
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from portal.blueprints.orders import services
from portal.blueprints.parcels import services as parcels
from portal.models import AuditEntry, BreadOrder, Parcel, StandingOrder, StandingShortfall
from tests.conftest import field_error, form_value
from tests.test_orders import BASE, TUESDAY, bakery, monday_noon  # noqa: F401  (fixtures)
from tests.test_parcels import BASE as PARCELS
from tests.test_parcels import counter, record  # noqa: F401  (fixture)

WEDNESDAY = TUESDAY + timedelta(days=1)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def words_of(response) -> str:
    """The page as read aloud: text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def regular(bakery, baguettes=2, weekdays="0123456", **contact):
    contact = contact or {"phone": "+33553123456"}
    with current_app.test_request_context():  # as the shop-run command does (messages need one)
        return services.create_standing_order(
            bakery.cafe,
            weekdays=weekdays,
            quantities={bakery.baguette.id: baguettes},
            name="Paul Régulier",
            **contact,
        )


def days_of(db, standing) -> list[date]:
    return sorted(
        db.session.scalars(
            select(BreadOrder.day).where(
                BreadOrder.standing_order_id == standing.id, BreadOrder.status == "placed"
            )
        )
    )


# --- a regular's day without enough bread ----------------------------------------


def test_a_regular_short_of_bread_is_told_once_and_staff_see_it_on_the_day_list(
    client,
    auth,
    db,
    bakery,
    monday_noon,
    outbox,
):
    # 3 baguettes a day; Ana takes 2 of Tuesday's before the regular is saved.
    ana = services.place_order(
        bakery.cafe, TUESDAY, {bakery.baguette.id: 2}, name="Ana", phone="+33553000001", actor=None
    )
    standing = regular(bakery, email="paul@example.org")
    assert TUESDAY not in days_of(db, standing) and WEDNESDAY in days_of(db, standing)

    mails = [m for m in outbox if m["To"] == "paul@example.org"]
    assert len(mails) == 1
    body = re.sub(r"\s+", " ", mails[0].get_content())
    assert "n’a pas pu être réservée pour le mardi 8 décembre : il ne reste pas assez de pain" in body
    assert "2 × Baguette" in body and "Vos autres jours ne changent pas" in body
    assert f"/bread/r/{standing.token}" in body
    assert "mardi 8 décembre" in mails[0]["Subject"]

    # The job runs again and again: told once; and once told, the day stays without bread,
    # even when Ana cancels (nobody gets bread they were told they would not get).
    with current_app.test_request_context():
        services.place_all_standing_orders()
        services.cancel_order(bakery.cafe, ana, actor=None)
        services.place_all_standing_orders()
    assert len([m for m in outbox if m["To"] == "paul@example.org"]) == 1
    assert TUESDAY not in days_of(db, standing)
    assert db.session.scalar(select(StandingShortfall.day)) == TUESDAY

    own_page = text_of(client.get(f"{BASE}/r/{standing.token}"))
    assert (
        "Il ne restait pas assez de pain pour votre commande le :" in own_page
        and "mardi 8 décembre" in own_page
    )

    auth.login(bakery.team.staff)
    day = text_of(client.get(f"{BASE}/staff/?date={TUESDAY.isoformat()}"))
    assert "Habitués non servis : plus assez de pain (1)" in day
    assert "Paul Régulier · 2 × Baguette" in day
    other_day = text_of(client.get(f"{BASE}/staff/?date={WEDNESDAY.isoformat()}"))
    assert "Habitués non servis" not in other_day


def test_a_regular_with_a_landline_is_not_messaged_but_listed_with_the_number(
    client,
    auth,
    db,
    bakery,
    monday_noon,
    outbox,
):
    services.place_order(
        bakery.cafe, TUESDAY, {bakery.baguette.id: 3}, name="Ana", phone="+33553000001", actor=None
    )
    before = len(outbox)
    regular(bakery, phone="+33553123456")
    assert len(outbox) == before
    auth.login(bakery.team.staff)
    day = text_of(client.get(f"{BASE}/staff/?date={TUESDAY.isoformat()}"))
    assert "Paul Régulier" in day and 'href="tel:+33553123456"' in day


# --- staff: the list of regular orders ----------------------------------------


def test_staff_list_regulars_then_pause_unpause_and_stop_one(client, auth, db, bakery, monday_noon):
    bakery.baguette.daily_quantity = 50
    db.session.commit()
    standing = regular(bakery, weekdays="123456")  # every day except Monday
    auth.login(bakery.team.staff)
    page = text_of(client.get(f"{BASE}/staff/regulars"))
    assert "Commandes régulières" in page and "En cours (1)" in page
    assert "Paul Régulier" in page and standing.code in page and "2 × Baguette" in page
    assert "Mardi, Mercredi, Jeudi, Vendredi, Samedi, Dimanche" in page
    assert "Depuis 7 décembre 2026" in words_of(client.get(f"{BASE}/staff/regulars"))
    assert 'href="tel:+33553123456"' in page
    assert client.get(f"{BASE}/staff/").get_data(as_text=True).count("/bread/staff/regulars") >= 1

    url = f"{BASE}/staff/regulars/{standing.id}"
    p = f"p{standing.id}"
    refused = client.post(
        f"{url}/pause", data={f"{p}-first_day": "2026-12-10", f"{p}-last_day": "2026-12-09"}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Le dernier jour vient après le premier." in (field_error(html, f"{p}-last_day") or "")
    assert form_value(html, f"{p}-first_day") == "2026-12-10"

    assert WEDNESDAY in days_of(db, standing)
    done = client.post(f"{url}/pause", data={f"{p}-first_day": "2026-12-09", f"{p}-last_day": "2026-12-10"})
    assert done.status_code == 303
    assert WEDNESDAY not in days_of(db, standing) and TUESDAY in days_of(db, standing)
    page = text_of(client.get(f"{BASE}/staff/regulars"))
    assert "Pas de pain du mercredi 9 décembre au jeudi 10 décembre" in page
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "orders.regular_paused")).one()
    assert entry.actor_id == bakery.team.staff.id

    pause_id = db.session.get(StandingOrder, standing.id).pauses[0].id
    assert client.post(f"{url}/pauses/{pause_id}/delete").status_code == 303
    assert WEDNESDAY in days_of(db, standing)

    assert client.post(f"{url}/stop", data={"confirmed": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(StandingOrder, standing.id).active is False
    assert days_of(db, standing) == []  # every day was before its cut-off
    page = text_of(client.get(f"{BASE}/staff/regulars"))
    assert "Commandes arrêtées (1)" in page and "arrêtée le 7 décembre 2026" in page
    assert "En cours (0)" in page
    stopped = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "orders.regular_stopped")
    ).one()
    assert stopped.actor_id == bakery.team.staff.id


def test_the_regulars_list_is_for_the_cafes_staff_and_other_cafes_ids_are_404(
    client,
    auth,
    db,
    bakery,
    monday_noon,
    team_b,
    resident,
):
    standing = regular(bakery)
    url = f"{BASE}/staff/regulars"
    assert client.get(url).status_code == 302  # to the login page
    for user in (resident, team_b.staff, bakery.team.helper):
        auth.login(user)
        assert client.get(url).status_code == 403
        assert client.post(f"{url}/{standing.id}/stop").status_code == 403
        auth.logout()
    auth.login(team_b.staff)
    theirs = f"/c/{team_b.cafe.slug}/bread/staff/regulars/{standing.id}"
    assert client.post(f"{theirs}/stop").status_code == 404
    assert client.post(f"{theirs}/pause", data={}).status_code == 404
    assert client.post(f"{theirs}/pauses/1/delete").status_code == 404
    assert "Paul Régulier" not in client.get(f"/c/{team_b.cafe.slug}/bread/staff/regulars").get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(StandingOrder, standing.id).active is True


def test_the_regulars_list_query_count_does_not_grow(client, auth, db, bakery, monday_noon, count_queries):
    bakery.baguette.daily_quantity = 100
    db.session.commit()
    auth.login(bakery.team.staff)
    regular(bakery)
    client.get(f"{BASE}/staff/regulars")
    with count_queries() as few:
        client.get(f"{BASE}/staff/regulars")
    for _ in range(5):
        regular(bakery, baguettes=1)
    with count_queries() as many:
        client.get(f"{BASE}/staff/regulars")
    assert many.count == few.count


# --- parcels past their deadline ----------------------------------------


def test_staff_give_overdue_parcels_back_and_owners_are_told(app, client, db, counter, outbox, team_a):
    record(
        client, recipient="Late", email="late@example.org", carrier="mondial_relay", keep_until="2026-12-05"
    )
    record(client, recipient="Also late", phone="05 53 12 34 56", keep_until="2026-12-06")
    record(client, recipient="In time", email="ok@example.org", keep_until="2026-12-08")
    page = text_of(client.get(f"{PARCELS}/"))
    assert "Rendre ces 2 colis au transporteur" in page

    response = client.post(f"{PARCELS}/return-overdue", data={"confirmed": "1"})
    assert response.status_code == 303
    flashed = text_of(client.get(response.headers["Location"]))
    assert "2 colis rendus au transporteur" in flashed
    states = {p.recipient: p.status for p in db.session.scalars(select(Parcel))}
    assert states == {"Late": "returned", "Also late": "returned", "In time": "waiting"}
    assert "retourné au transporteur" in flashed or "rendu au transporteur" in flashed or "Late" in flashed

    mail = [m for m in outbox if m["To"] == "late@example.org"][-1]
    body = re.sub(r"\s+", " ", mail.get_content())
    assert "Votre colis n’a pas été retiré avant le samedi 5 décembre" in body
    assert "l’a rendu au transporteur (Mondial Relay)" in body
    assert not [m for m in outbox if m["To"] == "ok@example.org" and "reparti" in m["Subject"]]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "parcels.return")).all()
    assert len(entries) == 2 and {e.actor_id for e in entries} == {team_a.staff.id}

    # A second tap (or an old page) returns nothing twice and tells nobody twice.
    before = len(outbox)
    assert client.post(f"{PARCELS}/return-overdue", data={"confirmed": "1"}).status_code == 303
    assert len(outbox) == before
    assert "Rendre ces" not in text_of(client.get(f"{PARCELS}/"))


def test_one_parcel_given_back_by_hand_tells_its_owner_and_shows_who(client, db, counter, outbox, team_a):
    record(client, recipient="Jeanne", email="jeanne@example.org", keep_until="2026-12-06")
    parcel = db.session.scalars(select(Parcel)).one()
    assert client.post(f"{PARCELS}/{parcel.id}/returned").status_code == 303
    assert "reparti chez le transporteur" in outbox[-1]["Subject"]
    page = text_of(client.get(f"{PARCELS}/"))
    assert "Jeanne" in page and f"par {team_a.staff.display_name}" in page


def test_only_the_cafes_staff_return_parcels(client, auth, db, team_a, team_b, resident):
    with client.application.test_request_context():
        theirs = parcels.record_parcel(team_b.cafe, recipient="Zoé", keep_until=date(2026, 1, 1), actor=None)
    auth.login(resident)
    assert client.post(f"{PARCELS}/return-overdue").status_code == 403
    auth.logout()
    auth.login(team_a.staff)
    assert client.post(f"{PARCELS}/return-overdue", data={"confirmed": "1"}).status_code == 303
    db.session.refresh(theirs)
    assert theirs.status == "waiting"
