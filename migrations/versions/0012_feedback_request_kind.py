"""notifications: the feedback_request kind (asking attendees for a rating after the event)

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-29 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS = ['registration_confirmed', 'waitlisted', 'promoted', 'reminder', 'event_changed', 'event_cancelled',
         'interview_booked', 'application_result', 'notice', 'login_code']
NAME = 'ck_notifications_notification_kind'


def _kinds_check(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace_check(kinds) -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(op.f(NAME), _kinds_check(kinds))


def upgrade():
    _replace_check(KINDS + ['feedback_request'])


def downgrade():
    op.execute("DELETE FROM notifications WHERE kind = 'feedback_request'")
    _replace_check(KINDS)
