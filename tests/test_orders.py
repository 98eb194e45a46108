"""Bread orders: residents order the day before without an account, never late, never oversold."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.blueprints.orders import services
from portal.blueprints.orders.services import OrderRefused
from portal.models import (
    BreadOrder,
    BreadStock,
    CafeService,
    HoursException,
    Product,
    ShopSettings,
    StandingOrder,
)
from tests.conftest import field_error, form_value, make_cafe
from tests.test_bookings import _post, live  # noqa: F401  (the live-server fixture)

BASE = "/c/saint-jean-de-cole/bread"
# Monday 7 December 2026, 12:00 in Paris: orders for Tuesday 8 close today at 18:00 (17:00 UTC).
MONDAY_NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
TUESDAY = date(2026, 12, 8)


@pytest.fixture
def bakery(db, team_a):
    cafe = team_a.cafe
    baguette = Product(cafe_id=cafe.id, name="Baguette", price_cents=110, daily_quantity=3, position=0)
    croissant = Product(cafe_id=cafe.id, name="Croissant", price_cents=120, daily_quantity=20, position=1)
    db.session.add_all([baguette, croissant, CafeService(cafe_id=cafe.id, key="bread_depot")])
    db.session.commit()
    return SimpleNamespace(cafe=cafe, baguette=baguette, croissant=croissant, team=team_a)


@pytest.fixture
def monday_noon():
    with time_machine.travel(MONDAY_NOON, tick=False) as traveller:
        yield traveller


def order_form(bakery, day=TUESDAY, baguettes=2, croissants=0, **extra):
    form = {"day": day.isoformat(), "name": "Jeanne Martin", "phone": "05 53 12 34 56", **extra}
    if baguettes:
        form[f"q-{bakery.baguette.id}"] = str(baguettes)
    if croissants:
        form[f"q-{bakery.croissant.id}"] = str(croissants)
    return form


def only_order(db) -> BreadOrder:
    return db.session.scalars(select(BreadOrder)).one()


def taken(db, product, day=TUESDAY) -> int:
    return db.session.scalar(
        select(BreadStock.taken).where(BreadStock.product_id == product.id, BreadStock.day == day)
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- ordering ----------------------------------------


def test_the_page_says_when_to_collect_never_the_cut_off(client, bakery, monday_noon):
    page = text_of(client.get(f"{BASE}/"))
    assert "À retirer mardi 8 décembre à partir de 7 h 30" in page
    day_page = client.get(f"{BASE}/{TUESDAY.isoformat()}/")
    assert day_page.status_code == 200
    heading = re.search(r"<h1>(.*?)</h1>", day_page.get_data(as_text=True)).group(1).replace("\xa0", " ")
    assert heading == "À retirer mardi 8 décembre à partir de 7 h 30"
    assert "18 h" not in heading
    assert "Plus que 3" in text_of(day_page) or "3 restant" in text_of(day_page)


def test_a_resident_orders_without_an_account_and_gets_code_total_and_change_link(
    app, client, db, bakery, monday_noon, outbox
):
    response = client.post(
        f"{BASE}/order", data=order_form(bakery, baguettes=2, croissants=3, email="jeanne@example.org")
    )
    assert response.status_code == 303
    order = only_order(db)
    assert response.headers["Location"].endswith(f"/bread/o/{order.token}?new=1")
    assert (order.day, order.name, order.phone, order.total_cents) == (
        TUESDAY,
        "Jeanne Martin",
        "+33553123456",
        580,
    )
    page = text_of(client.get(response.headers["Location"]))
    assert "À retirer mardi 8 décembre à partir de 7 h 30" in page
    assert order.code in page
    assert "5,80 €" in page
    assert "jusqu’au lundi 7 décembre à 18 h" in page or "lundi 7 décembre à 18 h" in page
    assert taken(db, bakery.baguette) == 2 and taken(db, bakery.croissant) == 3
    mail = outbox[-1]
    assert mail["To"] == "jeanne@example.org"
    body = mail.get_content()
    assert f"{app.config['PUBLIC_BASE_URL']}{BASE}/o/{order.token}" in body
    assert order.code in body and "5,80" in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"phone": "12"}, "phone", "numéro"),
        ({"phone": "", "email": ""}, "phone", "téléphone"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(
    client, db, bakery, monday_noon, data, field, message
):
    response = client.post(f"{BASE}/order", data={**order_form(bakery, baguettes=2), **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = field_error(html, field)
    assert error is not None and (message in error or message.lower() in error.lower()) or field == "name"
    assert form_value(html, f"q-{bakery.baguette.id}") == "2"
    assert db.session.scalars(select(BreadOrder)).all() == []


def test_a_bad_quantity_is_refused_next_to_it(client, db, bakery, monday_noon):
    response = client.post(f"{BASE}/order", data={**order_form(bakery), f"q-{bakery.croissant.id}": "abc"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"q-{bakery.croissant.id}")
    assert db.session.scalars(select(BreadOrder)).all() == []


def test_nothing_chosen_is_refused(client, db, bakery, monday_noon):
    response = client.post(f"{BASE}/order", data=order_form(bakery, baguettes=0))
    assert response.status_code == 422
    assert "Choisissez au moins un article" in text_of(response)


def test_more_than_is_left_is_refused_with_what_is_left(client, db, bakery, monday_noon):
    response = client.post(f"{BASE}/order", data=order_form(bakery, baguettes=4))
    assert response.status_code == 409
    page = text_of(response)
    assert "3 Baguette" in page
    assert form_value(response.get_data(as_text=True), "name") == "Jeanne Martin"
    assert db.session.scalars(select(BreadOrder)).all() == []
    assert not taken(db, bakery.baguette)


def order_key(client, url: str | None = None) -> str:
    """The key the order form was given for this browser (a hidden field)."""
    url = url or f"{BASE}/{TUESDAY.isoformat()}/"
    key = form_value(client.get(url).get_data(as_text=True), "form_key")
    assert key and len(key) >= 20, "the order form carries its own key"
    return key


def test_a_second_tap_shows_the_same_order(client, db, bakery, monday_noon):
    key = order_key(client)
    first = client.post(f"{BASE}/order", data=order_form(bakery, baguettes=2, form_key=key))
    second = client.post(f"{BASE}/order", data=order_form(bakery, baguettes=2, form_key=key))
    assert first.headers["Location"] == second.headers["Location"]
    assert taken(db, bakery.baguette) == 2
    assert len(db.session.scalars(select(BreadOrder)).all()) == 1


def test_a_stranger_typing_the_same_name_phone_and_bread_never_gets_someone_elses_order(
    app, db, bakery, monday_noon
):
    """Issue 9 item 2 for bread: a name and a phone number alone never open anybody's order."""
    bakery.baguette.daily_quantity = 20
    db.session.commit()
    mine, stranger = app.test_client(), app.test_client()
    first = mine.post(f"{BASE}/order", data=order_form(bakery, baguettes=2, form_key=order_key(mine)))
    victim = only_order(db)
    for key in ("", "x" * 24, order_key(stranger)):
        response = stranger.post(f"{BASE}/order", data=order_form(bakery, baguettes=2, form_key=key))
        assert response.status_code == 303
        assert response.headers["Location"] != first.headers["Location"]
        page = stranger.get(response.headers["Location"]).get_data(as_text=True)
        assert victim.token not in page and victim.code not in page
    assert taken(db, bakery.baguette) == 8  # each sent their own order: nobody saw the first one


