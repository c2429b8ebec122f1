"""Booking pages: register, my registrations, cancel, ticket; the organizer's registration list."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.auth import can_manage_station, roles_required
from ..accounts.models import Role
from ..checkin.attendance import attended_sessions
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..events import services as event_services
from ..events.models import Event
from ..extensions import db, limiter
from . import services
from .counts import seat_counts
from .forms import CancelForm, CapacityForm, ConfirmForm, StaffCancelForm
from .models import Registration, RegistrationStatus
from .tickets import qr_png, qr_svg, ticket_url

bp = Blueprint("booking", __name__)


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTRATION"], key_func=lambda: f"user:{current_user.get_id()}", methods=["POST"])
def register(event_id: int):
    """GET: a one-tap confirmation (where the login detour lands); POST: register."""
    event = _event_or_404(event_id)
    if current_user.role != Role.SEEKER:
        flash(_("只有求职者账号可以报名。"), "error")
        return redirect(url_for("events.detail", event_id=event.id))
    existing = services.active_registration(event.id, current_user.id)
    if existing is not None:
        flash(_("您已报名该活动。"), "info")
        return redirect(url_for("booking.ticket", code=existing.ticket_code))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                registration = services.register(event.id, current_user, attend=request.form.get("attend") or None)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(url_for("events.detail", event_id=event_id))
        if registration.status == RegistrationStatus.CONFIRMED and registration.attends_online:
            flash(_("报名成功！活动开始前 15 分钟起，可在电子票页点“进入直播间”线上参加。"), "success")
        elif registration.status == RegistrationStatus.CONFIRMED:
            flash(_("报名成功！请在活动当天出示电子票二维码。"), "success")
        else:
            flash(_("名额已满，您已进入候补名单，当前排第 %(n)d 位。有人取消时将自动为您递补。",
                    n=registration.waitlist_position), "info")
        return redirect(url_for("booking.ticket", code=registration.ticket_code))
    return render_template("booking/register.html", event=event, form=form, counts=seat_counts(event))


@bp.get("/me/registrations")
@roles_required(Role.SEEKER)
def my_registrations():
    now = utcnow()
    groups = {"upcoming": [], "waitlisted": [], "past": [], "cancelled": []}
    for registration in services.seekers_registrations(current_user):
        ended = services.has_ended(registration.event, now)
        if registration.status == RegistrationStatus.CANCELLED:
            groups["cancelled"].append(registration)
        elif ended:
            groups["past"].append(registration)
        elif registration.status == RegistrationStatus.WAITLISTED:
            groups["waitlisted"].append(registration)
        else:
            groups["upcoming"].append(registration)
    groups["upcoming"].sort(key=lambda r: r.event.starts_at)
    attended = attended_sessions(r.id for r in groups["past"] + groups["upcoming"])
    return render_template("booking/my_registrations.html", groups=groups, attended=attended)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(registration_id: int):
    """The seeker cancels their own registration, or staff cancel one with a reason."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    if not services.may_manage_registration(current_user, registration):
        abort(403)
    own = registration.seeker_id == current_user.id
    form = CancelForm() if own else StaffCancelForm()
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("该报名已取消。"), "info")
        return redirect(_after_cancel_url(registration, own))
    if own and services.has_ended(registration.event):
        flash(_("活动已结束，不能再取消报名。如有疑问，请联系乐业空间工作人员。"), "info")
        return redirect(_after_cancel_url(registration, own))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.cancel(registration.id, actor=current_user, reason=form.reason.data or "")
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(_after_cancel_url(registration, own))
        flash(_("已取消报名。"), "success")
        return redirect(_after_cancel_url(registration, own))
    return render_template("booking/cancel.html", registration=registration, form=form, own=own)


def _after_cancel_url(registration: Registration, own: bool) -> str:
    if own:
        return url_for("booking.my_registrations")
    return url_for("booking.event_registrations", event_id=registration.event_id)


@bp.get("/tickets/<code>")
def ticket(code: str):
    """The ticket page: anyone holding the code sees it (the code is the secret)."""
    registration = services.registration_by_code(code)
    if registration is None:
        abort(404)
    return render_template(
        "booking/ticket.html",
        registration=registration,
        event=registration.event,
        url=ticket_url(code),
        attended=attended_sessions([registration.id]).get(registration.id, {}),
        is_owner=current_user.is_authenticated and current_user.id == registration.seeker_id,
        ended=services.has_ended(registration.event),
    )


@bp.get("/tickets/<code>/qr.<any(svg, png):fmt>")
def ticket_qr(code: str, fmt: str):
    registration = services.registration_by_code(code)
    if registration is None:
        abort(404)
    data = ticket_url(code)
    if fmt == "svg":
        response = Response(qr_svg(data), mimetype="image/svg+xml")
    else:
        response = Response(qr_png(data), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/manage/events/<int:event_id>/registrations")
@login_required
def event_registrations(event_id: int):
    """The organizer's view of an event's registrations and waitlist."""
    event = _event_or_404(event_id)
    if not _may_see_registrations(event):
        abort(403)
    registrations = services.event_registrations(event)
    return render_template(
        "booking/event_registrations.html",
        event=event,
        registrations=registrations,
        counts=seat_counts(event),
        cancelled_count=sum(r.status == RegistrationStatus.CANCELLED for r in registrations),
        capacity_form=CapacityForm(capacity=event.capacity),
        cancel_form=StaffCancelForm(),
        close_form=ConfirmForm(),
        can_manage=can_manage_station(current_user, event.station_id),
        registration_open=event.registration_is_open(utcnow()),
    )


def _may_see_registrations(event: Event) -> bool:
    return can_manage_station(current_user, event.station_id) or (
        current_user.role == Role.COUNSELOR and current_user.station_id == event.station_id
    )


@bp.post("/manage/events/<int:event_id>/capacity")
@login_required
def change_capacity(event_id: int):
    """Raise or lower the capacity; raising it confirms waitlisted seekers at once."""
    event = _event_or_404(event_id)
    if not can_manage_station(current_user, event.station_id):
        abort(403)
    form = CapacityForm()
    if not form.validate_on_submit():
        for message in form.capacity.errors:
            flash(message, "error")
        return redirect(url_for("booking.event_registrations", event_id=event.id))
    before = services.waitlist_length(event.id)
    try:
        with unit_of_work():
            event_services.update_event(event, actor=current_user, capacity=form.capacity.data)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("booking.event_registrations", event_id=event_id))
    promoted = before - services.waitlist_length(event.id)
    if promoted > 0:
        flash(_("名额已更新，%(n)d 位候补者已转为正式报名。", n=promoted), "success")
    else:
        flash(_("名额已更新。"), "success")
    return redirect(url_for("booking.event_registrations", event_id=event_id))


@bp.post("/manage/events/<int:event_id>/close-registration")
@login_required
def close_registration(event_id: int):
    """Close registration now (the organizer stops sign-ups before the planned deadline)."""
    event = _event_or_404(event_id)
    if not can_manage_station(current_user, event.station_id):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work():
                event_services.close_registration_now(event, actor=current_user)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("报名已提前截止。"), "success")
    return redirect(url_for("booking.event_registrations", event_id=event_id))


@bp.app_context_processor
def _booking_helpers():
    def my_registration_for(event):
        if not current_user.is_authenticated or current_user.role != Role.SEEKER:
            return None
        return services.active_registration(event.id, current_user.id)

    return {"my_registration_for": my_registration_for}


