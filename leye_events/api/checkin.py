"""API: door check-in, offline batch upload, roster, undo (see API.md). The door page calls these same
endpoints with its login session (and CSRF token) instead of a bearer token."""
from flask import jsonify
from flask_babel import gettext as _

from ..booking.models import Registration
from ..checkin import services
from ..checkin.models import CheckInMethod
from ..checkin.presenters import outcome_json, roster_json
from ..core.db import get_row
from ..core.errors import NotFound, ServiceError
from ..extensions import db
from . import bp
from .auth import api_user, require_roles, via_session
from .errors import api_error_response
from .parsing import MISSING, integer, json_body, object_list, text, timestamp

MAX_BATCH = 500
DOOR_ROLES = services.DOOR_ROLES


def scan_from(body: dict, method: CheckInMethod) -> services.Scan:
    """Read one scan object; 400 for a wrong shape."""
    def optional(value, default=None):
        return default if value is MISSING or value is None else value

    return services.Scan(
        code=text(body, "code", required=True),
        event_id=integer(body, "event_id", required=True),
        session_id=optional(integer(body, "session_id", nullable=True)),
        gate=optional(text(body, "gate"), ""),
        device=optional(text(body, "device"), ""),
        nonce=optional(text(body, "nonce")),
        scanned_at=optional(timestamp(body, "scanned_at")),
        method=method,
    )


def _by_registration(body: dict, staff) -> dict:
    """The body with the ticket code of ``registration_id`` (the door's one-tap check-in from its search),
    which must belong to the event; the staff's access to the event is checked first."""
    event = services.door_event(integer(body, "event_id", required=True), staff)
    registration_id = integer(body, "registration_id", required=True)
    registration = get_row(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("not_found", _("该报名不存在。"))
    return {**body, "code": registration.ticket_code}


@bp.post("/checkins")
@require_roles(*DOOR_ROLES, allow_session=True)
def create_checkin():
    """Check a ticket in; 200 with ``result`` whatever the outcome of the scan. Optional extensions:
    ``method`` (``qr`` or ``manual``, a typed code) and ``registration_id`` in place of ``code``."""
    body, staff = json_body(), api_user()
    if body.get("registration_id") is not None:
        body, method = _by_registration(body, staff), CheckInMethod.MANUAL
    else:
        method = CheckInMethod.MANUAL if body.get("method") == "manual" else CheckInMethod.QR
    outcome = services.check_in(scan_from(body, method), staff=staff)
    body = outcome_json(outcome)  # before the commit expires what it reads (the ticket's lock is uncontended)
    db.session.commit()
    return jsonify(body)


@bp.post("/checkins/batch")
@require_roles(*DOOR_ROLES, allow_session=True)
def create_checkins_batch():
    """Upload scans made offline, each with its nonce and device time; answers in the same order.
    Each scan is its own transaction, so one bad item loses nothing else."""
    scans = object_list(json_body(), "scans", required=True, max_items=MAX_BATCH)
    staff = api_user()
    results = []
    for item in scans:
        try:
            scan = scan_from(item, CheckInMethod.OFFLINE)
            if not scan.nonce:
                raise ServiceError("missing_field", _("离线扫码须带 nonce。"), field="nonce", status=400)
            outcome = services.check_in(scan, staff=staff)
            results.append(outcome_json(outcome))
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            response, status = api_error_response(error)
            results.append({**response.get_json(), "status": status})
    return jsonify({"results": results})


@bp.get("/events/<int:event_id>/roster")
@require_roles(*DOOR_ROLES, allow_session=True)
def roster(event_id: int):
    staff = api_user()
    event = services.door_event(event_id, staff)
    body = roster_json(event)
    services.record_roster_read(event, staff=staff, via="door" if via_session() else "api")
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checkins/<int:checkin_id>/undo")
@require_roles(*DOOR_ROLES, allow_session=True)
def undo_checkin(checkin_id: int):
    body = json_body(allow_empty=True)
    reason = text(body, "reason")
    checkin = services.undo(checkin_id, staff=api_user(), reason=reason if isinstance(reason, str) else "")
    db.session.commit()
    return jsonify({"checkin_id": checkin.id, "undone": True})
