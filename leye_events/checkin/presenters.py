"""JSON shapes of check-in answers and rosters, shared by the API and the door page."""
from ..booking.models import Registration, RegistrationStatus
from ..core.masking import mask_name
from ..core.timeutil import isoformat_local
from ..events.models import Event
from ..extensions import db
from ..i18n import select_locale
from .models import CHECKIN_RESULT_LABELS, CheckInResult
from .services import ScanOutcome, attendance_by_registration, code_hash

_messages: dict[tuple[str, CheckInResult], str] = {}


def result_message(result: CheckInResult) -> str:
    """The scan's verdict in the request's language, translated once per worker and language (a
    scan does no Babel work: choosing a locale costs more than the rest of the answer)."""
    key = (select_locale(), result)
    message = _messages.get(key)
    if message is None:
        message = _messages[key] = str(CHECKIN_RESULT_LABELS[result])
    return message


def attendee_json(registration: Registration | None) -> dict | None:
    """What a door may know of a ticket's holder: the masked name and whether they walked in.
    Never a phone number or a hardship category."""
    if registration is None:
        return None
    return {"name": mask_name(registration.seeker.name), "walk_in": registration.walk_in}


def _door_may_see_holder(checkin) -> bool:
    """Only a ticket of this event, and one the code identified, shows its holder: a foreign ticket
    (``wrong_event``, or any ticket at a cancelled event) reveals nothing about whose it is."""
    registration = checkin.registration
    return (registration is not None and registration.event_id == checkin.event_id
            and checkin.result not in (CheckInResult.WRONG_EVENT, CheckInResult.UNKNOWN_CODE))


def wrong_ticket_json(registration: Registration) -> dict:
    """A ticket of another event: which event and station it is for, and nothing about its holder."""
    event = registration.event
    return {"attendee": None, "ticket_event": {"id": event.id, "title": event.title, "station": event.station.name}}


def outcome_json(outcome: ScanOutcome) -> dict:
    """The answer to one scan (API.md ``POST /checkins``)."""
    checkin = outcome.checkin
    visible = _door_may_see_holder(checkin)
    body = {
        "result": checkin.result.value,
        "message": result_message(checkin.result),
        "checkin_id": checkin.id,
        "event_id": checkin.event_id,
        "session_id": checkin.session_id,
        "registration_id": checkin.registration_id if visible else None,
        "gate": checkin.gate,
        "scanned_at": isoformat_local(checkin.scanned_at),
        "replayed": outcome.replayed,
        "conflict": checkin.conflict,
        "attendee": attendee_json(checkin.registration) if visible else None,
    }
    if checkin.result == CheckInResult.OK:
        body["checked_in_at"] = isoformat_local(checkin.scanned_at)
    if checkin.result == CheckInResult.WRONG_EVENT and checkin.registration is not None:
        body.update(wrong_ticket_json(checkin.registration))
    if checkin.result == CheckInResult.ALREADY_CHECKED_IN and outcome.first is not None:
        body["first_checked_in_at"] = isoformat_local(outcome.first.scanned_at)
        body["first_gate"] = outcome.first.gate
    return body


def roster_json(event: Event) -> dict:
    """What an offline door needs: ticket code hashes (SHA-256 hex), masked names, status, and
    who is already in which session. Never codes, phone numbers or hardship categories."""
    registrations = db.session.execute(
        db.select(Registration).filter(Registration.event_id == event.id).options(db.joinedload(Registration.seeker))
    ).scalars().all()
    attendance = attendance_by_registration(event)
    return {
        "event": {"id": event.id, "title": event.title, "status": event.status.value},
        "sessions": [
            {"id": s.id, "title": s.title, "starts_at": isoformat_local(s.starts_at), "ends_at": isoformat_local(s.ends_at)}
            for s in event.sessions
        ],
        "hash": "sha256",
        "entries": [
            {
                "code_hash": code_hash(r.ticket_code),
                "registration_id": r.id,
                "name": mask_name(r.seeker.name),
                "status": r.status.value,
                "walk_in": r.walk_in,
                "checked_in": {str(sid): isoformat_local(c.scanned_at) for sid, c in attendance.get(r.id, {}).items()},
            }
            for r in registrations
        ],
        "confirmed": sum(r.status == RegistrationStatus.CONFIRMED for r in registrations),
    }
