"""One feedback per registration (a seeker rates an event they attended)."""
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db

MIN_RATING, MAX_RATING = 1, 5
MAX_COMMENT_LENGTH = 1000


class Feedback(db.Model):
    """A rating 1–5 and a comment; given again, it replaces the earlier one."""

    __tablename__ = "feedback"
    __table_args__ = (
        db.CheckConstraint(f"rating >= {MIN_RATING} AND rating <= {MAX_RATING}", name="rating_in_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registrations.id"), nullable=False, unique=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False, index=True)
    rating = db.Column(db.Integer, nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    registration = db.relationship("Registration")
