"""The network's impact dashboard at scale: each café dated on its own clock, notices and
replies, the village shop's figures, events of series counted exactly, and a constant
number of queries whatever the number of cafés and time zones."""

import random
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from portal.blueprints.events.recurrence import expand
from portal.blueprints.impact import figures
from portal.blueprints.impact.periods import Period
from portal.models import (
    Booking,
    Event,
    EventOccurrenceOverride,
    HelpTopic,
    Notice,
    NoticeCategory,
    NoticeReply,
    NoticeStatus,
    Recurrence,
)
from portal.models.shop import BreadOrder, Parcel
from portal.models.types import utcnow

from .conftest import make_cafe

REUNION = ZoneInfo("Indian/Reunion")  # UTC+4, no summer time
GUADELOUPE = ZoneInfo("America/Guadeloupe")  # UTC-4


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row(page: str, label: str) -> str:
    """The figure in the table row headed `label` (as a screen reader reads it)."""
    match = re.search(rf"{re.escape(label)}\s+(\d[\d  ,]*(?:\([^)]*\))?)", page)
    assert match, f"no row {label!r} in the page"
    return match.group(1).strip()


def notice(cafe, published_at: datetime) -> Notice:
    item = Notice(
        cafe_id=cafe.id,
        on_behalf_of="Mme Martin",
        title="Donne chatons",
        body="Trois chatons à donner.",
        category=NoticeCategory.GIVE_AWAY,
        expires_on=published_at.date() + timedelta(days=30),
        status=NoticeStatus.PUBLISHED,
        published_at=published_at,
        approved_at=published_at,
        created_at=published_at,
    )
    return item


def bread_order(cafe, day: date, status: str, n: int) -> BreadOrder:
    return BreadOrder(
        cafe_id=cafe.id, day=day, code=f"C{cafe.id}{n:04d}", token=f"t-{cafe.id}-{n}", status=status
    )


@pytest.fixture
def overseas(db):
    """A café in Guadeloupe and one in Réunion; things happen just before or after midnight."""
    guadeloupe = make_cafe("deshaies", "Deshaies", "97126", "Guadeloupe", timezone="America/Guadeloupe")
    reunion = make_cafe("cilaos", "Cilaos", "97413", "La Réunion", timezone="Indian/Reunion")
    late_january = datetime(2025, 1, 31, 23, 30, tzinfo=GUADELOUPE)  # 1 February 03:30 UTC, 04:30 in Paris
    early_february = datetime(2025, 2, 1, 0, 30, tzinfo=REUNION)  # 31 January 20:30 UTC, 21:30 in Paris
    for cafe, moment in ((guadeloupe, late_january), (reunion, early_february)):
        published = notice(cafe, moment)
        db.session.add(published)
        db.session.flush()
        db.session.add(NoticeReply(cafe_id=cafe.id, notice_id=published.id, created_at=moment))
        db.session.add(Parcel(cafe_id=cafe.id, recipient="", keep_until=moment.date(), created_at=moment))
        topic = HelpTopic(cafe_id=cafe.id, name="Démarches", duration_minutes=30)
        db.session.add(topic)
        db.session.flush()
        db.session.add(
            Booking(
                cafe_id=cafe.id,
                topic_id=topic.id,
                starts_at=moment,
                ends_at=moment + timedelta(minutes=30),
                name="",
                code=f"{cafe.id:06d}",
                status="attended",
                created_at=moment,
            )
        )
        db.session.add(
            Event(cafe_id=cafe.id, title="Loto", starts_at=moment, ends_at=moment + timedelta(minutes=90))
        )
    db.session.commit()
    return guadeloupe, reunion


def test_each_cafe_is_dated_on_its_own_clock(client, auth, admin, overseas):
    """23:30 on 31 January in Guadeloupe is January there (February in Paris); 00:30 on
    1 February in Réunion is February there (still January in Paris)."""
    auth.login(admin)

    def network(month: str, department: str) -> str:
        url = f"/network/impact/?period=month&month={month}&department={department}"
        return text(client.get(url).get_data(as_text=True))

    for department, month, expected in (
        ("Guadeloupe", "2025-01", "1"),
        ("Guadeloupe", "2025-02", "0"),
        ("La Réunion", "2025-01", "0"),
        ("La Réunion", "2025-02", "1"),
    ):
        page = network(month, department)
        for label in (
            "Annonces publiées",
            "Réponses transmises aux auteurs des annonces",
            "Rendez-vous d’aide numérique pris",
            "Rendez-vous honorés",
            "Événements organisés",
            "Colis reçus pour les habitants",
        ):
            assert row(page, label) == expected, (department, month, label)
    # The whole network: one in each month.
    january = text(client.get("/network/impact/?period=month&month=2025-01").get_data(as_text=True))
    assert row(january, "Annonces publiées") == "1"
    # Each café's own dashboard says the same.
    guadeloupe, reunion = overseas
    for cafe, month, expected in (
        (guadeloupe, "2025-01", "1"),
        (guadeloupe, "2025-02", "0"),
        (reunion, "2025-02", "1"),
    ):
        auth.login(admin)
        page = text(client.get(f"/c/{cafe.slug}/impact/?period=month&month={month}").get_data(as_text=True))
        assert row(page, "Annonces publiées") == expected
        assert row(page, "Réponses transmises aux auteurs des annonces") == expected


