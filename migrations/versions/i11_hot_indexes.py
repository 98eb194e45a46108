"""Indexes for the hot anonymous queries, checked with EXPLAIN at network scale

A café's coming events (those not over yet, or recurring) and the directory's first page.

Revision ID: i11_hot_indexes
Revises: i9_event_form_key
Create Date: 2026-11-29 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i11_hot_indexes"
down_revision = "i9_event_form_key"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_cafe_ends", ["cafe_id", "ends_at"], unique=False)
        batch_op.create_index(
            "ix_event_cafe_recurring",
            ["cafe_id"],
            unique=False,
            postgresql_where=sa.text("recurrence <> 'none'"),
            sqlite_where=sa.text("recurrence <> 'none'"),
        )
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cafe_directory",
            ["department", "village", "name"],
            unique=False,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.drop_index("ix_cafe_directory")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_cafe_recurring")
        batch_op.drop_index("ix_event_cafe_ends")
