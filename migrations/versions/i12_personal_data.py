"""Personal data: café retention period, confirmed addresses, account activity and erasure,
anonymised RSVPs, pseudonymised audit entries, and the record of replies to notices

Revision ID: i12_personal_data
Revises: i14_bread_orders
Create Date: 2026-11-29 18:00:00

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = "i12_personal_data"
down_revision = "i14_bread_orders"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), server_default="12", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_cafe_retention_months_range"), "retention_months BETWEEN 1 AND 24"
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", portal.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_seen_at", portal.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("inactivity_warned_at", portal.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("anonymised_at", portal.models.types.UTCDateTime(), nullable=True))
    # Accounts made before addresses were confirmed count as confirmed, and as seen today.
    op.get_bind().execute(
        sa.text('UPDATE "user" SET email_confirmed_at = created_at, last_seen_at = :now'),
        {"now": datetime.now(UTC).replace(tzinfo=None)},
    )

    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", portal.models.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pseudonymised_at", portal.models.types.UTCDateTime(), nullable=True))

    op.create_table(
        "notice_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.models.types.UTCDateTime(), nullable=False),
        sa.Column("cafe_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cafe_id"], ["cafe.id"], name=op.f("fk_notice_reply_cafe_id_cafe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_notice_reply_notice_id_notice"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["user.id"], name=op.f("fk_notice_reply_sender_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_reply")),
    )
    with op.batch_alter_table("notice_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_reply_cafe_id"), ["cafe_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_reply_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_reply_sender_id"), ["sender_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notice_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_reply_sender_id"))
        batch_op.drop_index(batch_op.f("ix_notice_reply_notice_id"))
        batch_op.drop_index(batch_op.f("ix_notice_reply_cafe_id"))
    op.drop_table("notice_reply")

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("pseudonymised_at")

    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("inactivity_warned_at")
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("email_confirmed_at")

    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cafe_retention_months_range"), type_="check")
        batch_op.drop_column("retention_months")
