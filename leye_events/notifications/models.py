"""The outbox: one row per message and channel, written in the transaction of the change that causes
it, delivered later by a worker; and the one-time login codes sent by SMS."""
from sqlalchemy import DDL, event

from ..core.enums import StrEnum, enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..extensions import db
from .wakeup import WAKE_FUNCTION, WAKE_TRIGGER


class NotificationKind(StrEnum):
    REGISTRATION_CONFIRMED = "registration_confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    REMINDER = "reminder"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    INTERVIEW_BOOKED = "interview_booked"
    APPLICATION_RESULT = "application_result"
    NOTICE = "notice"
    LOGIN_CODE = "login_code"
    FEEDBACK_REQUEST = "feedback_request"


class Channel(StrEnum):
    INBOX = "inbox"
    SMS = "sms"
    EMAIL = "email"
    # One row for a message to everyone registered for an event (cancelled, changed, a notice): the
    # request writes only this; the worker expands it into the per-person rows in one transaction.
    FANOUT = "fanout"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by one worker (claim_token)
    SENT = "sent"
    FAILED = "failed"  # given up after NOTIFY_MAX_ATTEMPTS tries; shown to staff
    SKIPPED = "skipped"  # the person turned the channel off, or has no address for it


class Notification(db.Model):
    """A message to one person on one channel. ``dedupe_key`` (channel, person, cause) is unique, so
    a cause — a reminder for a session and offset, one change of an event — yields one message however
    many workers or retries write it. Inbox rows are delivered by existing."""

    __tablename__ = "notifications"
    __table_args__ = (
        db.Index("ix_notifications_due", "status", "next_attempt_at"),
        db.Index("ix_notifications_user_channel", "user_id", "channel", "created_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), index=False)
    kind = db.Column(enum_column_type(NotificationKind, "notification_kind"), nullable=False)
    channel = db.Column(enum_column_type(Channel, "notification_channel"), nullable=False)
    address = db.Column(db.String(254))  # phone or e-mail at the time of writing; none for the inbox
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_starts_at = db.Column(UTCDateTime)  # lets an SMS through quiet hours when the session is close
    dedupe_key = db.Column(db.String(200), nullable=False, unique=True)
    status = db.Column(enum_column_type(DeliveryStatus, "delivery_status"), nullable=False,
                       default=DeliveryStatus.PENDING)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    claim_token = db.Column(db.String(32))
    claimed_at = db.Column(UTCDateTime)
    last_error = db.Column(db.String(500))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = db.Column(UTCDateTime)
    read_at = db.Column(UTCDateTime)

    user = db.relationship("User")

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.channel} {self.status}>"


# On PostgreSQL a pending row wakes the worker (see .wakeup); migration 0015 installs the same trigger.
for _statement in (WAKE_FUNCTION, WAKE_TRIGGER):
    event.listen(Notification.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


class SmsCode(db.Model):
    """A 6-digit login code sent to a phone; only its hash is kept. Valid 5 minutes, used once."""

    __tablename__ = "sms_codes"
    __table_args__ = (db.Index("ix_sms_codes_phone_created", "phone", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    phone = db.Column(db.String(20), nullable=False)
    code_hash = db.Column(db.String(64), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    used_at = db.Column(UTCDateTime)
    failed_tries = db.Column(db.Integer, nullable=False, default=0)
