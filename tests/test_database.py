"""SQLite runs with WAL and foreign keys on; PostgreSQL goes through psycopg 3."""

from sqlalchemy import text

from portal.config import database_url


def test_each_database_is_set_up_as_production_expects(db):
    if db.engine.dialect.name == "postgresql":
        assert db.engine.dialect.driver == "psycopg"
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/comptoir")
    assert database_url("/x") == "postgresql+psycopg://u:p@db/comptoir"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/comptoir")
    assert database_url("/x") == "postgresql+psycopg://u:p@db/comptoir"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url("/srv/instance") == "sqlite:////srv/instance/comptoir.sqlite3"
