"""Cafés' search text recomputed with the St/Ste and hyphen normalisation

Cafés created before the normalisation kept their old search text ("st-jean-de-cole"), so
"St Jean", "Saint-Jean" or "st jean de cole" did not find them until someone edited the café.
Data only: the normalisation is frozen here as it was when this migration was written, so the
migration gives the same result whatever the code becomes later.

Revision ID: i13_search_text
Revises: i9_parcel_form_key
Create Date: 2026-11-29 21:05:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'i13_search_text'
down_revision = 'i9_parcel_form_key'
branch_labels = None
depends_on = None

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

cafe = sa.table(
    "cafe",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("village", sa.String),
    sa.column("postcode", sa.String),
    sa.column("department", sa.String),
    sa.column("search_text", sa.String),
)


def normalise_for_search(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in "-'’.,;/()":
        plain = plain.replace(mark, " ")
    return " ".join(ABBREVIATIONS.get(word, word) for word in plain.lower().split())


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(cafe.c.id, cafe.c.name, cafe.c.village, cafe.c.postcode, cafe.c.department, cafe.c.search_text)
    ).all()
    for row in rows:
        wanted = normalise_for_search(
            " ".join([row.name or "", row.village or "", row.postcode or "", row.department or ""])
        )[:400]
        if wanted != row.search_text:
            connection.execute(sa.update(cafe).where(cafe.c.id == row.id).values(search_text=wanted))


def downgrade():
    # The old search text was a worse version of the same words: nothing to undo.
    pass
