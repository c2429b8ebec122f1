"""The join link (``/join/<code>``, no login: the code is the secret) and the seeker's switch
between onsite and online attendance at a hybrid event."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..booking import services as booking
from ..booking.models import Attend, Registration
from ..checkin.services import ONLINE_OPENS_BEFORE
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..extensions import db
from ..security import no_referrer
from . import services

bp = Blueprint("online", __name__)


@bp.get("/join/<code>")
def join(code: str):
    """Record the online attendance and go to the live room, or say when (the replay afterwards)."""
    try:
        with unit_of_work():
            answer = services.join(code)
    except ServiceError as error:  # busy (503): the row lock could not be had in time
        abort(error.status)
    if answer.state == "open":
        response = redirect(answer.target, code=302)
    else:
        status = 404 if answer.state == "no_link" else 200
        response = make_response(render_template("online/join.html", answer=answer,
                                                 join_opens_before=ONLINE_OPENS_BEFORE), status)
    # The code in the URL is the secret: never cache the answer, never send it on as a Referer.
    response.headers["Cache-Control"] = "no-store"
    no_referrer()
    return response


@bp.post("/registrations/<int:registration_id>/attend")
@login_required
def switch_attend(registration_id: int):
    """The seeker (or staff of the station) moves a hybrid registration between onsite and online."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    attend = request.form.get("attend", "")
    try:
        with unit_of_work():
            registration = booking.switch_attend(registration_id, attend, actor=current_user)
    except ServiceError as error:
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
    else:
        flash(_("已改为线上参加。") if registration.attend == Attend.ONLINE else _("已改为线下参加。"), "success")
    return redirect(url_for("booking.ticket", code=registration.ticket_code))


@bp.app_context_processor
def _online_helpers():
    def online_join_link(registration) -> str | None:
        """The registrant's join link, for the ticket page (None when they have none)."""
        return services.join_url(registration)

    return {"online_join_link": online_join_link, "attend_switch_form": FlaskForm}
