"""API: door check-in, offline batch upload, roster, undo (see API.md). The door page calls these same
endpoints with its login session (and CSRF token) instead of a bearer token."""
from flask import jsonify, request
from flask_babel import gettext as _

from ..booking.models import Registration
from ..checkin import services
from ..checkin.models import CheckInMethod
from ..checkin.presenters import outcome_json, roster_json
from ..core.db import get_row, unit_of_work
from ..core.errors import NotFound, ServiceError
from . import bodies as p
from . import bp
from .auth import api_user, require_roles, via_session
from .errors import api_error_response
from .models_checkin import (
    CheckinBatch,
    CheckinBatchResult,
    CheckinRequest,
    CheckinResult,
    Roster,
    Undone,
    UndoRequest,
)
from .schema import answers, declare, read_item

DOOR_ROLES = services.DOOR_ROLES


def scan_from(body: CheckinRequest | dict, method: CheckInMethod, code: str | None = None) -> services.Scan:
    """One scan object as the service takes it (``code`` in place of the body's); 400 for a wrong shape
    (a dict is read first)."""
    if isinstance(body, dict):
        body = read_item(CheckinRequest, body)
    if code is None:
        if "code" not in body.model_fields_set:
            raise p.missing_field("code")
        if body.code is None:
            raise p.invalid_field("code", _("此字段应为字符串。"))
    return services.Scan(
        code=code if code is not None else body.code,
        event_id=body.event_id,
        session_id=body.session_id,
        gate=body.gate or "",
        device=body.device or "",
        nonce=body.nonce,
        scanned_at=body.scanned_at,
        method=method,
    )


def _code_of_registration(body: CheckinRequest, staff) -> str:
    """The ticket code of ``registration_id`` (the door's one-tap check-in from its search), which must
    belong to the event; the staff's access to the event is checked first."""
    event = services.door_event(body.event_id, staff)
    registration = get_row(Registration, body.registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("not_found", _("该报名不存在。"))
    return registration.ticket_code


@bp.post("/checkins")
@require_roles(*DOOR_ROLES, allow_session=True)
@declare(json=CheckinRequest, resp=answers(200, CheckinResult, "The outcome", errors=(400, 401, 403, 404, 422)),
         tags=["checkin"], operation_id="checkIn")
def create_checkin():
    """Check a ticket in; 200 with ``result`` whatever the outcome of the scan.

    Door staff and up, of the event's station. Judged by the server's clock (scanned_at is ignored here).
    Optional extensions: ``method`` (``qr`` or ``manual``, a typed code) and ``registration_id`` in place of
    ``code``. The check-in endpoints also accept the door page's login session (cookie) instead of a token;
    its writes then need the X-CSRFToken header (400 csrf_failed without)."""
    body, staff = request.context.json, api_user()
    if body.registration_id is not None:
        code, method = _code_of_registration(body, staff), CheckInMethod.MANUAL
    else:
        code, method = None, CheckInMethod.MANUAL if body.method == "manual" else CheckInMethod.QR
    with unit_of_work():
        outcome = services.check_in(scan_from(body, method, code), staff=staff)
        body = outcome_json(outcome)  # before the commit expires what it reads (the ticket's lock is uncontended)
    return jsonify(body)


@bp.post("/checkins/batch")
@require_roles(*DOOR_ROLES, allow_session=True)
@declare(json=CheckinBatch, resp=answers(200, CheckinBatchResult, "Outcomes in the order of the scans",
                                         errors=(400, 401, 403, 422)),
         tags=["checkin"], operation_id="checkInBatch")
def create_checkins_batch():
    """Upload scans made offline, each with its nonce and device time; answers in the same order.

    Each scan as for /checkins with nonce and scanned_at, and its own transaction, so one bad item loses
    nothing else; a repeated nonce is answered as before and never counted twice. A scan's device time counts
    within the session's door window if uploaded within CHECKIN_OFFLINE_MAX_DELAY_HOURS (default 24) of it;
    later, the item is answered 422 upload_too_late and not counted."""
    scans = request.context.json.scans
    staff = api_user()
    results = []
    for item in scans:
        try:
            with unit_of_work():
                scan = scan_from(item, CheckInMethod.OFFLINE)
                if not scan.nonce:
                    raise ServiceError("missing_field", _("离线扫码须带 nonce。"), field="nonce", status=400)
                outcome = services.check_in(scan, staff=staff)
                results.append(outcome_json(outcome))
        except ServiceError as error:
            response, status = api_error_response(error)
            results.append({**response.get_json(), "status": status})
    return jsonify({"results": results})


@bp.get("/events/<int:event_id>/roster")
@require_roles(*DOOR_ROLES, allow_session=True)
@declare(resp=answers(200, Roster, "The roster", errors=(401, 403, 404)), tags=["checkin"],
         operation_id="getRoster")
def roster(event_id: int):
    """Roster for offline scanning: door staff and up, of the event's station. Every download is audited."""
    staff = api_user()
    with unit_of_work():
        event = services.door_event(event_id, staff)
        body = roster_json(event)
        services.record_roster_read(event, staff=staff, via="door" if via_session() else "api")
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checkins/<int:checkin_id>/undo")
@require_roles(*DOOR_ROLES, allow_session=True)
@declare(json=UndoRequest, resp=answers(200, Undone, "Undone", errors=(400, 401, 403, 404, 422)),
         tags=["checkin"], operation_id="undoCheckIn")
def undo_checkin(checkin_id: int):
    """Undo a mistaken check-in.

    Door staff and up, of the event's station, while the session's door is open; after it has closed, an
    organizer of the station or an admin, with a reason (403 door_closed, 422 reason_required). The entry stays
    in the log, marked undone; every undo is audited."""
    with unit_of_work():
        checkin = services.undo(checkin_id, staff=api_user(), reason=request.context.json.reason or "")
    return jsonify({"checkin_id": checkin.id, "undone": True})