def test_the_same_order_form_sent_eight_times_at_once_makes_one_order(db, bakery, live):  # noqa: F811
    day = services.open_days(bakery.cafe)[1].day  # not today's: far from any cut-off
    form = {
        "day": day.isoformat(),
        "name": "Jeanne Martin",
        "phone": "05 53 12 34 56",
        f"q-{bakery.baguette.id}": "1",
        "form_key": "k" * 24,
    }
    barrier = threading.Barrier(8)

    def attempt(_n):
        barrier.wait()
        return _post(live, f"{BASE}/order", form)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert [status for status, _ in results] == [303] * 8, results
    db.session.expire_all()
    (order,) = db.session.scalars(select(BreadOrder)).all()
    assert taken(db, bakery.baguette, day) == 1
    assert all(order.token in body for _, body in results)  # each tap is sent to the one order


def test_the_regular_order_form_sent_five_times_at_once_makes_one_regular_order(db, bakery, live):  # noqa: F811
    bakery.baguette.daily_quantity = 50
    db.session.commit()
    form = [
        ("weekdays", "1"),
        ("weekdays", "3"),
        ("name", "Jeanne Martin"),
        ("phone", "05 53 12 34 56"),
        (f"q-{bakery.baguette.id}", "1"),
        ("form_key", "r" * 24),
    ]
    barrier = threading.Barrier(5)

    def attempt(_n):
        barrier.wait()
        return _post(live, f"{BASE}/regular", form)

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(attempt, range(5)))
    assert [status for status, _ in results] == [303] * 5, results
    db.session.expire_all()
    (standing,) = db.session.scalars(select(StandingOrder)).all()
    assert all(standing.token in body for _, body in results)
    # Its days were placed once: one loaf per chosen day, not five.
    orders = db.session.scalars(select(BreadOrder)).all()
    assert len({order.day for order in orders}) == len(orders)


