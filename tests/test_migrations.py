"""The schema comes from the migrations: they must build exactly what the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from portal import create_app
from portal.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    # A separate database, so the suite's own schema is left alone; one per parallel test worker.
    name = "comptoir_migrations_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_builds_the_models_schema_and_downgrade_undoes_it(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_existing_cafes_are_found_by_st_and_saint_after_the_upgrade(empty_database_url):
    """A café created before the St/Ste normalisation gets its search text recomputed."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="i11_cache_version")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO cafe (slug, name, village, postcode, department, timezone, address,"
                    " phone, email, description, search_text, retention_months, created_at, updated_at)"
                    " VALUES ('st-jean', 'Le Café de la Place', 'St-Jean-de-Côle', '24800', 'Dordogne',"
                    " 'Europe/Paris', '', '', '', '', 'le cafe de la place st-jean-de-cole 24800 dordogne',"
                    " 12, :now, :now)"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
        upgrade()
        with db.engine.connect() as connection:
            search_text = connection.execute(text("SELECT search_text FROM cafe")).scalar_one()
        assert search_text == "le cafe de la place saint jean de cole 24800 dordogne"
        downgrade(revision="base")
        db.engine.dispose()
