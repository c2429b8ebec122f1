"""API: an event's attendance list as JSON, CSV or XLSX (see API.md)."""
from flask import request
from flask_babel import gettext as _

from ..booking.counts import seat_counts
from ..exports import responses, services
from ..extensions import db
from . import bp
from .auth import api_user
from .parsing import invalid_parameter, query_text
from .serializers import event_json


def _format() -> str:
    value = (query_text("format", max_length=10) or "json").lower()
    if value not in services.FORMATS:
        raise invalid_parameter("format", _("format 应为 csv、xlsx 或 json。"))
    return value


def _unmask() -> bool:
    value = query_text("unmask", max_length=5)
    if value in (None, "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise invalid_parameter("unmask", _("unmask 应为 0 或 1。"))


@bp.get("/events/<int:event_id>/attendance")
def event_attendance(event_id: int):
    """One row per registration with per-session check-in times; masked unless ``unmask=1`` with a
    ``reason`` by an organizer or counselor of the event's station. Every export is audited."""
    user = api_user()
    fmt, unmask = _format(), _unmask()
    reason = request.args.get("reason")
    event = services.authorize_export(event_id, user, fmt=fmt, unmask=unmask, reason=reason)
    db.session.commit()
    if fmt == "json":
        return responses.json_response(event_json(event, seat_counts(event)), event, unmasked=unmask)
    filename = services.export_filename(event, fmt, unmasked=unmask)
    if fmt == "csv":
        return responses.csv_response(event, filename, unmasked=unmask)
    return responses.xlsx_response(event, filename, unmasked=unmask)
