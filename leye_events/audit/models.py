"""The append-only audit log."""
from sqlalchemy import DDL, event

from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db

# The shortest time an audit entry is kept. PRC Cybersecurity Law art. 21 asks network logs to be
# kept for at least six months; the database itself refuses to delete younger entries (below).
AUDIT_MIN_RETENTION_DAYS = 180


class AuditEntry(db.Model):
    """One recorded action: who (actor), did what (action), to what (target), with details.

    Details never hold plain personal data (names, phone numbers, e-mail addresses): they name
    people by id, so that erasing a person leaves the log intact and without them.
    """

    __tablename__ = "audit_entries"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    action = db.Column(db.String(64), nullable=False, index=True)
    target_type = db.Column(db.String(32), nullable=False)
    target_id = db.Column(db.Integer)
    station_id = db.Column(db.Integer, db.ForeignKey("stations.id"))
    details = db.Column(db.JSON, nullable=False, default=dict)

    actor = db.relationship("User")


# On PostgreSQL the table refuses every UPDATE, and every DELETE of an entry younger than
# AUDIT_MIN_RETENTION_DAYS, whoever asks — the app's own role included. Deleting older entries
# stays possible so that `flask privacy purge` can apply the retention period without owner rights.
# Migration 0011 installs the same function and trigger; tests build the schema with create_all.
APPEND_ONLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < (now() AT TIME ZONE 'UTC') - interval '{AUDIT_MIN_RETENTION_DAYS} days' THEN
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

for _statement in (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER):
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