def test_staff_and_counter_forms_sent_twice_make_one_order(client, auth, db, bakery, monday_noon):
    auth.login(bakery.team.staff)
    key = order_key(client, f"{BASE}/staff/order")
    data = {
        "day": "2026-12-08",
        "name": "Mme Roux",
        "phone": "05 53 00 00 00",
        f"q-{bakery.baguette.id}": "1",
    }
    answers = [client.post(f"{BASE}/staff/order", data={**data, "form_key": key}) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert taken(db, bakery.baguette) == 1
    client.post("/c/saint-jean-de-cole/help/counter/start")
    key = order_key(client, f"{BASE}/counter/2026-12-08/")
    answers = [client.post(f"{BASE}/counter/2026-12-08/", data={**data, "form_key": key}) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert taken(db, bakery.baguette) == 2
    assert len(db.session.scalars(select(BreadOrder)).all()) == 2


# --- the cut-off ----------------------------------------


@pytest.mark.parametrize(
    ("timezone", "postcode", "department", "day", "last_minute_utc"),
    [
        # Mainland in winter: 18:00 CET is 17:00 UTC.
        ("Europe/Paris", "24800", "Dordogne", date(2026, 12, 8), datetime(2026, 12, 7, 16, 59, tzinfo=UTC)),
        # La Réunion (UTC+4, no DST): 18:00 is 14:00 UTC.
        (
            "Indian/Reunion",
            "97400",
            "La Réunion",
            date(2026, 12, 8),
            datetime(2026, 12, 7, 13, 59, tzinfo=UTC),
        ),
        # Guadeloupe (UTC-4): 18:00 is 22:00 UTC.
        (
            "America/Guadeloupe",
            "97100",
            "Guadeloupe",
            date(2026, 12, 8),
            datetime(2026, 12, 7, 21, 59, tzinfo=UTC),
        ),
        # Spring forward on Sunday 28 March 2027: Saturday's cut-off is CET, Tuesday's CEST.
        ("Europe/Paris", "24800", "Dordogne", date(2027, 3, 27), datetime(2027, 3, 26, 16, 59, tzinfo=UTC)),
        ("Europe/Paris", "24800", "Dordogne", date(2027, 3, 30), datetime(2027, 3, 29, 15, 59, tzinfo=UTC)),
        # Fall back on Sunday 31 October 2027: Sunday's cut-off (Saturday) is CEST, Tuesday's CET.
        ("Europe/Paris", "24800", "Dordogne", date(2027, 10, 31), datetime(2027, 10, 30, 15, 59, tzinfo=UTC)),
        ("Europe/Paris", "24800", "Dordogne", date(2027, 11, 2), datetime(2027, 11, 1, 16, 59, tzinfo=UTC)),
    ],
)
def test_the_cut_off_is_18h_the_day_before_to_the_minute_in_the_cafes_zone(
    db, timezone, postcode, department, day, last_minute_utc
):
    cafe = make_cafe("bourg", "Bourg", postcode, department, timezone=timezone)
    product = Product(cafe_id=cafe.id, name="Baguette", price_cents=110, daily_quantity=10)
    db.session.add(product)
    db.session.commit()
    assert services.cutoff_at(cafe, day) == last_minute_utc + timedelta(minutes=1)
    assert cafe.local(services.cutoff_at(cafe, day)).time() == time(18, 0)
    last_second = last_minute_utc + timedelta(seconds=59)
    order = services.place_order(
        cafe, day, {product.id: 1}, name="A", phone="+33553123456", now=last_second, actor=None
    )
    assert order.day == day
    with pytest.raises(OrderRefused) as refused:
        services.place_order(
            cafe,
            day,
            {product.id: 1},
            name="B",
            phone="+33553123456",
            now=last_minute_utc + timedelta(minutes=1),
            actor=None,
        )
    assert refused.value.reason == "closed"
    assert [d.day for d in services.open_days(cafe, last_second)][0] == day
    assert day not in [d.day for d in services.open_days(cafe, last_minute_utc + timedelta(minutes=1))]


def test_a_page_opened_before_the_cut_off_and_sent_after_is_refused_with_other_days(client, db, bakery):
    with time_machine.travel(datetime(2026, 12, 7, 16, 58, tzinfo=UTC), tick=False) as traveller:
        page = client.get(f"{BASE}/{TUESDAY.isoformat()}/")
        assert page.status_code == 200
        traveller.move_to(datetime(2026, 12, 7, 17, 0, 5, tzinfo=UTC))  # 18:00:05 in Paris
        response = client.post(f"{BASE}/order", data=order_form(bakery, baguettes=2))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "Les commandes pour mardi 8 décembre sont closes depuis lundi 7 décembre à 18 h" in page
    assert "n’a pas été prise" in page
    # The other days are offered, none chosen for the person; what they typed is kept.
    assert 'value="2026-12-09"' in html and "À retirer mercredi 9 décembre" in page
    assert not re.search(r'name="day"[^>]*checked', html)
    assert form_value(html, "name") == "Jeanne Martin"
    assert form_value(html, f"q-{bakery.baguette.id}") == "2"
    assert db.session.scalars(select(BreadOrder)).all() == []


def test_holidays_and_cafe_closures_close_ordering(client, db, bakery):
    db.session.add(
        HoursException(cafe_id=bakery.cafe.id, day=date(2026, 12, 23), closed=True, label="Congés")
    )
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=UTC), tick=False):
        days = [d.day for d in services.open_days(bakery.cafe)]
        assert date(2026, 12, 25) not in days  # Christmas
        assert date(2026, 12, 23) not in days  # the café's closure
        assert date(2026, 12, 22) in days and date(2026, 12, 24) in days
        page = text_of(client.get(f"{BASE}/2026-12-25/"))
        assert "Pas de pain le vendredi 25 décembre" in page
        response = client.post(f"{BASE}/order", data=order_form(bakery, day=date(2026, 12, 23)))
        assert response.status_code == 409
        assert "Congés" in text_of(response)


