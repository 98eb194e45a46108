"""Bookings remember the key of the form that last moved them (a double tap moves once)

Revision ID: i8_booking_move_key
Revises: i11_hot_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "i8_booking_move_key"
down_revision = "i11_hot_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("booking") as batch:
        batch.add_column(sa.Column("move_key", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("move_key")
