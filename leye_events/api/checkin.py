"""API: door check-in, offline batch upload, roster, undo (see API.md)."""
from flask import jsonify
from flask_babel import gettext as _

from ..checkin import services
from ..checkin.models import CheckInMethod
from ..checkin.presenters import outcome_json, roster_json
from ..core.errors import ServiceError
from ..extensions import db
from . import bp
from .auth import api_user, require_roles
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


@bp.post("/checkins")
@require_roles(*DOOR_ROLES)
def create_checkin():
    """Check a ticket in; 200 with ``result`` whatever the outcome of the scan."""
    scan = scan_from(json_body(), CheckInMethod.QR)
    outcome = services.check_in(scan, staff=api_user())
    body = outcome_json(outcome)  # before the commit expires what it reads (the ticket's lock is uncontended)
    db.session.commit()
    return jsonify(body)


@bp.post("/checkins/batch")
@require_roles(*DOOR_ROLES)
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
@require_roles(*DOOR_ROLES)
def roster(event_id: int):
    staff = api_user()
    event = services.door_event(event_id, staff)
    body = roster_json(event)
    services.record_roster_read(event, staff=staff, via="api")
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checkins/<int:checkin_id>/undo")
@require_roles(*DOOR_ROLES)
def undo_checkin(checkin_id: int):
    body = json_body(allow_empty=True)
    reason = text(body, "reason")
    checkin = services.undo(checkin_id, staff=api_user(), reason=reason if isinstance(reason, str) else "")
    db.session.commit()
    return jsonify({"checkin_id": checkin.id, "undone": True})
