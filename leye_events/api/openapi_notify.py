"""OpenAPI description of the notification endpoints: the inbox and SMS login codes.
(``PATCH /me`` and the SMS-code variants of ``/auth/token`` and ``/seekers`` are in ``openapi.py``.)"""
from .legacy_openapi import body, errors, ok, operation, path_id, ref
from .openapi_outreach import SEEKER_PROFILE_PROPERTIES

TAGS = ["notifications"]

KINDS = ["registration_confirmed", "waitlisted", "promoted", "reminder", "event_changed", "event_cancelled",
         "interview_booked", "application_result", "notice", "login_code"]
LOCAL_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}

PATHS = {
    "/me": {
        "patch": operation(
            "Change the caller's message preferences (and a seeker's profile)", operation_id="updateMe",
            tag="accounts", request=body(ref("ProfileUpdate")),
            responses={"200": ok("Own profile, masked", ref("Profile")), **errors(400, 401, 422)},
        ),
    },
    "/me/notifications": {
        "get": operation(
            "The caller's inbox", operation_id="listMyNotifications", tag="notifications",
            description="Newest first, at most 100, with the number of unread messages.",
            responses={"200": ok("Inbox", ref("Inbox")), **errors(401)},
        )
    },
    "/me/notifications/{notification_id}/read": {
        "post": operation(
            "Mark an inbox message read", operation_id="readNotification", tag="notifications",
            parameters=[path_id("notification_id", "Notification id")],
            responses={"200": ok("The message, read", ref("Notification")), **errors(401, 404)},
        )
    },
    "/auth/sms-code": {
        "post": operation(
            "Send a login code by SMS", operation_id="sendSmsCode", tag="notifications", secured=False,
            description="A 6-digit code, valid 5 minutes, usable once, for `POST /auth/token` `{phone, sms_code}` "
                        "or `POST /seekers` with `sms_code` instead of `password`. At most one code a minute per "
                        "phone (429 `too_soon`, also with the rate limiter off); limited per address too.",
            request=body(ref("SmsCodeRequest")),
            responses={"202": ok("Code queued for sending", ref("SmsCodeSent")), **errors(400, 422, 429)},
        )
    },
}

SCHEMAS = {
    "Notification": {
        "type": "object",
        "required": ["id", "kind", "title", "body", "event_id", "created_at", "read_at"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": KINDS},
            "title": {"type": "string", "maxLength": 200},
            "body": {"type": "string"},
            "event_id": {"type": ["integer", "null"]},
            "created_at": LOCAL_TIME,
            "read_at": {**LOCAL_TIME, "type": ["string", "null"]},
        },
    },
    "Inbox": {
        "type": "object",
        "required": ["notifications", "unread"],
        "properties": {
            "notifications": {"type": "array", "items": ref("Notification"), "maxItems": 100},
            "unread": {"type": "integer", "minimum": 0},
        },
    },
    "SmsCodeRequest": {
        "type": "object",
        "required": ["phone"],
        "properties": {"phone": {"type": "string", "description": "Mainland mobile number (11 digits, +86 allowed)"}},
    },
    "SmsCodeSent": {
        "type": "object",
        "required": ["sent", "expires_in"],
        "properties": {"sent": {"type": "boolean", "const": True},
                       "expires_in": {"type": "integer", "description": "Seconds the code stays valid (300)"}},
    },
    "ProfileUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "Message preferences; a seeker may also change the matching profile's fields (as "
                       "PATCH /seekers/{id}/profile; null clears). Other roles sending those get 400.",
        "properties": {
            "notify_sms": {"type": "boolean", "description": "Messages by SMS (the inbox cannot be turned off)"},
            "notify_email": {"type": "boolean", "description": "Messages by e-mail"},
            **SEEKER_PROFILE_PROPERTIES,
        },
    },
}
