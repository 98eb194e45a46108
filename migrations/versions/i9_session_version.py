"""Per-account session version: logging out, a new password or leaving a team ends every session

Revision ID: i9_session_version
Revises: f9ddf4376548
Create Date: 2026-11-29 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i9_session_version"
down_revision = "f9ddf4376548"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("session_version")
