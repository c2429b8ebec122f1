"""online and hybrid events: mode, live room and replay, attend, online check-in method

Revision ID: 0009
Revises: 0011
Create Date: 2026-11-29 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0011'
branch_labels = None
depends_on = None

_METHODS_BEFORE = ('qr', 'manual', 'walk_in', 'offline', 'ticket_url')
_METHODS_AFTER = _METHODS_BEFORE + ('online',)


def _method_check(values) -> str:
    return "method IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.Enum('onsite', 'online', 'hybrid', name='event_mode', native_enum=False, create_constraint=True, length=32), server_default='onsite', nullable=False))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('replay_url', sa.String(length=500), nullable=True))
        batch_op.alter_column('capacity', existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.Enum('onsite', 'online', 'hybrid', name='session_mode', native_enum=False, create_constraint=True, length=32), nullable=True))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attend', sa.Enum('onsite', 'online', name='registration_attend', native_enum=False, create_constraint=True, length=32), server_default='onsite', nullable=False))

    # The check-in log learns the method ``online`` (the CHECK constraint of its enum column).
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checkins_checkin_method'), type_='check')
        batch_op.create_check_constraint('checkin_method', _method_check(_METHODS_AFTER))


def downgrade():
    op.execute("UPDATE checkins SET method = 'manual' WHERE method = 'online'")  # lossy, kept as rows
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checkins_checkin_method'), type_='check')
        batch_op.create_check_constraint('checkin_method', _method_check(_METHODS_BEFORE))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_registration_attend'), type_='check')
        batch_op.drop_column('attend')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sessions_session_mode'), type_='check')
        batch_op.drop_column('mode')

    op.execute("UPDATE events SET capacity = 0 WHERE capacity IS NULL")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('capacity', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('replay_url')
        batch_op.drop_column('online_url')
        batch_op.drop_constraint(op.f('ck_events_event_mode'), type_='check')
        batch_op.drop_column('mode')
