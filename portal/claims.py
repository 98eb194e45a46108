"""Taking something people compete for, decided by the database, never by a prior read.

- `claim(update(...).where(<still free>).values(...))` runs a conditional UPDATE and says
  whether this request won (exactly one row changed);
- `insert_or_ignore(Model, {...}, ["col", ...])` inserts a row unless one with the same
  unique key exists, and says whether this request inserted it.
Both work the same on SQLite and PostgreSQL; the dialect differences live here only.
"""

from sqlalchemy import Update, func, literal_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .extensions import db


def claim(statement: Update, expected_rows: int = 1) -> bool:
    """Run a conditional UPDATE; True when it changed `expected_rows` rows."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount == expected_rows


def updated_rows(statement: Update) -> int:
    """Run an UPDATE and return how many rows it changed (for bulk, idempotent jobs)."""
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def greatest(*values):
    """SQL max of several values in one row (GREATEST on PostgreSQL, MAX on SQLite)."""
    dialect = db.session.get_bind().dialect.name
    return func.greatest(*values) if dialect == "postgresql" else func.max(*values)


def insert_or_ignore(model, values: dict, unique_columns: list[str]) -> bool:
    """Insert `values` unless a row with the same `unique_columns` exists; True if inserted."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING says whether a row went in; rowcount is -1 for this INSERT on PostgreSQL.
    table = getattr(model, "__table__", model)
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique_columns)
        .returning(literal_column("1"))
    )
    return db.session.execute(statement).first() is not None
