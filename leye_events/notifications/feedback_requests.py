"""After an event: ask those who attended for a rating (the follow-up message of the feedback feature).

``write_due_feedback_requests`` runs with the reminders (the worker's tick, ``flask notify run --once``):
events whose last session ended within the past ``WINDOW`` get one message per attendee who has not
rated yet. The cause is the registration, so each person is asked once however often this runs.
"""
from datetime import datetime, timedelta

from sqlalchemy import func

from ..booking.models import Registration, RegistrationStatus
from ..checkin.attendance import attended_sessions
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from ..feedback.models import Feedback
from .services import notify_many
from .texts import feedback_request_message

WINDOW = timedelta(hours=24)


def write_due_feedback_requests(now: datetime) -> int:
    """Write the feedback requests due at ``now`` and commit; returns how many rows were written."""
    last_end = (db.select(func.max(EventSession.ends_at)).where(EventSession.event_id == Event.id)
                .correlate(Event).scalar_subquery())
    rated = db.select(Feedback.id).where(Feedback.registration_id == Registration.id).exists()
    registrations = db.session.execute(
        db.select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED, Event.status == EventStatus.PUBLISHED,
               last_end <= now, last_end > now - WINDOW, ~rated)
        .options(db.joinedload(Registration.seeker), db.joinedload(Registration.event))
    ).scalars().all()
    attended = attended_sessions([r.id for r in registrations])
    messages = [(r.seeker, feedback_request_message(r)) for r in registrations if attended.get(r.id)]
    written = notify_many(messages)  # what another worker wrote a moment ago is skipped
    db.session.commit()
    return written
