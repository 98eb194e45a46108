"""Notices and replies remember the key of the form that sent them (a double tap posts once)

Revision ID: i9_notice_form_key
Revises: i13_search_text
"""

import sqlalchemy as sa
from alembic import op

revision = "i9_notice_form_key"
down_revision = "i13_search_text"
branch_labels = None
depends_on = None

# Per person: someone else holding a copy of the key posts their own.
TABLES = {"notice": "posted_by_id", "notice_reply": "sender_id"}


def upgrade():
    for table, person in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(f"uq_{table}_cafe_form_key", ["cafe_id", person, "form_key"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_cafe_form_key", type_="unique")
            batch.drop_column("form_key")
