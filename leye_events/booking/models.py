"""Registrations: a seeker's place (or waitlist position) at an event."""
import secrets

from flask_babel import lazy_gettext as _l

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _l("已确认"),
    RegistrationStatus.WAITLISTED: _l("候补中"),
    RegistrationStatus.CANCELLED: _l("已取消"),
}


# The moves a registration's status may make (None: not yet registered). Any other is a bug.
ALLOWED_MOVES = {
    None: (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    RegistrationStatus.WAITLISTED: (RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED),
    RegistrationStatus.CONFIRMED: (RegistrationStatus.CANCELLED,),
    RegistrationStatus.CANCELLED: (),
}


class Attend(StrEnum):
    """How a registrant attends: at the venue or in the live room."""

    ONSITE = "onsite"
    ONLINE = "online"


ATTEND_LABELS = {Attend.ONSITE: _l("线下参加"), Attend.ONLINE: _l("线上参加")}


def new_ticket_code() -> str:
    """A random ticket secret: 160 bits, URL-safe, no personal data."""
    return secrets.token_urlsafe(20)


class Registration(db.Model):
    """Seeker × event. At most one that is not cancelled per pair (a partial unique index)."""

    __tablename__ = "registrations"
    __table_args__ = (
        db.Index(
            "uq_registrations_active_seeker",
            "event_id",
            "seeker_id",
            unique=True,
            postgresql_where=db.text("status <> 'cancelled'"),
            sqlite_where=db.text("status <> 'cancelled'"),
        ),
        db.Index("ix_registrations_event_status", "event_id", "status"),
        db.CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)", name="waitlist_position_iff_waitlisted"
        ),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False)
    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    # Changed only through ``move_to``; the old value is kept for the seat counter (``booking.seats``).
    status = db.column_property(db.Column(enum_column_type(RegistrationStatus, "registration_status"), nullable=False),
                                active_history=True)
    waitlist_position = db.Column(db.Integer)
    ticket_code = db.Column(db.String(64), nullable=False, unique=True, default=new_ticket_code)
    walk_in = db.Column(db.Boolean, nullable=False, default=False)
    attend = db.column_property(db.Column(enum_column_type(Attend, "registration_attend"), nullable=False,
                                          default=Attend.ONSITE, server_default=Attend.ONSITE.value),
                                active_history=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    confirmed_at = db.Column(UTCDateTime)
    cancelled_at = db.Column(UTCDateTime)
    cancel_reason = db.Column(db.String(500))
    cancelled_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    event = db.relationship("Event")
    seeker = db.relationship("User", foreign_keys=[seeker_id])
    cancelled_by = db.relationship("User", foreign_keys=[cancelled_by_id])

    def move_to(self, status: RegistrationStatus, *, position: int | None = None, by_id: int | None = None,
                reason: str | None = None) -> RegistrationStatus | None:
        """The one place a registration's status changes: checks the move against ``ALLOWED_MOVES``
        (ValueError otherwise), keeps the waitlist position (``position``, required to wait) and the
        confirmation or cancellation stamps with it. Returns the previous status."""
        previous = self.status
        if status not in ALLOWED_MOVES[previous]:
            raise ValueError(f"a registration cannot move from {previous} to {status}")
        if status == RegistrationStatus.WAITLISTED and not position:
            raise ValueError("a waitlisted registration needs its position")
        self.status = status
        self.waitlist_position = position if status == RegistrationStatus.WAITLISTED else None
        if status == RegistrationStatus.CONFIRMED:
            self.confirmed_at = utcnow()
        elif status == RegistrationStatus.CANCELLED:
            self.cancelled_at = utcnow()
            self.cancelled_by_id = by_id
            self.cancel_reason = reason
        return previous

    @property
    def status_label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self.status])

    @property
    def attend_label(self) -> str:
        return str(ATTEND_LABELS[self.attend or Attend.ONSITE])

    @property
    def attends_online(self) -> bool:
        return self.attend == Attend.ONLINE

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"
