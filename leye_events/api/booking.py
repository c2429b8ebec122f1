"""API: registrations (see API.md)."""
from flask import current_app, jsonify, request

from ..accounts.models import Role
from ..booking import services
from ..booking.models import Registration
from ..booking.tickets import ticket_links
from ..core.errors import NotFound
from ..core.timeutil import isoformat_local
from ..extensions import db, limiter
from ..online.services import join_url
from . import bp
from . import parsing as p
from .auth import api_user, require_roles


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
def create_registration(event_id: int):
    """Register the calling seeker: 201 confirmed or waitlisted; 409/422 with the rule's code.
    Optional body ``{"attend": "onsite"|"online"}`` (hybrid events; default: the event's usual way)."""
    body = p.json_body(allow_empty=True)
    attend = p.text(body, "attend")
    registration = services.register(event_id, api_user(), attend=None if attend is p.MISSING else attend)
    body = registration_json(registration)  # before the commit expires what it reads
    db.session.commit()
    return jsonify(body), 201


@bp.get("/me/registrations")
@require_roles(Role.SEEKER)
def my_registrations():
    registrations = services.seekers_registrations(api_user())
    return jsonify({"registrations": [registration_json(r) for r in registrations]})


@bp.post("/registrations/<int:registration_id>/cancel")
def cancel_registration(registration_id: int):
    """Cancel (the seeker, or staff of the station); the first waitlisted seeker is confirmed."""
    user = api_user()
    body = request.get_json(silent=True)
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    if not isinstance(reason, str):
        reason = ""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("not_found", "Registration not found.")
    registration = services.cancel(registration_id, actor=user, reason=reason)
    db.session.commit()
    return jsonify(registration_json(registration))
