"""events.seats_taken: the seat counter a registration takes with one conditional UPDATE

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats_taken', sa.Integer(), server_default='0', nullable=False))
    # Filled from the registrations themselves: confirmed ones, but a hybrid event's online ones.
    op.execute(
        "UPDATE events SET seats_taken = (SELECT count(*) FROM registrations r WHERE r.event_id = events.id "
        "AND r.status = 'confirmed' AND (events.mode <> 'hybrid' OR r.attend = 'onsite'))"
    )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('seats_taken')
