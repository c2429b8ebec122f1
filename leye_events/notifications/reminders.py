"""Reminders 24 h and 2 h before each session a seeker is confirmed for (a workshop's later modules too).

``write_due_reminders`` is run by the worker (periodically and by ``flask notify run --once``). A reminder
is one cause per session, offset and registration, so it is written once however often or by however
many workers this runs; the unique ``dedupe_key`` settles a race between two of them.
"""
from datetime import datetime, timedelta

from ..booking.models import Registration, RegistrationStatus
from ..core.db import begin_locking_transaction
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from .services import notify_many
from .texts import reminder_message

OFFSETS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))


def _offset_for(starts_at: datetime, now: datetime, confirmed_at: datetime | None) -> str | None:
    """The reminder due for a session starting at ``starts_at``: the nearest offset it is within
    ("2h" inside 2 hours, "24h" inside 24 hours), so a late registrant gets one reminder, not two —
    and none for an offset that had begun before they were confirmed (the confirmation told them)."""
    for label, offset in reversed(OFFSETS):
        if now < starts_at <= now + offset:
            if confirmed_at is not None and confirmed_at > starts_at - offset:
                return None
            return label
    return None


def write_due_reminders(now: datetime) -> int:
    """Write the reminders that are due at ``now`` and commit; returns how many rows were written."""
    horizon = now + max(offset for _, offset in OFFSETS)
    begin_locking_transaction()
    rows = db.session.execute(
        db.select(Registration, EventSession)
        .join(Event, Event.id == Registration.event_id)
        .join(EventSession, EventSession.event_id == Event.id)
        .where(Registration.status == RegistrationStatus.CONFIRMED, Event.status == EventStatus.PUBLISHED,
               EventSession.starts_at > now, EventSession.starts_at <= horizon)
        .options(db.joinedload(Registration.seeker), db.joinedload(Registration.event))
    ).all()
    messages = []
    for registration, session in rows:
        label = _offset_for(session.starts_at, now, registration.confirmed_at or registration.created_at)
        if label:
            messages.append((registration.seeker, reminder_message(registration, session, label)))
    written = notify_many(messages)  # what another worker wrote a moment ago is skipped
    db.session.commit()
    return written