def test_month_by_month_parcels_follow_the_cafes_clock(db, overseas, app):
    def parcels(department: str, period: Period) -> tuple[dict, int]:
        with app.test_request_context():
            numbers = figures.compute(figures.Scope(department=department), period)
        months = {m["month"]: m["parcels"] for m in numbers.shop.months if m["year"] == 2025 and m["parcels"]}
        return months, numbers.shop.parcels

    assert parcels("Guadeloupe", Period.year(2025)) == ({1: 1}, 1)
    assert parcels("La Réunion", Period.year(2025)) == ({2: 1}, 1)
    assert parcels("Guadeloupe", Period.month(2025, 2)) == ({1: 1}, 0)
    assert parcels("", Period.year(2025)) == ({1: 1, 2: 1}, 2)


def test_the_village_shop_figures_on_both_dashboards(client, auth, db, admin, team_a, team_b):
    a, b = team_a.cafe, team_b.cafe
    orders = [
        bread_order(a, date(2025, 3, 4), "collected", 1),
        bread_order(a, date(2025, 3, 4), "collected", 2),
        bread_order(a, date(2025, 3, 5), "uncollected", 3),
        bread_order(a, date(2025, 3, 6), "cancelled", 4),  # not counted
        bread_order(a, date(2025, 4, 1), "collected", 5),
        bread_order(b, date(2025, 3, 9), "collected", 6),
    ]
    db.session.add_all(orders)
    db.session.add(
        Parcel(cafe_id=a.id, keep_until=date(2025, 3, 20), created_at=datetime(2025, 3, 10, 9, tzinfo=UTC))
    )
    db.session.commit()

    auth.login(team_a.manager)
    page = text(client.get("/c/saint-jean-de-cole/impact/?period=month&month=2025-03").get_data(as_text=True))
    assert "Pain et colis" in page
    assert row(page, "Commandes de pain") == "3"
    assert row(page, "Commandes retirées") == "2 (66,7 %)"
    assert row(page, "Commandes non retirées") == "1"
    assert row(page, "Colis reçus pour les habitants") == "1"
    # The month-by-month table read by screen readers: March 3 orders, April 1.
    year = text(client.get("/c/saint-jean-de-cole/impact/?period=year&year=2025").get_data(as_text=True))
    assert "Commandes de pain, mois par mois" in year
    assert re.search(r"mars 2025 3 2 1 1", year), year
    assert re.search(r"avr\. 2025 1 1 0 0", year)

    auth.logout()
    auth.login(admin)
    response = client.get("/network/impact/?period=month&month=2025-03")
    assert response.status_code == 200, response.status_code
    network = text(response.get_data(as_text=True))
    assert row(network, "Commandes de pain") == "4"
    assert row(network, "Commandes retirées") == "3 (75 %)"
    assert row(network, "Colis reçus pour les habitants") == "1"
    dordogne = text(
        client.get("/network/impact/?period=month&month=2025-03&department=Dordogne").get_data(as_text=True)
    )
    assert row(dordogne, "Commandes de pain") == "3"


