"""Events remember the key of the form that published them (a double tap publishes one event)

Revision ID: i9_event_form_key
Revises: i9_notice_form_key
"""

import sqlalchemy as sa
from alembic import op

revision = "i9_event_form_key"
down_revision = "i9_notice_form_key"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_event_cafe_form_key", ["cafe_id", "form_key"])


def downgrade():
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint("uq_event_cafe_form_key", type_="unique")
        batch.drop_column("form_key")
