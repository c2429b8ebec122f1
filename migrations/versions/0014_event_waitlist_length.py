"""events.waitlist_length: the waitlist counter a registration takes its position from with one UPDATE

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_length', sa.Integer(), server_default='0', nullable=False))
    # Filled from the registrations themselves (positions are dense: the count is also the last position).
    op.execute(
        "UPDATE events SET waitlist_length = (SELECT count(*) FROM registrations r WHERE r.event_id = events.id "
        "AND r.status = 'waitlisted')"
    )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('waitlist_length')