def test_overseas_holidays_close_ordering(db):
    cafe = make_cafe("saint-joseph", "Saint-Joseph", "97480", "La Réunion", timezone="Indian/Reunion")
    db.session.add(Product(cafe_id=cafe.id, name="Pain", price_cents=100, daily_quantity=5))
    db.session.commit()
    # 20 December: abolition of slavery, a public holiday in La Réunion only.
    assert services.holiday_name(cafe, date(2026, 12, 20))
    days = [d.day for d in services.open_days(cafe, datetime(2026, 12, 15, 6, 0, tzinfo=UTC))]
    assert date(2026, 12, 20) not in days and date(2026, 12, 19) in days


# --- never oversold ----------------------------------------


def test_the_database_refuses_more_than_the_delivery(db, bakery):
    services.place_order(
        bakery.cafe,
        services.open_days(bakery.cafe)[1].day,
        {bakery.baguette.id: 3},
        name="A",
        phone="+33553123456",
        actor=None,
    )
    with pytest.raises(IntegrityError):
        db.session.execute(update(BreadStock).values(taken=BreadStock.taken + 1))
        db.session.commit()
    db.session.rollback()


def test_twenty_people_at_once_for_the_last_three_baguettes_get_exactly_three(db, bakery, live):  # noqa: F811
    day = services.open_days(bakery.cafe)[1].day  # not today's: far from any cut-off
    barrier = threading.Barrier(20)

    def attempt(n):
        barrier.wait()
        form = {
            "day": day.isoformat(),
            "name": f"Personne {n}",
            "phone": f"05 53 12 34 {n:02d}",
            f"q-{bakery.baguette.id}": "1",
        }
        return _post(live, f"{BASE}/order", form)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [303] * 3 + [409] * 17, statuses
    assert all("plus assez" in body for status, body in results if status == 409)
    db.session.expire_all()
    assert len(db.session.scalars(select(BreadOrder)).all()) == 3
    assert taken(db, bakery.baguette, day) == 3


def test_a_day_quantity_set_by_staff_applies_and_never_goes_below_what_is_ordered(db, bakery, monday_noon):
    services.place_order(
        bakery.cafe, TUESDAY, {bakery.baguette.id: 2}, name="A", phone="+33553123456", actor=None
    )
    assert not services.set_day_quantity(bakery.cafe, bakery.baguette, TUESDAY, 1)
    assert services.set_day_quantity(bakery.cafe, bakery.baguette, TUESDAY, 10)
    assert services.stock_left(bakery.cafe, TUESDAY)[bakery.baguette.id] == 8
    bakery.baguette.daily_quantity = 2  # the usual quantity changes; this day's stays fixed
    db.session.commit()
    assert services.stock_left(bakery.cafe, TUESDAY)[bakery.baguette.id] == 8


# --- change and cancel ----------------------------------------


@pytest.fixture
def ordered(client, db, bakery, monday_noon):
    client.post(f"{BASE}/order", data=order_form(bakery, baguettes=2))
    return only_order(db)


def test_the_person_changes_then_cancels_until_the_cut_off(client, db, bakery, ordered):
    url = f"{BASE}/o/{ordered.token}"
    response = client.post(
        f"{url}/change", data={f"q-{bakery.baguette.id}": "1", f"q-{bakery.croissant.id}": "2"}
    )
    assert response.status_code == 303
    db.session.refresh(ordered)
    assert ordered.day == TUESDAY and ordered.total_cents == 350
    assert taken(db, bakery.baguette) == 1 and taken(db, bakery.croissant) == 2
    assert client.post(f"{url}/cancel").status_code == 303
    db.session.refresh(ordered)
    assert ordered.status == "cancelled"
    assert taken(db, bakery.baguette) == 0 and taken(db, bakery.croissant) == 0
    assert client.post(f"{url}/cancel").status_code == 303  # a double tap is no error
    assert taken(db, bakery.baguette) == 0