def test_french_labels_of_the_new_figures(client, auth, team_a):
    auth.login(team_a.manager)
    page = text(
        client.get("/c/saint-jean-de-cole/impact/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    )
    assert "Réponses transmises aux auteurs des annonces" in page
    assert (
        "Pain et colis" in page and "Commandes de pain" in page and "Colis reçus pour les habitants" in page
    )


# --- events of series, counted by arithmetic: the same as expanding them ---------------------------


def test_series_are_counted_as_their_occurrences(db, app):
    rng = random.Random(7)
    cafes = [
        make_cafe("paris-1", "Un", "24001", "Dordogne"),
        make_cafe("reunion-1", "Deux", "97401", "La Réunion", timezone="Indian/Reunion"),
        make_cafe("guadeloupe-1", "Trois", "97101", "Guadeloupe", timezone="America/Guadeloupe"),
    ]
    events = []
    for n in range(60):
        cafe = cafes[n % 3]
        start = datetime(2024, 11, 1, tzinfo=cafe.zone) + timedelta(
            days=rng.randint(0, 500), hours=rng.choice((1, 2, 10, 23))
        )
        recurrence = rng.choice((Recurrence.WEEKLY, Recurrence.BIWEEKLY, Recurrence.MONTHLY))
        until = start.date() + timedelta(days=rng.randint(20, 400)) if n % 2 else None
        event = Event(
            cafe_id=cafe.id,
            title=f"Série {n}",
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(hours=2)).astimezone(UTC),
            recurrence=recurrence,
            repeat_until=until,
            repeat_count=None if until else rng.randint(1, 60),
            monthly_week=-1 if recurrence == Recurrence.MONTHLY and n % 5 == 0 else None,
        )
        db.session.add(event)
        events.append((event, cafe))
    db.session.flush()
    # Cancel one occurrence of some series, move another of others (in or out of 2025).
    for event, cafe in events[:20]:
        occurrences = expand(
            event, cafe.zone, event.starts_at, event.starts_at + timedelta(days=800), overrides=[]
        )
        if len(occurrences) < 2:
            continue
        first, second = occurrences[0], occurrences[1]
        db.session.add(
            EventOccurrenceOverride(
                cafe_id=cafe.id, event_id=event.id, original_start=first.original_start, cancelled=True
            )
        )
        moved = second.original_start + timedelta(days=rng.choice((-40, 3, 40)))
        db.session.add(
            EventOccurrenceOverride(
                cafe_id=cafe.id,
                event_id=event.id,
                original_start=second.original_start,
                new_starts_at=moved,
                new_ends_at=moved + timedelta(hours=2),
            )
        )
    db.session.commit()
    db.session.expire_all()

    for period in (
        Period.year(2025),
        Period.quarter(2025, 1),
        Period.month(2025, 12),
        Period("custom", date(2025, 2, 27), date(2025, 3, 2)),
    ):
        expected = 0
        for event, cafe in events:
            start = datetime.combine(period.start, datetime.min.time(), tzinfo=cafe.zone)
            end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=cafe.zone)
            expected += len(expand(event, cafe.zone, start, end, include_cancelled=False))
        with app.test_request_context():
            scope = figures.Scope()
            assert figures._series_occurrences(scope, period, scope.clocks()) == expected, period
            one = figures.Scope(cafe=cafes[1])
            expected_one = sum(
                len(
                    expand(
                        event,
                        cafe.zone,
                        datetime.combine(period.start, datetime.min.time(), tzinfo=cafe.zone),
                        datetime.combine(
                            period.end + timedelta(days=1), datetime.min.time(), tzinfo=cafe.zone
                        ),
                        include_cancelled=False,
                    )
                )
                for event, cafe in events
                if cafe is cafes[1]
            )
            assert figures._series_occurrences(one, period, one.clocks()) == expected_one, period


# --- a constant number of queries ---------------------------------------------------------------


def _cafes(db, first: int, last: int, zones) -> None:
    for i in range(first, last):
        cafe = make_cafe(
            f"net-{i}",
            f"Village {i}",
            f"{24000 + i:05d}",
            "Dordogne" if i % 2 else "Aude",
            timezone=zones[i % len(zones)],
        )
        moment = datetime(2025, 1 + i % 10, 3, 12, tzinfo=UTC)  # ten weeks later is still 2025
        published = notice(cafe, moment)
        db.session.add(published)
        db.session.flush()
        db.session.add(NoticeReply(cafe_id=cafe.id, notice_id=published.id, created_at=moment))
        db.session.add(bread_order(cafe, moment.date(), "collected", i))
        db.session.add(Parcel(cafe_id=cafe.id, keep_until=moment.date(), created_at=moment))
        db.session.add(
            Event(
                cafe_id=cafe.id,
                title="Belote",
                starts_at=moment,
                ends_at=moment + timedelta(hours=2),
                recurrence=Recurrence.WEEKLY,
                repeat_count=10,
            )
        )
    db.session.commit()


