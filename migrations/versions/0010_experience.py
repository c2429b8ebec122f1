"""experience: event cover images, station opening hours, feedback

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_image', sa.String(length=100), nullable=True))
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening_hours', sa.String(length=200), nullable=True))
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_feedback_rating_in_range')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_feedback_event_id_events')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_feedback_registration_id_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_feedback_registration_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_event_id'))
    op.drop_table('feedback')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_column('opening_hours')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cover_image')
