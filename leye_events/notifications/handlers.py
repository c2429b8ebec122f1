"""Who is told what: the outbox rows written, in the same transaction, when booking and events change.

Nothing is sent here; the worker (``delivery``) sends after the transaction commits.
"""
from ..booking.models import Registration, RegistrationStatus
from ..booking.signals import registration_created, registration_promoted
from ..events.services import event_cancelled, event_changed
from ..extensions import db
from .models import NotificationKind
from .services import notify, notify_many
from .texts import cancellation_message, change_message, registration_message


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


@event_cancelled.connect
def tell_registrants_of_cancellation(event, actor=None, reason=None, **_kw):
    message = cancellation_message(event, reason)
    notify_many((registration.seeker, message) for registration in _active_registrations(event))


@event_changed.connect
def tell_registrants_of_change(event, **_kw):
    notify_many((registration.seeker, change_message(event, registration))
                for registration in _active_registrations(event))