def test_the_network_dashboard_runs_the_same_queries_for_3_cafes_in_one_zone_and_60_in_six(
    client, auth, admin, db, count_queries
):
    auth.login(admin)
    measured = []
    for first, last, zones in (
        (0, 3, ["Europe/Paris"]),
        (
            3,
            60,
            [
                "Europe/Paris",
                "Indian/Reunion",
                "America/Guadeloupe",
                "America/Cayenne",
                "Indian/Mayotte",
                "America/Martinique",
            ],
        ),
    ):
        _cafes(db, first, last, zones)
        counts = []
        for url in (
            "/network/impact/?period=year&year=2025",
            "/network/impact/?period=custom&from=2025-01-15&to=2025-03-02",
        ):
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(counter.count)
        measured.append(counts)
    assert measured[0] == measured[1]
    page = text(client.get("/network/impact/?period=year&year=2025").get_data(as_text=True))
    assert row(page, "Annonces publiées") == "60"
    assert row(page, "Réponses transmises aux auteurs des annonces") == "60"
    assert row(page, "Commandes de pain") == "60"
    assert row(page, "Colis reçus pour les habitants") == "60"
    assert row(page, "Événements organisés") == "600"


# --- the network's daily sums stay exact ------------------------------------------------------------


def _raw(monkeypatch, scope, period):
    """The same figures computed from the reports themselves (not the daily sums)."""
    with monkeypatch.context() as patch:
        patch.setattr(figures, "_from_daily_sums", lambda scope: False)
        return figures.compute(scope, period)


def test_the_daily_sums_follow_every_report_recorded_corrected_or_deleted(app, db, monkeypatch, clock):
    from portal.blueprints.impact import rollup, services
    from portal.models import HelpReport
    from portal.models.impact import ADMIN_THEMES, AGE_BANDS, AUTONOMY, DIGITAL_THEMES, EQUIPMENT, REFERRALS

    rng = random.Random(3)
    cafes = [
        make_cafe(f"sums-{i}", f"Village {i}", f"2400{i}", "Dordogne" if i else "Aude") for i in range(3)
    ]
    themes = list(DIGITAL_THEMES) + list(ADMIN_THEMES)

    def data(day):
        collective = rng.random() < 0.2
        referred = rng.random() < 0.3
        return services.ReportData(
            day=day,
            duration_minutes=rng.choice((15, 30, 45, 60, 90, 120, 150)),
            themes=rng.sample(themes, k=rng.randint(1, 3)),
            kind="collectif" if collective else "individuel",
            participants=rng.randint(2, 9) if collective else 1,
            equipment=rng.sample(list(EQUIPMENT), k=rng.randint(0, 2)),
            autonomy=rng.choice(["", *AUTONOMY]),
            referred=referred,
            referred_to=rng.choice(list(REFERRALS)) if referred else "",
            age_band=rng.choice(list(AGE_BANDS)),
            first_visit=rng.choice((None, True, False)),
        )

    with app.test_request_context():
        reports = []
        for n in range(60):
            day = date(2026, 11, 29) - timedelta(days=rng.randint(0, 400))
            reports.append(services.record_report(cafes[n % 3], data(day), actor=None, walk_in=n % 4 == 0))
        # Corrections: another day, other themes, more people; and deletions.
        for report in reports[:15]:
            services.correct_report(
                report.cafe, report, data(report.day - timedelta(days=rng.randint(0, 40))), None
            )
        for report in reports[15:22]:
            services.delete_report(report.cafe, report, None)
        assert rollup.is_exact(db.session.connection())
        for period in (
            Period.year(2026),
            Period.year(2025),
            Period.quarter(2026, 2),
            Period("custom", date(2025, 12, 20), date(2026, 2, 3)),
        ):
            summed = figures.compute(figures.Scope(), period)
            raw = _raw(monkeypatch, figures.Scope(), period)
            assert summed.totals == raw.totals and summed.before == raw.before, period
            assert summed.dimensions == raw.dimensions, period
            assert summed.months == raw.months, period
            assert summed.totals.people > 0 or period.start.year == 2025
        # A bulk load (no ORM) is put right by the command.
        db.session.execute(
            HelpReport.__table__.insert(),
            [{"cafe_id": cafes[0].id, "day": date(2026, 5, 5), "kind": "individuel", "duration_minutes": 30,
              "participants": 1, "place_kind": "lieu_activite", "autonomy": "", "workshop_title": "",
              "workshop_level": "", "referred": False, "referred_to": "", "age_band": "non_communique",
              "gender": "non_communique", "social_status": "non_communique", "postcode": "", "insee_code": "",
              "commune": "", "walk_in": True, "note": "", "created_at": utcnow(), "updated_at": utcnow()}],
        )  # fmt: skip
        db.session.commit()
        assert not rollup.is_exact(db.session.connection())
    result = app.test_cli_runner().invoke(args=["impact-rollup"])
    assert result.exit_code == 0 and "now exact" in result.output
    with app.test_request_context():
        db.session.rollback()
        assert rollup.is_exact(db.session.connection())
