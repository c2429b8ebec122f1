"""API: an event's attendance list as JSON, CSV or XLSX (see API.md)."""
from flask import request

from ..booking.counts import seat_counts
from ..core.db import unit_of_work
from ..exports import responses, services
from . import bp
from .auth import api_user
from .models import Attendance, AttendanceQuery
from .schema import also_answers, answers, declare
from .serializers import event_json

also_answers("getAttendance", {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                    "format": "binary"}},
})


@bp.get("/events/<int:event_id>/attendance")
@declare(query=AttendanceQuery, resp=answers(200, Attendance, "One row per registration with per-session "
                                             "attendance", errors=(400, 401, 403, 404, 422)),
         tags=["checkin"], operation_id="getAttendance")
def event_attendance(event_id: int):
    """One row per registration with per-session check-in times; masked unless ``unmask=1`` with a
    ``reason`` by an organizer or counselor of the event's station. Every export is audited."""
    user = api_user()
    query = request.context.query
    fmt, unmask = query.format or "json", query.unmask in ("1", "true")
    reason = request.args.get("reason")
    with unit_of_work():
        event = services.authorize_export(event_id, user, fmt=fmt, unmask=unmask, reason=reason)
    if fmt == "json":
        return responses.json_response(event_json(event, seat_counts(event)), event, unmasked=unmask)
    filename = services.export_filename(event, fmt, unmasked=unmask)
    if fmt == "csv":
        return responses.csv_response(event, filename, unmasked=unmask)
    return responses.xlsx_response(event, filename, unmasked=unmask)
