"""Impact at network scale: indexes for counting a period's rows network-wide

Revision ID: i10_impact_indexes
Revises: i11_cache_version
Create Date: 2026-11-29

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i10_impact_indexes'
down_revision = 'i11_cache_version'
branch_labels = None
depends_on = None

INDEXES = [
    ("booking", "ix_booking_created_cafe", ["created_at", "cafe_id"]),
    ("booking", "ix_booking_starts_status_cafe", ["starts_at", "status", "cafe_id"]),
    ("event", "ix_event_starts_kind_cafe", ["starts_at", "recurrence", "status", "cafe_id"]),
    ("rsvp", "ix_rsvp_occurrence_status_cafe", ["occurrence_start", "status", "cafe_id", "party_size"]),
    ("notice", "ix_notice_published_cafe", ["published_at", "cafe_id"]),
    ("notice_reply", "ix_notice_reply_created_cafe", ["created_at", "cafe_id"]),
    ("report", "ix_report_created_cafe", ["created_at", "cafe_id"]),
    ("moderation_decision", "ix_moderation_decision_created_cafe", ["created_at", "cafe_id"]),
    ("bread_order", "ix_bread_order_day_status_cafe", ["day", "status", "cafe_id"]),
    ("parcel", "ix_parcel_created_cafe", ["created_at", "cafe_id"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
