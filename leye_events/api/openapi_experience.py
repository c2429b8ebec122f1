"""OpenAPI: posters, workshop certificates and feedback (API.md, "Sharing and certificates")."""
from ..feedback.models import MAX_COMMENT_LENGTH, MAX_RATING, MIN_RATING
from .legacy_openapi import TIMESTAMP, body, errors, ok, operation, path_id, ref

TAGS = ["experience"]  # sharing posters, workshop certificates and feedback

EVENT_ID = path_id("event_id", "Event id")
REGISTRATION_ID = path_id("registration_id", "Registration id")

RATING = {"type": "integer", "minimum": MIN_RATING, "maximum": MAX_RATING}
DISTRIBUTION = {
    "type": "object",
    "description": "How many gave each rating, keyed by the rating as a string",
    "properties": {str(r): {"type": "integer", "minimum": 0} for r in range(MIN_RATING, MAX_RATING + 1)},
    "required": [str(r) for r in range(MIN_RATING, MAX_RATING + 1)],
}
SUMMARY_PROPERTIES = {
    "count": {"type": "integer", "minimum": 0},
    "average": {"type": ["number", "null"], "minimum": MIN_RATING, "maximum": MAX_RATING,
                "description": "Mean rating, two decimals; null without feedback"},
    "distribution": DISTRIBUTION,
    "comments": {"type": "array", "description": "Comments without names, newest first",
                 "items": ref("FeedbackComment")},
}

SCHEMAS = {
    "FeedbackInput": {
        "type": "object",
        "required": ["rating"],
        "properties": {
            "rating": RATING,
            "comment": {"type": ["string", "null"], "maxLength": MAX_COMMENT_LENGTH},
        },
    },
    "Feedback": {
        "type": "object",
        "required": ["id", "registration_id", "event_id", "rating", "comment", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            "registration_id": {"type": "integer"},
            "event_id": {"type": "integer"},
            "rating": RATING,
            "comment": {"type": "string", "maxLength": MAX_COMMENT_LENGTH},
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
    },
    "FeedbackComment": {
        "type": "object",
        "required": ["rating", "comment", "created_at"],
        "properties": {"rating": RATING, "comment": {"type": "string"}, "created_at": TIMESTAMP},
    },
    "FeedbackSummary": {
        "type": "object",
        "required": ["event_id", "count", "average", "distribution", "comments", "sessions"],
        "properties": {
            "event_id": {"type": "integer"},
            **SUMMARY_PROPERTIES,
            "sessions": {
                "type": "array",
                "description": "Per session: the feedback of those who attended that session",
                "items": {
                    "type": "object",
                    "required": ["session_id", "title", "count", "average", "distribution", "comments"],
                    "properties": {"session_id": {"type": "integer"}, "title": {"type": "string"},
                                   **SUMMARY_PROPERTIES},
                },
            },
        },
    },
}

PATHS = {
    "/events/{event_id}/poster.png": {
        "get": operation(
            "The event's poster", operation_id="getEventPoster", tag="experience", secured=False,
            description="A 1080×1440 PNG for WeChat Moments: title, kind, sessions, venue, station and a QR "
                        "code of the event page. Drafts only for staff of the station.",
            parameters=[EVENT_ID],
            responses={"200": ok("The poster", content={"image/png": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}),
                       **errors(404)},
        )
    },
    "/registrations/{registration_id}/certificate.pdf": {
        "get": operation(
            "A workshop certificate", operation_id="getCertificate", tag="experience",
            description="For the seeker and staff of the event's station, once every module (session) of a "
                        "workshop was attended: the seeker's name, the workshop, its modules with dates, the "
                        "station and a verification link. 422 `not_completed` before, and for events that "
                        "are not workshops; 404 for anyone else.",
            parameters=[REGISTRATION_ID],
            responses={"200": ok("The certificate", content={"application/pdf": {"schema": {
                "type": "string", "format": "binary"}}}), **errors(401, 404, 422)},
        )
    },
    "/registrations/{registration_id}/feedback": {
        "post": operation(
            "Rate an attended event", operation_id="giveFeedback", tag="experience",
            description="The seeker of the registration, after attending at least one session (422 "
                        "`not_attended` before). Giving it again replaces it (200). 400 `invalid_rating` "
                        "or `invalid_comment` for values outside the schema.",
            parameters=[REGISTRATION_ID], request=body(ref("FeedbackInput")),
            responses={"201": ok("Feedback recorded", ref("Feedback")),
                       "200": ok("Feedback replaced", ref("Feedback")),
                       **errors(400, 401, 403, 404, 422)},
        )
    },
    "/events/{event_id}/feedback": {
        "get": operation(
            "Feedback summary", operation_id="getEventFeedback", tag="experience",
            description="Organizers and counselors of the event's station, admins: count, average, "
                        "distribution and comments (without names), for the event and per session.",
            parameters=[EVENT_ID],
            responses={"200": ok("The summary", ref("FeedbackSummary")), **errors(401, 403, 404)},
        )
    },
}
