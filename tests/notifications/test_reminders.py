"""Reminders 24 h and 2 h before each session: due or not, once per session and offset."""
from datetime import timedelta

from leye_events.booking.models import RegistrationStatus
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db
from leye_events.notifications.models import Channel, Notification, NotificationKind
from leye_events.notifications.reminders import write_due_reminders

from ..factories import make_event, make_registration


def reminders():
    return db.session.execute(
        db.select(Notification).filter_by(kind=NotificationKind.REMINDER, channel=Channel.INBOX)
        .order_by(Notification.id)
    ).scalars().all()


def registered_long_ago(event, **kw):
    registration = make_registration(event, **kw)
    registration.created_at = registration.confirmed_at = utcnow() - timedelta(days=10)
    db.session.commit()
    return registration


def test_a_reminder_is_due_24_hours_and_2_hours_before_and_written_once():
    event = make_event(starts_in=timedelta(hours=30), title="职场沙龙")
    registration = registered_long_ago(event)
    start = event.sessions[0].starts_at
    assert write_due_reminders(start - timedelta(hours=25)) == 0  # not due yet
    assert write_due_reminders(start - timedelta(hours=23)) == 3  # inbox, SMS, e-mail
    assert write_due_reminders(start - timedelta(hours=22)) == 0  # once per session and offset
    assert write_due_reminders(start - timedelta(hours=1, minutes=50)) == 3
    assert write_due_reminders(start - timedelta(hours=1)) == 0
    assert write_due_reminders(start + timedelta(minutes=1)) == 0  # started: too late
    bodies = [r.body for r in reminders()]
    assert len(bodies) == 2 and all(registration.ticket_code in body for body in bodies)


def test_each_module_of_a_workshop_is_reminded():
    event = make_event(starts_in=timedelta(hours=20), sessions=3)
    registered_long_ago(event)
    first, second = event.sessions[0].starts_at, event.sessions[1].starts_at
    write_due_reminders(first - timedelta(hours=19))
    write_due_reminders(second - timedelta(hours=23))
    assert len(reminders()) == 2
    assert "第1场" in reminders()[0].body and "第2场" in reminders()[1].body


def test_no_reminder_for_the_waitlisted_the_cancelled_a_cancelled_event_or_a_fresh_registration():
    event = make_event(starts_in=timedelta(hours=20))
    registered_long_ago(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    registered_long_ago(event, status=RegistrationStatus.CANCELLED)
    make_registration(event)  # confirmed a moment ago, inside the 24-hour window: the confirmation told them
    cancelled = make_event(starts_in=timedelta(hours=20), status=EventStatus.CANCELLED)
    registered_long_ago(cancelled)
    assert write_due_reminders(utcnow()) == 0
