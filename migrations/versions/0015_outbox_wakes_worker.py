"""notifications: on PostgreSQL a pending row sends NOTIFY leye_outbox, which wakes the worker

The worker listens; the web workers no longer enqueue a delivery on the task queue after each commit. The
SQL is a frozen copy of leye_events/notifications/wakeup.py at this revision.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

WAKE_FUNCTION = """
CREATE OR REPLACE FUNCTION notifications_wake_worker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('leye_outbox', '');
    RETURN NULL;
END
$$
"""
WAKE_TRIGGER = """
CREATE TRIGGER notifications_wake_worker AFTER INSERT ON notifications
FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION notifications_wake_worker()
"""


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(WAKE_FUNCTION)
        op.execute(WAKE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS notifications_wake_worker ON notifications")
        op.execute("DROP FUNCTION IF EXISTS notifications_wake_worker()")
