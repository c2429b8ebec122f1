"""Who is told what: the outbox rows written, in the same transaction, when booking and events change.

Nothing is sent here; the worker (``delivery``) sends after the transaction commits. A message to all of
an event's registrants is one ``fanout`` row in the request, expanded here by the worker.
"""
from ..booking.models import Registration, RegistrationStatus
from ..booking.signals import registration_created, registration_promoted
from ..employers.signals import application_result_recorded, interview_booked
from ..events.models import Event
from ..events.signals import event_cancelled, event_changed
from ..extensions import db
from .models import NotificationKind
from .services import notify, notify_many, notify_registrants
from .texts import (
    application_result_message,
    cancellation_message,
    change_message,
    interview_message,
    notice_message,
    registration_message,
)


def _active_registrations(event) -> list[Registration]:
    return db.session.execute(
        db.select(Registration).filter(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED
        ).options(db.joinedload(Registration.seeker))
    ).scalars().all()


@registration_created.connect
def tell_registered_seeker(registration, walk_in=False, **_kw):
    if walk_in:  # registered at the door: they are already there
        return
    kind = (NotificationKind.WAITLISTED if registration.status == RegistrationStatus.WAITLISTED
            else NotificationKind.REGISTRATION_CONFIRMED)
    notify(registration.seeker, registration_message(registration, kind))


@registration_promoted.connect
def tell_promoted_seeker(registration, **_kw):
    notify(registration.seeker, registration_message(registration, NotificationKind.PROMOTED))


@interview_booked.connect
def tell_seeker_of_interview(booking, **_kw):
    notify(booking.seeker, interview_message(booking))


@application_result_recorded.connect
def tell_seeker_of_application_result(application, **_kw):
    notify(application.seeker, application_result_message(application))


@event_cancelled.connect
def tell_registrants_of_cancellation(event, actor=None, reason=None, **_kw):
    notify_registrants(event, NotificationKind.EVENT_CANCELLED, f"event_cancelled:{event.id}", reason or "")


@event_changed.connect
def tell_registrants_of_change(event, **_kw):
    notify_registrants(event, NotificationKind.EVENT_CHANGED, f"event_changed:{event.id}:{event.revision}")


def expand_fanout(row) -> int:
    """Write the per-person messages of a ``fanout`` row (the worker calls this; its caller commits)."""
    event = db.session.get(Event, row.event_id)
    if event is None:
        return 0
    registrations = _active_registrations(event)
    if row.kind == NotificationKind.EVENT_CANCELLED:
        message = cancellation_message(event, row.body or None)
        return notify_many((r.seeker, message) for r in registrations)
    if row.kind == NotificationKind.EVENT_CHANGED:
        return notify_many((r.seeker, change_message(event, r, row.title)) for r in registrations)
    message = notice_message(event, row.body, row.title)
    return notify_many((r.seeker, message) for r in registrations)
