"""The migration that makes one current RSVP per contact and date resolves the duplicates
earlier races left: the first answer stays, later ones are cancelled and give their seats back."""

from datetime import datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, insert, select
from sqlalchemy.exc import IntegrityError

from portal import create_app
from portal.extensions import db
from portal.models import Cafe, Event, OccurrenceSeats, Rsvp, RsvpStatus
from tests.test_migrations import empty_database_url  # noqa: F401  (a fixture)


def insert_as_the_schema_stood(connection, model, **values) -> int:
    """Insert a row into the tables as an older revision made them: only the columns that existed
    then (the models have moved on since), with the model's own defaults for the ones not given."""
    table = Table(model.__tablename__, MetaData(), autoload_with=connection)
    row = {}
    for column in table.columns:
        if column.name in values:
            row[column.name] = values[column.name]
            continue
        default = model.__table__.columns[column.name].default
        if default is not None:
            row[column.name] = default.arg(None) if default.is_callable else default.arg
    return connection.execute(insert(table).values(row)).inserted_primary_key[0]


def test_duplicates_from_before_are_resolved_then_refused(empty_database_url):  # noqa: F811
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="i11_cache_version")
        # Naive UTC, as the columns store it (the models' UTCDateTime is not in play here).
        start = datetime(2027, 1, 9, 19, 0)
        made = datetime(2026, 11, 1)
        answers = [
            ("Jeanne", "jeanne@example.org", "", RsvpStatus.GOING, 2),
            ("Jeanne bis", "JEANNE@example.org", "", RsvpStatus.GOING, 3),  # the race's second seat
            ("Paul", "", "+33612345678", RsvpStatus.GOING, 1),
            ("Paul bis", "", "+33612345678", RsvpStatus.WAITLIST, 1),
            ("Marie", "marie@example.org", "", RsvpStatus.CANCELLED, 1),
            ("Marie", "marie@example.org", "", RsvpStatus.GOING, 1),
        ]
        with db.engine.begin() as connection:
            cafe_id = insert_as_the_schema_stood(
                connection, Cafe, slug="bourg", name="Café de Bourg", village="Bourg", postcode="24800",
                department="Dordogne", search_text="cafe de bourg bourg 24800 dordogne",
            )  # fmt: skip
            event_id = insert_as_the_schema_stood(
                connection, Event, cafe_id=cafe_id, title="Loto", starts_at=start,
                ends_at=start + timedelta(hours=2), rsvp_enabled=True,
            )  # fmt: skip
            for n, (name, email, phone, status, party) in enumerate(answers):
                insert_as_the_schema_stood(
                    connection, Rsvp, cafe_id=cafe_id, event_id=event_id, occurrence_start=start, name=name,
                    email=email, phone=phone, status=status.value, party_size=party, code=f"CODE{n:02d}",
                    created_at=made + timedelta(minutes=n),
                )  # fmt: skip
            insert_as_the_schema_stood(
                connection,
                OccurrenceSeats,
                event_id=event_id,
                occurrence_start=start,
                seats_taken=7,
                capacity=20,
            )
        upgrade()

        rows = {r.code: r for r in db.session.scalars(select(Rsvp))}
        status = {code: rows[code].status for code in rows}
        assert status == {
            "CODE00": RsvpStatus.GOING,
            "CODE01": RsvpStatus.CANCELLED,  # came second with the same address
            "CODE02": RsvpStatus.GOING,
            "CODE03": RsvpStatus.CANCELLED,  # same phone, waiting: no seat to give back
            "CODE04": RsvpStatus.CANCELLED,
            "CODE05": RsvpStatus.GOING,  # the earlier one was cancelled: no duplicate
        }
        assert rows["CODE01"].cancelled_at is not None and rows["CODE01"].email == "jeanne@example.org"
        seats = db.session.scalar(select(OccurrenceSeats.seats_taken))
        assert seats == 7 - 3  # the duplicate's three seats are free again
        # From now on the database refuses a second current answer with the same contact.
        db.session.add(
            Rsvp(
                cafe_id=rows["CODE00"].cafe_id,
                event_id=rows["CODE00"].event_id,
                occurrence_start=rows["CODE00"].occurrence_start,
                name="Encore",
                email="jeanne@example.org",
                code="CODE99",
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
