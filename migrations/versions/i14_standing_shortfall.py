"""Days a regular bread order could not be met (not enough left): told once, shown to staff

Revision ID: i14_standing_shortfall
Revises: i8_booking_move_key
"""

import sqlalchemy as sa
from alembic import op

from portal.models.types import UTCDateTime

revision = "i14_standing_shortfall"
down_revision = "i8_booking_move_key"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standing_shortfall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standing_order_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("noted_at", UTCDateTime(), nullable=False),
        sa.Column("cafe_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cafe_id"], ["cafe.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["standing_order_id"], ["standing_order.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("standing_order_id", "day", name="uq_standing_shortfall_day"),
    )
    with op.batch_alter_table("standing_shortfall") as batch:
        batch.create_index("ix_standing_shortfall_cafe_id", ["cafe_id"])
        batch.create_index("ix_standing_shortfall_day", ["day"])
        batch.create_index("ix_standing_shortfall_standing_order_id", ["standing_order_id"])


def downgrade():
    op.drop_table("standing_shortfall")
