"""Bread and regular orders remember the key of the form that made them (double taps make one)

Revision ID: i9_bread_order_form_key
Revises: i9_rsvp_one_per_contact
"""

import sqlalchemy as sa
from alembic import op

revision = "i9_bread_order_form_key"
down_revision = "i9_rsvp_one_per_contact"
branch_labels = None
depends_on = None


TABLES = ("bread_order", "standing_order")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(f"uq_{table}_cafe_form_key", ["cafe_id", "form_key"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_cafe_form_key", type_="unique")
            batch.drop_column("form_key")
