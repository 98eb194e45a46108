"""Bookings: the purge delay in days gives way to the café's retention period in months

Revision ID: i12_retention_setting
Revises: i12_personal_data
Create Date: 2026-11-29 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_retention_setting'
down_revision = 'i12_personal_data'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cafe_booking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cafe_booking_settings_purge_days_positive'), type_='check')
        batch_op.drop_column('purge_days')


def downgrade():
    with op.batch_alter_table('cafe_booking_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purge_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.create_check_constraint(op.f('ck_cafe_booking_settings_purge_days_positive'), 'purge_days >= 1')
