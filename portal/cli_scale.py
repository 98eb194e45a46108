# ruff: noqa: E501  (rows of seed data read best one field after another on wide lines)
"""`flask --app wsgi seed-scale`: a network-scale data set, for benchmarks and EXPLAIN.

Into an empty database (after `db upgrade`): N cafés spread over every department, mainland
and overseas (each in its own time zone), each with hours, services, a team, help topics and
two years of history around today: events (a third of them recurring), noticeboard notices
with reports, digital-help bookings, RSVPs, and accounts. Rows go in with bulk INSERTs in
batches, with a progress bar. Numbers scale with --cafes (defaults: the issue's 1,000 cafés).

The first café is always `saint-jean-de-cole` (Dordogne), so benchmarks have a fixed page.
"""

import random
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask import Flask
from sqlalchemy import func, insert, select, text

from .extensions import db
from .models import (
    Booking,
    Cafe,
    CafeService,
    Event,
    EventCategory,
    EventStatus,
    HelpTopic,
    Membership,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Recurrence,
    Report,
    ReportReason,
    Role,
    Rsvp,
    RsvpStatus,
    User,
    WeeklyHours,
)
from .models.cafe import SERVICES, normalise_for_search

MAINLAND = [
    ("01", "Ain"), ("02", "Aisne"), ("03", "Allier"), ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"), ("06", "Alpes-Maritimes"), ("07", "Ardèche"), ("08", "Ardennes"),
    ("09", "Ariège"), ("10", "Aube"), ("11", "Aude"), ("12", "Aveyron"), ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"), ("15", "Cantal"), ("16", "Charente"), ("17", "Charente-Maritime"), ("18", "Cher"),
    ("19", "Corrèze"), ("2A", "Corse-du-Sud"), ("2B", "Haute-Corse"), ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"), ("23", "Creuse"), ("24", "Dordogne"), ("25", "Doubs"), ("26", "Drôme"),
    ("27", "Eure"), ("28", "Eure-et-Loir"), ("29", "Finistère"), ("30", "Gard"), ("31", "Haute-Garonne"),
    ("32", "Gers"), ("33", "Gironde"), ("34", "Hérault"), ("35", "Ille-et-Vilaine"), ("36", "Indre"),
    ("37", "Indre-et-Loire"), ("38", "Isère"), ("39", "Jura"), ("40", "Landes"), ("41", "Loir-et-Cher"),
    ("42", "Loire"), ("43", "Haute-Loire"), ("44", "Loire-Atlantique"), ("45", "Loiret"), ("46", "Lot"),
    ("47", "Lot-et-Garonne"), ("48", "Lozère"), ("49", "Maine-et-Loire"), ("50", "Manche"), ("51", "Marne"),
    ("52", "Haute-Marne"), ("53", "Mayenne"), ("54", "Meurthe-et-Moselle"), ("55", "Meuse"),
    ("56", "Morbihan"), ("57", "Moselle"), ("58", "Nièvre"), ("59", "Nord"), ("60", "Oise"), ("61", "Orne"),
    ("62", "Pas-de-Calais"), ("63", "Puy-de-Dôme"), ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"), ("66", "Pyrénées-Orientales"), ("67", "Bas-Rhin"), ("68", "Haut-Rhin"),
    ("69", "Rhône"), ("70", "Haute-Saône"), ("71", "Saône-et-Loire"), ("72", "Sarthe"), ("73", "Savoie"),
    ("74", "Haute-Savoie"), ("75", "Paris"), ("76", "Seine-Maritime"), ("77", "Seine-et-Marne"),
    ("78", "Yvelines"), ("79", "Deux-Sèvres"), ("80", "Somme"), ("81", "Tarn"), ("82", "Tarn-et-Garonne"),
    ("83", "Var"), ("84", "Vaucluse"), ("85", "Vendée"), ("86", "Vienne"), ("87", "Haute-Vienne"),
    ("88", "Vosges"), ("89", "Yonne"), ("90", "Territoire de Belfort"), ("91", "Essonne"),
    ("92", "Hauts-de-Seine"), ("93", "Seine-Saint-Denis"), ("94", "Val-de-Marne"), ("95", "Val-d'Oise"),
]  # fmt: skip
OVERSEAS = [
    ("971", "Guadeloupe", "America/Guadeloupe"),
    ("972", "Martinique", "America/Martinique"),
    ("973", "Guyane", "America/Cayenne"),
    ("974", "La Réunion", "Indian/Reunion"),
    ("976", "Mayotte", "Indian/Mayotte"),
]
VILLAGE_PARTS = (
    ["Saint-", "Sainte-", "Le ", "La ", "Les ", "", "", "Notre-Dame-de-", "Villeneuve-", "Mont"],
    ["Martin", "Pierre", "Bois", "Vigne", "Font", "Roche", "Val", "Pré", "Lac", "Chêne", "Moulin", "Puy"],
    ["", "", "-sur-Loire", "-en-Val", "-le-Haut", "-les-Bains", "-la-Forêt", " d'Aval", "-du-Lac"],
)
EVENT_TITLES = ["Concert", "Loto", "Atelier tricot", "Soirée jeux", "Marché", "Conférence", "Repas partagé",
                "Ciné-club", "Bal", "Belote", "Scrabble", "Atelier numérique"]  # fmt: skip