def test_after_the_cut_off_the_link_shows_the_order_but_cannot_change_it(
    client, db, bakery, ordered, monday_noon
):
    monday_noon.move_to(datetime(2026, 12, 7, 17, 0, tzinfo=UTC))
    url = f"{BASE}/o/{ordered.token}"
    page = text_of(client.get(url))
    assert ordered.code in page and "Annuler la commande" not in page
    response = client.post(f"{url}/cancel")
    assert response.status_code == 409
    assert "ne peut plus être annulée" in text_of(response)
    db.session.refresh(ordered)
    assert ordered.status == "placed" and ordered.day == TUESDAY
    response = client.post(f"{url}/change", data={f"q-{bakery.baguette.id}": "1"})
    assert response.status_code == 409
    assert taken(db, bakery.baguette) == 2


def test_an_unknown_link_or_another_cafes_is_404(client, db, bakery, ordered, team_b):
    assert client.get(f"{BASE}/o/nope").status_code == 404
    assert client.get(f"/c/{team_b.cafe.slug}/bread/o/{ordered.token}").status_code == 404
    assert client.post(f"/c/{team_b.cafe.slug}/bread/o/{ordered.token}/cancel").status_code == 404


# --- standing orders ----------------------------------------


def test_a_standing_order_places_every_chosen_day_except_holidays_and_pauses(client, db, bakery):
    bakery.baguette.daily_quantity = 50
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=UTC), tick=False) as traveller:  # Sunday
        response = client.post(
            f"{BASE}/regular",
            data={
                "weekdays": ["1", "2", "3", "4", "5", "6"],  # every day except Monday
                "name": "Paul Régulier",
                "phone": "06 12 34 56 78",
                f"q-{bakery.baguette.id}": "2",
            },
        )
        assert response.status_code == 303
        standing = db.session.scalars(select(StandingOrder)).one()
        days = sorted(o.day for o in db.session.scalars(select(BreadOrder)))
        # Monday 21 (its cut-off is past? no: it is Monday, excluded) and Friday 25 (Christmas) have none.
        assert days == [date(2026, 12, d) for d in (22, 23, 24, 26, 27)]
        assert all(o.total_cents == 220 for o in db.session.scalars(select(BreadOrder)))

        page = client.get(response.headers["Location"])
        assert "Votre commande régulière" in text_of(page)
        url = f"{BASE}/r/{standing.token}"
        assert (
            client.post(
                f"{url}/pause", data={"first_day": "2026-12-23", "last_day": "2026-12-24"}
            ).status_code
            == 303
        )
        days = sorted(o.day for o in db.session.scalars(select(BreadOrder)))
        assert days == [date(2026, 12, d) for d in (22, 26, 27)]
        assert taken(db, bakery.baguette, date(2026, 12, 23)) == 0

        # The next day, the job places the day that just came into the window, never a paused one.
        traveller.move_to(datetime(2026, 12, 21, 10, 0, tzinfo=UTC))
        assert services.place_all_standing_orders() == 1
        days = sorted(o.day for o in db.session.scalars(select(BreadOrder)))
        assert days == [date(2026, 12, d) for d in (22, 26, 27, 28 + 1)] or date(2026, 12, 29) in days
        assert services.place_all_standing_orders() == 0  # idempotent

        pause_id = db.session.scalars(select(StandingOrder)).one().pauses[0].id
        assert client.post(f"{url}/pauses/{pause_id}/delete").status_code == 303
        days = sorted(o.day for o in db.session.scalars(select(BreadOrder)))
        assert date(2026, 12, 23) in days and date(2026, 12, 24) in days

        assert client.post(f"{url}/stop").status_code == 303
        left = db.session.scalars(select(BreadOrder).where(BreadOrder.status == "placed")).all()
        assert left == []  # all were before their cut-off


def test_a_day_a_regular_cancelled_is_not_placed_again(client, db, bakery, monday_noon):
    standing = services.create_standing_order(
        bakery.cafe, weekdays="0123456", quantities={bakery.croissant.id: 1}, name="P", phone="+33612345678"
    )
    first = services.standing_upcoming(bakery.cafe, standing)[0]
    services.cancel_order(bakery.cafe, first, actor=None)
    assert services.place_all_standing_orders() == 0
    assert db.session.get(BreadOrder, first.id).status == "cancelled"


# --- the counter ----------------------------------------


