"""Feedback pages: the seeker rates an attended event; organizers read the summary."""
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.db import unit_of_work
from ..core.errors import NotFound, ServiceError
from ..core.timeutil import SHANGHAI, as_utc
from ..events.models import Event
from ..extensions import db
from . import services
from .forms import FeedbackForm

bp = Blueprint("feedback", __name__)


@bp.route("/registrations/<int:registration_id>/feedback", methods=["GET", "POST"])
@login_required
def give(registration_id: int):
    """The seeker's own rating form (linked from the ticket page and the follow-up message)."""
    try:
        registration = services.own_registration(registration_id, current_user)
    except NotFound:
        abort(404)
    existing = services.feedback_for(registration)
    form = FeedbackForm(obj=existing)
    allowed = services.may_give_feedback(registration)
    if allowed and form.validate_on_submit():
        try:
            with unit_of_work():
                services.give_feedback(registration.id, seeker=current_user, rating=form.rating.data,
                                       comment=form.comment.data)
        except ServiceError as error:
            form.rating.errors = [*form.rating.errors, error.message]
        else:
            flash(_("谢谢您的评价！"), "success")
            return redirect(url_for("booking.ticket", code=registration.ticket_code))
    return render_template("feedback/give.html", registration=registration, event=registration.event,
                           form=form, allowed=allowed, existing=existing)


@bp.get("/manage/events/<int:event_id>/feedback")
@login_required
def summary(event_id: int):
    """Count, average and comments for the event and each session (staff of the station)."""
    event = db.session.get(Event, event_id) or abort(404)
    try:
        result = services.event_summary(event, viewer=current_user)
    except ServiceError:
        abort(403)
    return render_template("feedback/summary.html", event=event, summary=result["event"],
                           sessions=[(s, result["sessions"][s.id]) for s in event.sessions])


@bp.app_context_processor
def _feedback_helpers():
    def feedback_state(registration):
        """``{"given": Feedback or None}`` when the seeker may rate this registration, else None."""
        if not services.may_give_feedback(registration):
            return None
        return {"given": services.feedback_for(registration)}

    def station_feedback(station, start_day, end_day):
        """Feedback given on the station's events between two Shanghai days (inclusive), for its report."""
        start = datetime.combine(start_day, time.min, tzinfo=SHANGHAI)
        end = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=SHANGHAI)
        return services.station_summary(station.id, as_utc(start), as_utc(end))

    return {"feedback_state": feedback_state, "station_feedback": station_feedback}
