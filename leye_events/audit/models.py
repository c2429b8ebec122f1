"""The append-only audit log."""
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """One recorded action: who (actor), did what (action), to what (target), with details."""

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