NOTICE_TITLES = ["Cherche covoiturage", "Donne chatons", "Vends vélo", "Cours de guitare", "Perdu chien",
                 "Cherche jardinier", "Bois de chauffage", "Garde d'enfants", "Prête tondeuse"]  # fmt: skip


def _batches(rows, size):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Loader:
    def __init__(self, connection, batch: int):
        self.connection = connection
        self.batch = batch

    def load(self, label: str, model, rows, total: int) -> None:
        table = model.__table__
        with click.progressbar(length=total, label=f"{label:<10}", show_pos=True) as bar:
            for chunk in _batches(rows, self.batch):
                self.connection.execute(insert(table), chunk)
                bar.update(len(chunk))

    def ids(self, model) -> list[int]:
        return list(self.connection.execute(select(model.id).order_by(model.id)).scalars())


def seed_scale(cafes: int, seed: int = 11, batch: int = 5000) -> dict:
    """Build the network; returns the number of rows per table."""
    rng = random.Random(seed)
    scale = cafes / 1000
    counts = {
        "cafes": cafes,
        "users": max(50, int(50_000 * scale)),
        "events": max(20, int(200_000 * scale)),
        "notices": max(20, int(500_000 * scale)),
        "bookings": max(20, int(300_000 * scale)),
        "rsvps": max(20, int(150_000 * scale)),
    }
    counts["reports"] = counts["notices"] // 10
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    today = now.date()
    engine = db.engine
    started = clock.monotonic()
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        if connection.execute(select(func.count(Cafe.id))).scalar():
            raise click.ClickException("The database already has cafés: seed-scale fills an empty one.")
        loader = Loader(connection, batch)

        # Cafés: every department has some (from 1,000 cafés on), overseas ones in their own zone.
        def cafe_rows():
            for n in range(cafes):
                if n == 0:
                    slug, village, code, department, zone = (
                        "saint-jean-de-cole", "Saint-Jean-de-Côle", "24", "Dordogne", "Europe/Paris",
                    )  # fmt: skip
                else:
                    if n % 20 == 1:  # one in twenty overseas, each in its own time zone
                        code, department, zone = OVERSEAS[(n // 20) % len(OVERSEAS)]
                    else:
                        code, department = MAINLAND[n % len(MAINLAND)]
                        zone = "Europe/Paris"
                    village = "".join(rng.choice(part) for part in VILLAGE_PARTS)
                    slug = f"{normalise_for_search(village).replace(' ', '-')}-{n}"
                postcode = (code.replace("2A", "20").replace("2B", "20") + f"{rng.randint(0, 999):03d}")[:5]
                name = f"Café de {village}"
                yield {
                    "slug": slug, "name": name, "village": village, "postcode": postcode,
                    "department": department, "timezone": zone, "address": f"{n % 40 + 1} place de l'Église",
                    "phone": "", "email": "", "description": "Le café du village : pain, journaux, un coin numérique.",
                    "search_text": normalise_for_search(f"{name} {village} {postcode} {department}"),
                    "created_at": now, "updated_at": now,
                }  # fmt: skip

        loader.load("cafés", Cafe, cafe_rows(), cafes)
        cafe_ids = loader.ids(Cafe)
        zones = dict(connection.execute(select(Cafe.id, Cafe.timezone)).all())
        service_keys = list(SERVICES)

        def hours_rows():
            for cafe_id in cafe_ids:
                for weekday in range(7):
                    if weekday == 0 and cafe_id % 3:
                        continue  # closed on Mondays
                    yield {"cafe_id": cafe_id, "weekday": weekday, "opens": time(8), "closes": time(12, 30)}
                    yield {"cafe_id": cafe_id, "weekday": weekday, "opens": time(15), "closes": time(19)}

        loader.load("hours", WeeklyHours, hours_rows(), len(cafe_ids) * 13)

        def service_rows():
            for cafe_id in cafe_ids:
                for key in rng.sample(service_keys, k=min(len(service_keys), 3)):
                    yield {"cafe_id": cafe_id, "key": key}

        loader.load("services", CafeService, service_rows(), len(cafe_ids) * 3)

        # Accounts: one hash for all (hashing 50,000 passwords would take the whole budget).
        password_hash = User(email="x", display_name="x")
        password_hash.set_password("comptoir-scale")

        def user_rows():
            for n in range(counts["users"]):
                yield {
                    "email": f"personne{n}@example.org", "display_name": f"Personne {n}",
                    "password_hash": password_hash.password_hash, "is_network_admin": n == 0,
                    "is_network_moderator": False, "created_at": now, "updated_at": now,
                }  # fmt: skip

        loader.load("accounts", User, user_rows(), counts["users"])
        user_ids = loader.ids(User)

        def membership_rows():
            for index, cafe_id in enumerate(cafe_ids):
                for offset, role in enumerate((Role.MANAGER, Role.STAFF, Role.HELPER)):
                    user_id = user_ids[(index * 3 + offset + 1) % len(user_ids)]
                    yield {
                        "cafe_id": cafe_id,
                        "user_id": user_id,
                        "role": role,
                        "created_at": now,
                        "updated_at": now,
                    }

        loader.load("team", Membership, membership_rows(), len(cafe_ids) * 3)

        def topic_rows():
            for cafe_id in cafe_ids:
                for position, name in enumerate(("Démarches en ligne", "Smartphone", "Courriels")):
                    yield {"cafe_id": cafe_id, "name": name, "duration_minutes": 30, "what_to_bring": "",
                           "active": True, "position": position, "created_at": now, "updated_at": now}  # fmt: skip

        loader.load("topics", HelpTopic, topic_rows(), len(cafe_ids) * 3)
        topics = connection.execute(select(HelpTopic.id, HelpTopic.cafe_id)).all()

        span = 730  # two years: a year past, a year to come

        def event_rows():
            for n in range(counts["events"]):
                cafe_id = cafe_ids[n % len(cafe_ids)]
                day = today + timedelta(days=rng.randint(-span // 2, span // 2))
                zone = ZoneInfo(zones[cafe_id])
                start = datetime.combine(day, time(rng.choice((10, 14, 18, 20))), zone).astimezone(UTC)
                recurring = n % 3 == 0
                capacity = rng.choice((None, 20, 40, 80))
                yield {
                    "cafe_id": cafe_id, "title": f"{rng.choice(EVENT_TITLES)} n° {n}",
                    "description": "Ouvert à tous. Entrée libre.", "category": rng.choice(list(EventCategory)),
                    "for_all_ages": bool(n % 2), "starts_at": start, "ends_at": start + timedelta(hours=2),
                    "at_cafe": True, "place": "", "price": "", "accessibility": "", "capacity": capacity,
                    "rsvp_enabled": capacity is not None, "status": EventStatus.SCHEDULED, "cancel_reason": "",
                    "recurrence": Recurrence.WEEKLY if recurring else Recurrence.NONE, "monthly_week": None,
                    "repeat_until": None, "repeat_count": 12 if recurring else None, "created_by_id": None,
                    "copied_from_id": None, "created_at": now, "updated_at": now,
                }  # fmt: skip

        loader.load("events", Event, event_rows(), counts["events"])
        events = connection.execute(
            select(Event.id, Event.cafe_id, Event.starts_at).where(Event.rsvp_enabled.is_(True))
        ).all()

        def rsvp_rows():
            for n in range(counts["rsvps"]):
                event_id, cafe_id, starts_at = events[rng.randrange(len(events))]
                yield {
                    "cafe_id": cafe_id, "event_id": event_id, "occurrence_start": starts_at,
                    "name": f"Invité {n}", "email": f"invite{n}@example.org", "phone": "", "party_size": 1,
                    "code": f"S{n:09d}", "status": RsvpStatus.GOING, "user_id": None, "created_at": now,
                    "cancelled_at": None,
                }  # fmt: skip

        loader.load("RSVPs", Rsvp, rsvp_rows(), counts["rsvps"])

        def notice_rows():
            for n in range(counts["notices"]):
                cafe_id = cafe_ids[n % len(cafe_ids)]
                posted = now - timedelta(days=rng.randint(0, span // 2), minutes=rng.randint(0, 1440))
                published = (n // len(cafe_ids)) % 10 != 0  # 1 in 10 waits, in every café
                yield {
                    "cafe_id": cafe_id, "author_id": user_ids[rng.randrange(len(user_ids))], "on_behalf_of": "",
                    "posted_by_id": None, "title": f"{rng.choice(NOTICE_TITLES)} ({n})",
                    "body": "Bonjour, merci de me contacter par le café. À bientôt !",
                    "category": rng.choice(list(NoticeCategory)), "expires_on": posted.date() + timedelta(days=60),
                    "relay_contact": True, "contact_phone": "",
                    "status": NoticeStatus.PUBLISHED if published else NoticeStatus.PENDING,
                    "published_at": posted if published else None, "approved_at": posted if published else None,
                    "approved_by_id": None, "reject_reason": "", "held_because": "", "hidden": False,
                    "hidden_at": None, "hidden_reason": "", "hidden_by_id": None, "created_at": posted,
                    "updated_at": posted,
                }  # fmt: skip

        loader.load("notices", Notice, notice_rows(), counts["notices"])
        first_notice = connection.execute(select(func.min(Notice.id))).scalar()

        def report_rows():
            for n in range(counts["reports"]):
                notice_id = first_notice + (n * 7) % counts["notices"]
                yield {
                    "cafe_id": cafe_ids[(notice_id - first_notice) % len(cafe_ids)], "notice_id": notice_id,
                    "reporter_id": None, "reporter_key": f"a:{n}", "reason": rng.choice(list(ReportReason)),
                    "note": "", "created_at": now, "resolved_at": None, "resolved_by_id": None,
                }  # fmt: skip

        loader.load("reports", Report, report_rows(), counts["reports"])

        def booking_rows():
            for n in range(counts["bookings"]):
                topic_id, cafe_id = topics[rng.randrange(len(topics))]
                day = today + timedelta(days=rng.randint(-span // 2, 30))
                start = datetime.combine(
                    day, time(9 + n % 3, 30 * (n % 2)), ZoneInfo(zones[cafe_id])
                ).astimezone(UTC)
                past = day < today
                yield {
                    "cafe_id": cafe_id, "topic_id": topic_id, "helper_id": None, "starts_at": start,
                    "ends_at": start + timedelta(minutes=30), "party_size": 1,
                    "name": "" if past else f"Habitant {n}", "phone": "", "email": "",
                    "age_band": rng.choice(("", "60_74", "75_plus")), "note": "", "code": f"{n:06d}"[-6:] + str(n // 10**6),
                    "status": rng.choice(("attended", "attended", "no_show")) if past else "booked",
                    "cancel_reason": "", "booked_by_id": None, "overbooked": True, "reminder_sent_at": None,
                    "anonymised_at": now if past else None, "created_at": now, "updated_at": now,
                }  # fmt: skip

        loader.load("bookings", Booking, booking_rows(), counts["bookings"])
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    counts["seconds"] = round(clock.monotonic() - started, 1)
    return counts


def register(app: Flask) -> None:
    @app.cli.command("seed-scale")
    @click.option(
        "--cafes", default=1000, show_default=True, help="Number of cafés; everything else scales with it."
    )
    @click.option("--batch", default=5000, show_default=True, help="Rows per INSERT batch.")
    @click.option("--seed", default=11, show_default=True, help="Random seed (same seed, same network).")
    def seed_scale_command(cafes: int, batch: int, seed: int):
        """Fill an empty database with a network-scale data set (1,000 cafés by default)."""
        counts = seed_scale(cafes, seed=seed, batch=batch)
        seconds = counts.pop("seconds")
        click.echo(", ".join(f"{value:,} {name}" for name, value in counts.items()) + f" in {seconds} s.")
