"""API: registrations (see API.md)."""
from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..booking import services
from ..booking.models import Registration
from ..booking.tickets import ticket_links
from ..core.db import unit_of_work
from ..core.errors import NotFound
from ..core.timeutil import isoformat_local
from ..extensions import db, limiter
from ..online.services import join_url
from . import bp
from .auth import api_user, require_roles
from .models import Registration as RegistrationSchema
from .models import RegistrationCancel, RegistrationRequest, Registrations
from .schema import answers, declare


def registration_json(registration: Registration) -> dict:
    event = registration.event
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "event": {"id": event.id, "title": event.title, "status": event.status.value,
                  "starts_at": isoformat_local(event.starts_at)},
        "status": registration.status.value,
        "waitlist_position": registration.waitlist_position,
        "walk_in": registration.walk_in,
        "attend": registration.attend.value,
        # The personal link to the live room (online attendance), or null.
        "join_url": join_url(registration),
        "created_at": isoformat_local(registration.created_at),
        "cancelled_at": isoformat_local(registration.cancelled_at),
        "cancel_reason": registration.cancel_reason,
        "ticket": ticket_links(registration),
    }


@bp.post("/events/<int:event_id>/registrations")
@require_roles(Role.SEEKER)
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTRATION"], key_func=lambda: f"user:{api_user().id}")
@declare(json=RegistrationRequest, resp=answers(201, RegistrationSchema, "The registration with its ticket",
                                                errors=(400, 401, 403, 404, 409, 422, 429)),
         tags=["booking"], operation_id="register")
def create_registration(event_id: int):
    """Register the calling seeker: 201 confirmed or waitlisted; 409/422 with the rule's code.

    Seekers. 409 already_registered; 422 registration_closed, not_eligible, event_full, invalid_attend.
    Optional body ``{"attend": "onsite"|"online"}`` (hybrid events take online registrants without limit;
    default: the event's usual way)."""
    with unit_of_work():
        registration = services.register(event_id, api_user(), attend=request.context.json.attend)
        body = registration_json(registration)  # before the commit expires what it reads
    return jsonify(body), 201


@bp.get("/me/registrations")
@require_roles(Role.SEEKER)
@declare(resp=answers(200, Registrations, "Registrations", errors=(401, 403)), tags=["booking"],
         operation_id="myRegistrations")
def my_registrations():
    """Own registrations with status and tickets (seekers)."""
    registrations = services.seekers_registrations(api_user())
    return jsonify({"registrations": [registration_json(r) for r in registrations]})


@bp.post("/registrations/<int:registration_id>/cancel")
@declare(json=RegistrationCancel, resp=answers(200, RegistrationSchema, "The cancelled registration",
                                          errors=(400, 401, 403, 404, 422)),
         tags=["booking"], operation_id="cancelRegistration")
def cancel_registration(registration_id: int):
    """Cancel (the seeker, or staff of the station); the first waitlisted seeker is confirmed.

    The first waitlisted seeker is confirmed in the same transaction."""
    user = api_user()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("not_found", _("找不到该报名。"))
    with unit_of_work():
        registration = services.cancel(registration_id, actor=user, reason=request.context.json.reason or "")
    return jsonify(registration_json(registration))
