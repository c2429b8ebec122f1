"""Organizer pages: an event's attendance list as CSV, Excel or a printable sign-in sheet.

Masked lists are plain links (GET); full names and phones need the POSTed form with a typed reason.
Every download is audited.
"""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..accounts.auth import can_manage_station
from ..booking.counts import seat_counts
from ..checkin.services import session_counts
from ..core.db import unit_of_work
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from . import responses, services
from .forms import UnmaskForm

bp = Blueprint("exports", __name__)


def _event_for(event_id: int):
    """The event if the current user may export its list; 404 / 403 otherwise."""
    try:
        return services.exportable_event(event_id, current_user)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _authorize(event_id: int, fmt: str, *, unmask: bool = False, reason=None):
    try:
        with unit_of_work():  # the audit entry stands even if the download is interrupted
            event = services.authorize_export(event_id, current_user._get_current_object(), fmt=fmt,
                                              unmask=unmask, reason=reason)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    return event


def _page(event, form: UnmaskForm, status: int = 200):
    return render_template(
        "exports/attendance.html",
        event=event,
        counts=seat_counts(event),
        attended=session_counts(event),
        form=form,
        may_unmask=services.may_unmask(current_user, event),
        may_manage=can_manage_station(current_user, event.station_id),
    ), status


def _download(event, fmt: str, *, unmasked: bool):
    if fmt == "print":
        return _sheet(event, unmasked=unmasked)
    filename = services.export_filename(event, fmt, unmasked=unmasked)
    if fmt == "csv":
        return responses.csv_response(event, filename, unmasked=unmasked)
    return responses.xlsx_response(event, filename, unmasked=unmasked)


def _sheet(event, *, unmasked: bool):
    page = render_template(
        "exports/signin_sheet.html",
        event=event,
        rows=services.sheet_rows(event, unmask=unmasked),
        blank_rows=services.BLANK_ROWS,
        unmasked=unmasked,
        printed_at=utcnow(),
    )
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.get("/manage/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    """Links to the masked lists and, for the station's organizers and counselors, the unmask form."""
    return _page(_event_for(event_id), UnmaskForm())


@bp.get("/manage/events/<int:event_id>/attendance.<any(csv, xlsx):fmt>")
@login_required
def download(event_id: int, fmt: str):
    event = _authorize(event_id, fmt)
    return _download(event, fmt, unmasked=False)


@bp.get("/manage/events/<int:event_id>/attendance/print")
@login_required
def print_sheet(event_id: int):
    """An A4 sign-in sheet with tick boxes per session, for the door when power or network fails."""
    event = _authorize(event_id, "print")
    return _sheet(event, unmasked=False)


@bp.post("/manage/events/<int:event_id>/attendance/unmasked")
@login_required
def download_unmasked(event_id: int):
    """Full names and phones, with a typed reason; audited."""
    event = _event_for(event_id)
    if not services.may_unmask(current_user, event):
        abort(403)
    form = UnmaskForm()
    if not form.validate_on_submit():
        return _page(event, form, 400)
    try:
        event = _authorize(event_id, form.format.data, unmask=True, reason=form.reason.data)
    except ServiceError as error:  # a reason that is blank once trimmed
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, error.message]
        return _page(event, form, 400)
    return _download(event, form.format.data, unmasked=True)
