"""Impact at network scale: indexes for counting a period's rows network-wide, and the
network's help reports summed per day (impact_daily), filled from the reports

Revision ID: i10_impact_at_scale
Revises: i14_standing_shortfall
Create Date: 2026-11-29

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i10_impact_at_scale'
down_revision = 'i14_standing_shortfall'
branch_labels = None
depends_on = None

INDEXES = [
    ("booking", "ix_booking_created_cafe", ["created_at", "cafe_id"]),
    ("booking", "ix_booking_starts_status_cafe", ["starts_at", "status", "cafe_id"]),
    ("event", "ix_event_starts_kind_cafe", ["starts_at", "recurrence", "status", "cafe_id"]),
    (
        "event",
        "ix_event_series",
        ["recurrence", "status", "starts_at", "cafe_id", "repeat_until", "repeat_count", "monthly_week"],
    ),
    ("rsvp", "ix_rsvp_occurrence_status_cafe", ["occurrence_start", "status", "cafe_id", "party_size"]),
    ("notice", "ix_notice_published_cafe", ["published_at", "cafe_id"]),
    ("notice_reply", "ix_notice_reply_created_cafe", ["created_at", "cafe_id"]),
    ("report", "ix_report_created_cafe", ["created_at", "cafe_id"]),
    ("moderation_decision", "ix_moderation_decision_created_cafe", ["created_at", "cafe_id"]),
    ("bread_order", "ix_bread_order_day_status_cafe", ["day", "status", "cafe_id"]),
    ("parcel", "ix_parcel_created_cafe", ["created_at", "cafe_id"]),
    (
        "help_report",
        "ix_help_report_figures",
        ["day", "cafe_id", "participants", "duration_minutes", "walk_in", "kind"],
    ),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                name, columns, unique=False, **({"postgresql_include": ["id"]} if name == "ix_event_series" else {})
            )
    op.create_table(
        'impact_daily',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dimension', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'dimension', 'value', name=op.f('pk_impact_daily')),
    )
    # The sums of the reports already recorded (the same code that keeps them exact).
    from portal.blueprints.impact.rollup import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table('impact_daily')
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
