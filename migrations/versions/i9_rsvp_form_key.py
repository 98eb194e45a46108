"""RSVP idempotency: the same form sent twice makes one answer

Revision ID: i9_rsvp_form_key
Revises: i9_rate_limit_counter
Create Date: 2026-11-29 18:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i9_rsvp_form_key"
down_revision = "i9_rate_limit_counter"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rsvp") as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_rsvp_form_key"), ["form_key"])


def downgrade():
    with op.batch_alter_table("rsvp") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_rsvp_form_key"), type_="unique")
        batch_op.drop_column("form_key")