@pytest.fixture
def day_of_orders(db, bakery, monday_noon):
    bakery.baguette.daily_quantity = 100
    db.session.commit()
    cafe = bakery.cafe
    services.place_order(
        cafe,
        TUESDAY,
        {bakery.baguette.id: 2, bakery.croissant.id: 1},
        name="Ana",
        phone="+33553000001",
        actor=None,
    )
    services.place_order(
        cafe, TUESDAY, {bakery.baguette.id: 1}, name="Bob", email="bob@example.org", actor=None
    )
    services.place_order(
        cafe, TUESDAY, {bakery.croissant.id: 4}, name="Cléo", phone="+33553000003", actor=None
    )
    cancelled = services.place_order(
        cafe, TUESDAY, {bakery.baguette.id: 5}, name="Dan", phone="+33553000004", actor=None
    )
    services.cancel_order(cafe, cancelled, actor=None)
    return bakery


def test_the_bakers_day_list_totals_per_product(client, auth, db, day_of_orders):
    listing = services.day_list(day_of_orders.cafe, TUESDAY)
    assert [(p.name, q) for p, q in listing.totals] == [("Baguette", 3), ("Croissant", 5)]
    auth.login(day_of_orders.team.staff)
    page = client.get(f"{BASE}/staff/?date={TUESDAY.isoformat()}")
    assert page.status_code == 200
    table = re.search(
        r'<table class="data-table" id="baker-totals">(.*?)</table>', page.get_data(as_text=True), re.S
    )
    cells = re.findall(r"<td>(.*?)</td>", table.group(1))
    assert cells == ["Baguette", "3", "Croissant", "5"]
    printable = client.get(f"{BASE}/staff/baker?date={TUESDAY.isoformat()}")
    assert "Ana" in printable.get_data(as_text=True) and "Dan" not in printable.get_data(as_text=True)


def test_the_bakers_list_is_emailed_once_at_the_cut_off(app, db, day_of_orders, monday_noon, outbox):
    db.session.add(ShopSettings(cafe_id=day_of_orders.cafe.id, baker_email="fournil@example.org"))
    db.session.commit()
    with app.test_request_context():
        monday_noon.move_to(datetime(2026, 12, 7, 16, 59, tzinfo=UTC))
        assert services.send_baker_lists() == 0
        monday_noon.move_to(datetime(2026, 12, 7, 17, 0, tzinfo=UTC))
        assert services.send_baker_lists() == 1
        assert services.send_baker_lists() == 0
    mail = [m for m in outbox if m["To"] == "fournil@example.org"]
    assert len(mail) == 1
    body = mail[0].get_content()
    assert "3 × Baguette" in body and "5 × Croissant" in body
    assert "mardi 8 décembre" in mail[0]["Subject"]
    assert f"{app.config['PUBLIC_BASE_URL']}{BASE}/staff/baker?date=2026-12-08" in body


def test_the_cli_command_sends_lists_places_regulars_and_marks_the_uncollected(
    app, db, day_of_orders, monday_noon, outbox
):
    db.session.add(ShopSettings(cafe_id=day_of_orders.cafe.id, baker_email="fournil@example.org"))
    db.session.commit()
    monday_noon.move_to(datetime(2026, 12, 8, 19, 30, tzinfo=UTC))  # Tuesday 20:30 in Paris
    result = app.test_cli_runner().invoke(args=["shop-run"])
    assert result.exit_code == 0, result.output
    statuses = sorted(o.status for o in db.session.scalars(select(BreadOrder)))
    assert statuses == ["cancelled", "uncollected", "uncollected", "uncollected"]


def test_staff_tick_collected_and_close_the_day(client, auth, db, day_of_orders):
    auth.login(day_of_orders.team.staff)
    ana = db.session.scalars(select(BreadOrder).where(BreadOrder.name == "Ana")).one()
    assert client.post(f"{BASE}/staff/orders/{ana.id}/collected").status_code == 303
    db.session.refresh(ana)
    assert ana.status == "collected" and ana.collected_by_id == day_of_orders.team.staff.id
    assert client.post(f"{BASE}/staff/close", data={"date": TUESDAY.isoformat()}).status_code == 303
    statuses = {o.name: o.status for o in db.session.scalars(select(BreadOrder))}
    assert statuses == {"Ana": "collected", "Bob": "uncollected", "Cléo": "uncollected", "Dan": "cancelled"}
    page = text_of(client.get(f"{BASE}/staff/?date={TUESDAY.isoformat()}"))
    assert "Pas venu" in page or "Non retiré" in page


def test_staff_order_for_someone_with_a_landline_in_two_taps(client, auth, db, bakery, monday_noon):
    auth.login(bakery.team.staff)
    page = client.get(f"{BASE}/staff/")
    assert f'href="{BASE}/staff/order' in page.get_data(as_text=True)
    form_page = client.get(f"{BASE}/staff/order")
    assert re.search(r'value="2026-12-08" checked', form_page.get_data(as_text=True))
    response = client.post(
        f"{BASE}/staff/order",
        data={
            "day": "2026-12-08",
            "name": "Mme Roux",
            "phone": "05 53 00 00 00",
            f"q-{bakery.baguette.id}": "1",
        },
    )
    assert response.status_code == 303
    order = only_order(db)
    assert (order.name, order.phone, order.ordered_by_id) == (
        "Mme Roux",
        "+33553000000",
        bakery.team.staff.id,
    )


