"""API: posters, workshop certificates and feedback (API.md, "Sharing and certificates")."""
from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from ..accounts.models import Role
from ..certificates import services as certificates
from ..core.db import unit_of_work
from ..core.errors import NotFound
from ..core.timeutil import isoformat_local
from ..events.models import Event
from ..extensions import db
from ..feedback import services as feedback
from ..sharing import services as sharing
from ..templating import current_locale_code as current_language
from . import bp
from .auth import api_user, require_roles
from .models_experience import Feedback, FeedbackInput, FeedbackSummary
from .schema import PUBLIC, also_answers, answers, declare

_BINARY = {"schema": {"type": "string", "format": "binary"}}
also_answers("getEventPoster", {"image/png": _BINARY})
also_answers("getCertificate", {"application/pdf": _BINARY})


@bp.get("/events/<int:event_id>/poster.png")
@declare(resp=answers(200, None, "The poster", errors=(404,)), tags=["experience"], security=PUBLIC,
         operation_id="getEventPoster")
def event_poster(event_id: int):
    """The event's poster (PNG, 1080×1440); drafts only for staff of the station.

    For WeChat Moments: title, kind, sessions, venue, station and a QR code of the event page."""
    event = sharing.shareable_event(event_id, api_user(optional=True))
    url = url_for("events.detail", event_id=event.id, _external=True)
    response = Response(sharing.poster_png(event, url, current_language()), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/registrations/<int:registration_id>/certificate.pdf")
@declare(resp=answers(200, None, "The certificate", errors=(401, 404, 422)), tags=["experience"],
         operation_id="getCertificate")
def registration_certificate(registration_id: int):
    """The workshop certificate: the seeker or staff of the station; 422 ``not_completed`` before.

    Once every module (session) of a workshop was attended: the seeker's name, the workshop, its modules with
    dates, the station and a verification link. 422 `not_completed` before, and for events that are not
    workshops; 404 for anyone else."""
    registration = certificates.certificate_registration(registration_id, api_user())
    verify_url = url_for("certificates.verify", token=certificates.verification_token(registration), _external=True)
    response = Response(certificates.certificate_pdf(registration, verify_url), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{registration.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def feedback_json(item) -> dict:
    return {"id": item.id, "registration_id": item.registration_id, "event_id": item.event_id,
            "rating": item.rating, "comment": item.comment,
            "created_at": isoformat_local(item.created_at), "updated_at": isoformat_local(item.updated_at)}


@bp.post("/registrations/<int:registration_id>/feedback")
@require_roles(Role.SEEKER)
@declare(json=FeedbackInput, resp=answers(201, Feedback, "Feedback recorded",
                                          also={200: (Feedback, "Feedback replaced")},
                                          errors=(400, 401, 403, 404, 422)),
         tags=["experience"], operation_id="giveFeedback")
def give_feedback(registration_id: int):
    """Rate an attended event 1–5 with an optional comment: 201 the first time, 200 when replaced.

    The seeker of the registration, after attending at least one session (422 `not_attended` before).
    400 `invalid_rating` or `invalid_comment` for values outside the schema."""
    body = request.context.json
    with unit_of_work():
        item, created = feedback.give_feedback(registration_id, seeker=api_user(), rating=body.rating,
                                               comment=body.comment)
    return jsonify(feedback_json(item)), 201 if created else 200


def summary_json(summary) -> dict:
    return {
        "count": summary.count,
        "average": summary.average,
        "distribution": {str(k): v for k, v in summary.distribution.items()},
        "comments": [{"rating": c["rating"], "comment": c["comment"], "created_at": isoformat_local(c["created_at"])}
                     for c in summary.comments],
    }


@bp.get("/events/<int:event_id>/feedback")
@declare(resp=answers(200, FeedbackSummary, "The summary", errors=(401, 403, 404)), tags=["experience"],
         operation_id="getEventFeedback")
def event_feedback(event_id: int):
    """Count, average, distribution and anonymous comments, for the event and each session.

    Organizers and counselors of the event's station, admins; comments come without names."""
    user = api_user()
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("not_found", _("找不到该活动。"))
    result = feedback.event_summary(event, viewer=user)
    return jsonify({
        "event_id": event.id,
        **summary_json(result["event"]),
        "sessions": [{"session_id": s.id, "title": s.title, **summary_json(result["sessions"][s.id])}
                     for s in event.sessions],
    })
