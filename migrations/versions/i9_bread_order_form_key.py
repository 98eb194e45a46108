"""Bread orders remember the key of the form that made them (double taps make one order)

Revision ID: i9_bread_order_form_key
Revises: i9_rsvp_one_per_contact
"""

import sqlalchemy as sa
from alembic import op

revision = "i9_bread_order_form_key"
down_revision = "i9_rsvp_one_per_contact"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bread_order") as batch:
        batch.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_bread_order_cafe_form_key", ["cafe_id", "form_key"])


def downgrade():
    with op.batch_alter_table("bread_order") as batch:
        batch.drop_constraint("uq_bread_order_cafe_form_key", type_="unique")
        batch.drop_column("form_key")