def test_staff_set_up_products_and_settings(client, auth, db, team_a):
    auth.login(team_a.staff)
    response = client.post(
        f"{BASE}/staff/products",
        data={
            "name": "Tradition",
            "price": "1,30".replace(",", "."),
            "daily_quantity": "40",
            "weekdays": ["1", "2", "3"],
            "active": "y",
        },
    )
    assert response.status_code == 303
    product = db.session.scalars(select(Product)).one()
    assert (product.name, product.price_cents, product.daily_quantity, product.weekdays) == (
        "Tradition",
        130,
        40,
        "123",
    )
    bad = client.post(f"{BASE}/staff/products", data={"name": "", "price": "x", "daily_quantity": "-1"})
    assert bad.status_code == 422
    response = client.post(
        f"{BASE}/staff/settings",
        data={
            "cutoff_days_before": "1",
            "cutoff_time": "17:30",
            "collect_from": "08:00",
            "closing_time": "19:00",
            "days_ahead": "7",
            "baker_email": "fournil@example.org",
            "parcel_retention_days": "15",
        },
    )
    assert response.status_code == 303
    settings = db.session.get(ShopSettings, team_a.cafe.id)
    assert settings.cutoff_time == time(17, 30) and settings.baker_email == "fournil@example.org"


def test_the_cafe_page_links_to_bread_only_for_a_bread_depot(client, db, team_a):
    assert "/bread/" not in client.get("/c/saint-jean-de-cole/").get_data(as_text=True)
    db.session.add(CafeService(cafe_id=team_a.cafe.id, key="bread_depot"))
    db.session.commit()
    assert f'href="{BASE}/"' in client.get("/c/saint-jean-de-cole/").get_data(as_text=True)


# --- tenancy, access and query counts ----------------------------------------

STAFF_GETS = ["/staff/", "/staff/baker", "/staff/order", "/staff/setup"]
STAFF_POSTS = ["/staff/close", "/staff/settings", "/staff/products", "/staff/stock"]


def test_staff_pages_are_for_the_cafes_staff_only(client, auth, db, bakery, team_b, resident):
    for path in STAFF_GETS:
        assert client.get(BASE + path).status_code == 302  # to the login page
    auth.login(team_b.staff)
    for path in STAFF_GETS:
        assert client.get(BASE + path).status_code == 403, path
    for path in STAFF_POSTS + ["/staff/orders/1/collected", f"/staff/products/{bakery.baguette.id}"]:
        assert client.post(BASE + path).status_code == 403, path
    auth.logout()
    auth.login(bakery.team.helper)
    assert client.get(BASE + "/staff/").status_code == 403


def test_another_cafes_ids_are_404(client, auth, db, bakery, team_b, monday_noon):
    other = Product(cafe_id=team_b.cafe.id, name="Pain", price_cents=100, daily_quantity=9)
    db.session.add(other)
    db.session.commit()
    order = services.place_order(
        team_b.cafe, TUESDAY, {other.id: 1}, name="X", phone="+33553000009", actor=None
    )
    auth.login(bakery.team.staff)
    assert client.post(f"{BASE}/staff/orders/{order.id}/collected").status_code == 404
    assert client.post(f"{BASE}/staff/orders/{order.id}/cancel").status_code == 404
    assert client.get(f"{BASE}/staff/products/{other.id}").status_code == 404
    response = client.post(
        f"{BASE}/staff/stock", data={"date": "2026-12-08", "product": other.id, "quantity": "5"}
    )
    assert response.status_code == 404
    # Another café's product in an order form orders nothing.
    response = client.post(
        f"{BASE}/order", data={"day": "2026-12-08", "name": "A", "phone": "0553000000", f"q-{other.id}": "1"}
    )
    assert response.status_code in (409, 422)
    assert db.session.scalars(select(BreadOrder).where(BreadOrder.cafe_id == bakery.cafe.id)).all() == []


def test_the_day_list_query_count_does_not_grow_with_the_orders(
    client, auth, db, bakery, monday_noon, count_queries
):
    bakery.baguette.daily_quantity = 100
    db.session.commit()
    auth.login(bakery.team.staff)
    url = f"{BASE}/staff/?date={TUESDAY.isoformat()}"

    def add(n):
        for i in range(n):
            services.place_order(
                bakery.cafe,
                TUESDAY,
                {bakery.baguette.id: 1, bakery.croissant.id: 1},
                name=f"P{i}",
                phone="+33553000000",
                actor=None,
            )

    add(2)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(15)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count
    with count_queries() as public:
        assert client.get(f"{BASE}/").status_code == 200
    assert public.count <= 10


