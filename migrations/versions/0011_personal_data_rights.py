"""personal-data rights: users.erased_at; the audit log made append-only on PostgreSQL

Revision ID: 0011
Revises: 0005
Create Date: 2026-11-29 06:00:00

The trigger refuses every UPDATE of audit_entries and every DELETE of an entry younger than 180
days, for every role (the app's own included). ``flask privacy purge`` deletes older entries
without needing owner rights or a way to switch the trigger off. The SQL is a frozen copy of
``leye_events.audit.models`` (which installs it when tests build the schema with create_all).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0005'
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < (now() AT TIME ZONE 'UTC') - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit_entries is append-only: ' || TG_OP || ' refused';
END
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
"""


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