# --- for the network -----------------------------------------------------------------------------------


def test_the_network_gets_counts_per_cafe_and_month_never_names(app, db, day_of_orders, team_b):
    from portal.blueprints.orders.stats import shop_activity
    from portal.blueprints.parcels import services as parcels

    cafe = day_of_orders.cafe
    ana = db.session.scalars(select(BreadOrder).where(BreadOrder.name == "Ana")).one()
    services.mark_collected(cafe, ana, day_of_orders.team.staff)
    services.close_day(cafe, TUESDAY)
    with app.test_request_context():
        parcels.record_parcel(cafe, recipient="Jeanne", email="j@example.org", actor=None)
        parcels.record_parcel(team_b.cafe, recipient="Paul", email="p@example.org", actor=None)
    rows = [r.as_dict() for r in shop_activity(date(2026, 12, 1), date(2026, 12, 31))]
    assert rows == [
        {
            "cafe_id": cafe.id,
            "month": "2026-12",
            "bread_orders": 3,
            "collected": 1,
            "uncollected": 2,
            "collection_rate": 0.333,
            "parcels": 1,
        },
        {
            "cafe_id": team_b.cafe.id,
            "month": "2026-12",
            "bread_orders": 0,
            "collected": 0,
            "uncollected": 0,
            "collection_rate": None,
            "parcels": 1,
        },
    ]
    assert [
        r.cafe_id for r in shop_activity(date(2026, 12, 1), date(2026, 12, 31), cafe_ids=[team_b.cafe.id])
    ] == [team_b.cafe.id]
    assert shop_activity(date(2027, 1, 1), date(2027, 1, 31)) == []


# --- counter mode -----------------------------------------------------------------------------------------


def test_the_counter_tablet_orders_bread_in_three_steps_without_a_login(
    client, auth, db, bakery, monday_noon, team_b
):
    auth.login(bakery.team.staff)
    client.post("/c/saint-jean-de-cole/help/counter/start")  # the tablet is left to the public
    home = client.get("/c/saint-jean-de-cole/help/counter/").get_data(as_text=True)
    assert f'href="{BASE}/counter/"' in home and "Commander du pain" in home  # beside digital help
    step1 = text_of(client.get(f"{BASE}/counter/"))
    assert "À retirer mardi 8 décembre à partir de 7 h 30" in step1
    step2 = client.get(f"{BASE}/counter/2026-12-08/")
    assert step2.status_code == 200
    refused = client.post(
        f"{BASE}/counter/2026-12-08/", data={"name": "Mme Roux", f"q-{bakery.baguette.id}": "1"}
    )
    assert refused.status_code == 422  # a phone is needed at the tablet
    response = client.post(
        f"{BASE}/counter/2026-12-08/",
        data={"name": "Mme Roux", "phone": "05 53 00 00 00", f"q-{bakery.baguette.id}": "1"},
    )
    assert response.status_code == 303
    done = text_of(client.get(response.headers["Location"]))
    order = only_order(db)
    assert order.code in done and "1,10 €" in done and order.ordered_by_id is None
    # Counter mode opens nothing of the staff's, nor another café's counter.
    assert client.get(f"{BASE}/staff/").status_code == 302
    assert client.get(f"/c/{team_b.cafe.slug}/bread/counter/").status_code == 302


def test_staff_pages_render_and_a_product_is_edited(client, auth, db, bakery, monday_noon):
    auth.login(bakery.team.staff)
    setup = text_of(client.get(f"{BASE}/staff/setup"))
    assert "Baguette" in setup and "1,10 €" in setup and "Ajouter un produit" in setup
    page = client.get(f"{BASE}/staff/products/{bakery.baguette.id}")
    assert form_value(page.get_data(as_text=True), "name") == "Baguette"
    response = client.post(
        f"{BASE}/staff/products/{bakery.baguette.id}",
        data={
            "name": "Baguette",
            "price": "1.15",
            "daily_quantity": "60",
            "weekdays": ["0", "1"],
            "active": "y",
        },
    )
    assert response.status_code == 303
    db.session.refresh(bakery.baguette)
    assert (bakery.baguette.price_cents, bakery.baguette.daily_quantity, bakery.baguette.weekdays) == (
        115,
        60,
        "01",
    )
    assert client.get(f"{BASE}/staff/order").status_code == 200
    assert client.get(f"{BASE}/regular").status_code == 200
    response = client.post(
        f"{BASE}/staff/stock", data={"date": "2026-12-08", "product": bakery.croissant.id, "quantity": "5"}
    )
    assert response.status_code == 303
    assert services.stock_left(bakery.cafe, TUESDAY)[bakery.croissant.id] == 5
